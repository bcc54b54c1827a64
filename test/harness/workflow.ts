/**
 * The pieces of a workflow run that live in n8n's cli package, rebuilt small: the node-type
 * registry, the node as a workflow stores it, a real `Workflow` holding it, `additionalData` with
 * our credentials helper; and setUpNodeRun, which every harness entry point starts with.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeCredentials,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { ensureN8nCore } from './core';
import { HarnessCredentialsHelper } from './credentials-helper';

/** A RingReady API credential's two fields. */
export interface TestCredentials {
	apiKey: string;
	baseUrl: string;
}

export type AnyNodeType = INodeType | IVersionedNodeType;

const isVersioned = (nodeType: AnyNodeType): nodeType is IVersionedNodeType =>
	'nodeVersions' in nodeType;

/** The type name a workflow stores: n8n prefixes community nodes with the package name. */
const fullTypeName = ({ description: { name } }: AnyNodeType) =>
	name.includes('.') ? name : `n8n-nodes-ringready.${name}`;

/** The version a new node gets in the editor: the highest (or the versioned type's default). */
export function latestVersion(nodeType: AnyNodeType): number {
	if (isVersioned(nodeType)) return nodeType.description.defaultVersion ?? nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** A minimal Manual Trigger, so workflows have a start node feeding our node its input items. */
export const START_NODE_NAME = 'Start';
const startNodeType: INodeType = {
	description: {
		displayName: 'Manual Trigger',
		name: 'n8n-nodes-base.manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
	async trigger() {
		return {};
	},
};

/** As n8n's loader (applySpecialNodeParameters) hands it over: a polling node gets "Poll Times" first. */
function asLoaded(nodeType: AnyNodeType): AnyNodeType {
	if (isVersioned(nodeType) || !nodeType.description.polling) return nodeType;
	if (nodeType.description.properties.some((p) => p.name === 'pollTimes')) return nodeType;
	const loaded = Object.create(nodeType) as INodeType;
	loaded.description = {
		...nodeType.description,
		properties: [...structuredClone(commonPollingParameters), ...nodeType.description.properties],
	};
	return loaded;
}

/** n8n's INodeTypes (the cli's NodeTypes service) over the given types plus the start node. */
export function makeNodeTypes(types: AnyNodeType[]): INodeTypes {
	const byName = new Map<string, AnyNodeType>([[startNodeType.description.name, startNodeType]]);
	for (const t of types) byName.set(fullTypeName(t), asLoaded(t));
	const getByName = (nodeType: string) => {
		const t = byName.get(nodeType);
		if (!t) throw new UnexpectedError(`Harness: unknown node type "${nodeType}"`);
		return t;
	};
	return {
		getByName,
		getByNameAndVersion: (nodeType, version) =>
			NodeHelpers.getVersionedNodeType(getByName(nodeType), version),
		getKnownTypes: () => ({}),
	};
}

/** Credential data by type name. */
export function credentialStore(
	credentials: TestCredentials | undefined,
): Record<string, ICredentialDataDecryptedObject> {
	return credentials ? { ringReadyApi: { ...credentials } } : {};
}

/** The node's `credentials` as the editor saves them: `{ ringReadyApi: { id, name } }`. */
export function nodeCredentialsFor(
	store: Record<string, ICredentialDataDecryptedObject>,
): INodeCredentials | undefined {
	const types = Object.keys(store);
	if (types.length === 0) return undefined;
	return Object.fromEntries(
		types.map((type) => [type, { id: `harness-${type}`, name: `${type} (harness)` }]),
	);
}

export function makeNode(
	nodeType: AnyNodeType,
	opts: {
		name?: string;
		typeVersion?: number;
		parameters: INodeParameters;
		credentials?: INodeCredentials;
		continueOnFail?: boolean;
	},
): INode {
	const typeVersion = opts.typeVersion ?? latestVersion(nodeType);
	const { description } = NodeHelpers.getVersionedNodeType(nodeType, typeVersion);
	return {
		id: `harness-${description.name}`,
		name: opts.name ?? description.defaults.name ?? description.displayName,
		type: fullTypeName(nodeType),
		typeVersion,
		position: [200, 0],
		// The editor stores parameters as JSON; copy so the test's object is never mutated.
		parameters: structuredClone(opts.parameters),
		...(opts.credentials && { credentials: opts.credentials }),
		...(opts.continueOnFail && { onError: 'continueRegularOutput' as const }),
	};
}

/** `new Workflow` fills in every parameter's default, as n8n does when it loads a workflow. */
export function makeWorkflow(opts: {
	nodes: INode[];
	nodeTypes: INodeTypes;
	connectFromStart?: string;
	staticData?: IDataObject;
	active?: boolean;
}): Workflow {
	const { connectFromStart: to } = opts;
	return new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: opts.nodes,
		connections: to
			? { [START_NODE_NAME]: { main: [[{ node: to, type: 'main' as const, index: 0 }]] } }
			: {},
		active: opts.active ?? false,
		nodeTypes: opts.nodeTypes,
		staticData: opts.staticData,
		settings: { timezone: 'UTC', executionOrder: 'v1' },
	});
}

