/**
 * The pieces of a workflow run that live in n8n's cli package, rebuilt small: the node-type
 * registry, the node as a workflow stores it, a real `Workflow` holding it, `additionalData` with
 * our credentials helper; and the set-up every harness entry point shares before it builds its
 * n8n-core context (setUpNodeRun, setUpWorkflowRun).
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';
import type {
	IConnections,
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

/** What a test gives for a RingReady API credential (the credential's two fields). */
export interface TestCredentials {
	apiKey: string;
	baseUrl: string;
}

export const RINGREADY_CREDENTIAL_TYPE = 'ringReadyApi';

/** n8n prefixes community node names with the package name: `n8n-nodes-ringready.ringReady`. */
export const PACKAGE_NAME = 'n8n-nodes-ringready';

export type AnyNodeType = INodeType | IVersionedNodeType;

export function isVersioned(nodeType: AnyNodeType): nodeType is IVersionedNodeType {
	return 'nodeVersions' in nodeType;
}

/** The full type name a workflow stores for this node (`<package>.<description.name>`). */
export function fullTypeName(nodeType: AnyNodeType): string {
	const { name } = nodeType.description;
	return name.includes('.') ? name : `${PACKAGE_NAME}.${name}`;
}

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
export function asLoaded(nodeType: AnyNodeType): AnyNodeType {
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
	const byName = new Map<string, AnyNodeType>();
	byName.set(startNodeType.description.name, startNodeType);
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

export function makeStartNode(): INode {
	return {
		id: 'harness-start',
		name: START_NODE_NAME,
		type: startNodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** Credential data by type name. */
export function credentialStore(
	credentials: TestCredentials | undefined,
): Record<string, ICredentialDataDecryptedObject> {
	return credentials ? { [RINGREADY_CREDENTIAL_TYPE]: { ...credentials } } : {};
}

/** The node's `credentials` as the editor saves them: `{ ringReadyApi: { id, name } }`. */
export function nodeCredentialsFor(
	store: Record<string, ICredentialDataDecryptedObject>,
): INodeCredentials | undefined {
	const types = Object.keys(store);
	if (types.length === 0) return undefined;
	const result: INodeCredentials = {};
	for (const type of types) result[type] = { id: `harness-${type}`, name: `${type} (harness)` };
	return result;
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
	const node: INode = {
		id: `harness-${description.name}`,
		name: opts.name ?? description.defaults.name ?? description.displayName,
		type: fullTypeName(nodeType),
		typeVersion,
		position: [200, 0],
		// The editor stores parameters as JSON; copy so the test's object is never mutated.
		parameters: structuredClone(opts.parameters),
	};
	if (opts.credentials) node.credentials = opts.credentials;
	if (opts.continueOnFail) node.onError = 'continueRegularOutput';
	return node;
}

export function makeWorkflow(opts: {
	nodes: INode[];
	nodeTypes: INodeTypes;
	connectFromStart?: string;
	staticData?: IDataObject;
	active?: boolean;
}): Workflow {
	const connections: IConnections = opts.connectFromStart
		? {
				[START_NODE_NAME]: {
					main: [[{ node: opts.connectFromStart, type: 'main' as const, index: 0 }]],
				},
			}
		: {};
	// `new Workflow` fills in every parameter's default, as n8n does when it loads a workflow.
	return new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: opts.nodes,
		connections,
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
	const notInHarness = (what: string) => async () => {
		throw new UnexpectedError(`Harness: ${what} is not available`);
	};
	return {
		credentialsHelper: opts.credentialsHelper,
		executeWorkflow: notInHarness('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		currentNodeParameters: opts.currentNodeParameters,
		userId: 'harness-user',
		workflowId: opts.workflow.id,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: notInHarness('startRunnerTask (Code node task runner)'),
		// n8n-core's own (empty) external-secrets proxy: `$secrets` resolves to nothing.
		externalSecretsProxy: new ExternalSecretsProxy(),
		workflowSettings: opts.workflow.settings,
		// Real hooks object (n8n-core's), with no handlers registered.
		hooks: new ExecutionLifecycleHooks(opts.mode, executionId, {
			id: opts.workflow.id,
			name: opts.workflow.name ?? 'Harness workflow',
			active: opts.workflow.active,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
			nodes: Object.values(opts.workflow.nodes),
			connections: opts.workflow.connectionsBySourceNode,
		}),
	};
}

// --- the set-up every entry point shares --------------------------------------------------

export interface NodeRunOptions {
	parameters: INodeParameters;
	/** RingReady API credential; undefined → the node has no credential set. */
	credentials?: TestCredentials;
	nodeName?: string;
	typeVersion?: number;
	continueOnFail?: boolean;
	mode: WorkflowExecuteMode;
	/** The node runs after a "Start" node (an action node); otherwise it is alone (a trigger, list search). */
	afterStart?: boolean;
	/** The workflow's static data, given the node's name (a trigger's lives under `node:<name>`). */
	staticData?: (nodeName: string) => IDataObject;
	active?: boolean;
	/** The editor sends the node's parameters along (list search), defaults filled in. */
	currentNodeParameters?: boolean;
}

/** One node of `nodeType` in a workflow with its credentials and additionalData, ready for an n8n-core context. */
export function setUpNodeRun(nodeType: AnyNodeType, opts: NodeRunOptions) {
	ensureN8nCore();
	const store = credentialStore(opts.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const made = makeNode(nodeType, {
		name: opts.nodeName,
		typeVersion: opts.typeVersion,
		parameters: opts.parameters,
		credentials: nodeCredentialsFor(store),
		continueOnFail: opts.continueOnFail,
	});
	const workflow = makeWorkflow({
		nodes: opts.afterStart ? [makeStartNode(), made] : [made],
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
