/**
 * The set-up every harness entry point shares before it builds its n8n-core context: the node in a
 * Workflow (which fills in its parameter defaults), its credentials, and additionalData.
 */
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { ensureN8nCore } from './core';
import { HarnessCredentialsHelper } from './credentials-helper';
import {
	credentialStore,
	makeAdditionalData,
	makeNode,
	makeNodeTypes,
	makeStartNode,
	makeWorkflow,
	nodeCredentialsFor,
	resolveVersion,
	type AnyNodeType,
	type TestCredentials,
} from './workflow';

export interface WorkflowRun {
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
}

/** A workflow of `nodes` and the additionalData of one run of it. */
export function setUpWorkflowRun(opts: {
	nodes: INode[];
	nodeTypes: INodeTypes;
	credentialsHelper: HarnessCredentialsHelper;
	mode: WorkflowExecuteMode;
	connectFromStart?: string;
	staticData?: IDataObject;
	active?: boolean;
	/** The editor sends the node's parameters along (list search): those of this node, defaults filled in. */
	currentParametersOf?: string;
}): WorkflowRun {
	ensureN8nCore();
	const workflow = makeWorkflow(opts);
	const additionalData = makeAdditionalData({
		credentialsHelper: opts.credentialsHelper,
		mode: opts.mode,
		workflow,
		currentNodeParameters:
			opts.currentParametersOf === undefined
				? undefined
				: workflow.nodes[opts.currentParametersOf].parameters,
	});
	return { workflow, additionalData };
}

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
	currentNodeParameters?: boolean;
}

export interface NodeRun extends WorkflowRun {
	/** The node as the workflow holds it (parameter defaults filled in). */
	node: INode;
	/** The node type's implementation for the node's version. */
	version: INodeType;
	credentialsHelper: HarnessCredentialsHelper;
}

/** One node of `nodeType` in a workflow, ready for an n8n-core context. */
export function setUpNodeRun(nodeType: AnyNodeType, opts: NodeRunOptions): NodeRun {
	const store = credentialStore(opts.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const made = makeNode(nodeType, {
		name: opts.nodeName,
		typeVersion: opts.typeVersion,
		parameters: opts.parameters,
		credentials: nodeCredentialsFor(store),
		continueOnFail: opts.continueOnFail,
	});
	const { workflow, additionalData } = setUpWorkflowRun({
		nodes: opts.afterStart ? [makeStartNode(), made] : [made],
		nodeTypes: makeNodeTypes([nodeType]),
		credentialsHelper,
		mode: opts.mode,
		connectFromStart: opts.afterStart ? made.name : undefined,
		staticData: opts.staticData?.(made.name),
		active: opts.active,
		currentParametersOf: opts.currentNodeParameters ? made.name : undefined,
	});
	const node = workflow.nodes[made.name];
	const version = resolveVersion(nodeType, node.typeVersion);
	return { workflow, additionalData, node, version, credentialsHelper };
}