let executionCounter = 0;

export function makeAdditionalData(opts: {
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	workflow: Workflow;
	currentNodeParameters?: INodeParameters;
}): IWorkflowExecuteAdditionalData {
	const executionId = String(++executionCounter);
	const { workflow } = opts;
	const notInHarness = (what: string) => async () => {
		throw new UnexpectedError(`Harness: ${what} is not available`);
	};
	const base = 'http://localhost:5678';
	return {
		credentialsHelper: opts.credentialsHelper,
		executeWorkflow: notInHarness('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		currentNodeParameters: opts.currentNodeParameters,
		userId: 'harness-user',
		workflowId: workflow.id,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notInHarness('startRunnerTask (Code node task runner)'),
		// n8n-core's own (empty) external-secrets proxy: `$secrets` resolves to nothing.
		externalSecretsProxy: new ExternalSecretsProxy(),
		workflowSettings: workflow.settings,
		// n8n-core's hooks object, with no handlers registered.
		hooks: new ExecutionLifecycleHooks(opts.mode, executionId, {
			id: workflow.id,
			name: workflow.name ?? 'Harness workflow',
			active: workflow.active,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
		}),
	};
}

/** One node of `nodeType` in a workflow with its credentials and additionalData, ready for an n8n-core context. */
export function setUpNodeRun(
	nodeType: AnyNodeType,
	opts: {
		parameters: INodeParameters;
		credentials?: TestCredentials;
		nodeName?: string;
		typeVersion?: number;
		continueOnFail?: boolean;
		mode: WorkflowExecuteMode;
		/** After a "Start" node (an action node); otherwise alone (a trigger, a list search). */
		afterStart?: boolean;
		/** The workflow's static data, given the node's name. */
		staticData?: (nodeName: string) => IDataObject;
		active?: boolean;
		/** The editor sends the node's parameters along (list search), defaults filled in. */
		currentNodeParameters?: boolean;
	},
) {
	ensureN8nCore();
	const store = credentialStore(opts.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const made = makeNode(nodeType, {
		...opts,
		name: opts.nodeName,
		credentials: nodeCredentialsFor(store),
	});
	const workflow = makeWorkflow({
		nodes: opts.afterStart
			? [
					{
						id: 'harness-start',
						name: START_NODE_NAME,
						type: startNodeType.description.name,
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					made,
				]
			: [made],
		nodeTypes: makeNodeTypes([nodeType]),
		connectFromStart: opts.afterStart ? made.name : undefined,
		staticData: opts.staticData?.(made.name),
		active: opts.active,
	});
	const node = workflow.nodes[made.name];
	const additionalData = makeAdditionalData({
		credentialsHelper,
		mode: opts.mode,
		workflow,
		currentNodeParameters: opts.currentNodeParameters ? node.parameters : undefined,
	});
	const version = NodeHelpers.getVersionedNodeType(nodeType, node.typeVersion);
	return { workflow, additionalData, node, version, credentialsHelper };
}
