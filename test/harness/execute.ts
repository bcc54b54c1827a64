/**
 * executeNode: run an action node's execute() the way n8n's WorkflowExecute.executeNode does,
 * through a real ExecuteContext on a real Workflow (Start → node), with real expression
 * resolution, real HTTP helpers and our credential's real authenticate.
 */
import { ExecuteContext } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type {
	IExecuteData,
	INodeExecutionData,
	INodeParameters,
	ITaskData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { logMark, logsSince, type CapturedLog } from './logs';
import { START_NODE_NAME, setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export interface ExecuteNodeOptions {
	/** The node's parameters as the editor saves them (resource locators, `={{ }}` expressions …). */
	parameters: INodeParameters;
	/** Input items (what the previous node, "Start", output). Default `[{ json: {} }]`. */
	items?: INodeExecutionData[];
	/** RingReady API credential; undefined → the node has no credential set. */
	credentials?: TestCredentials;
	/** Node setting "On Error: Continue" (node.onError = 'continueRegularOutput'). */
	continueOnFail?: boolean;
	typeVersion?: number;
	nodeName?: string;
	/** Execution mode; default 'manual' (the editor's "Execute step"). */
	mode?: WorkflowExecuteMode;
	/** Aborts the execution (what n8n does when the user cancels). */
	abortSignal?: AbortSignal;
}

export interface ExecuteNodeResult {
	/** What the node returned (one array per output). Not post-processed: no pairedItem is added. */
	output: INodeExecutionData[][];
	/** With continueOnFail, the error the node threw as a whole (n8n then passes the input items through, as `output` does). */
	error?: Error;
	/** What n8n logged during this run. */
	logs: CapturedLog[];
	/** How often the node read a credential (n8n's getDecrypted: a database read in real n8n). */
	credentialReads: number;
}

export async function executeNode(
	nodeType: AnyNodeType,
	opts: ExecuteNodeOptions,
): Promise<ExecuteNodeResult> {
	const mark = logMark();
	const mode = opts.mode ?? 'manual';
	const items: INodeExecutionData[] = opts.items ?? [{ json: {} }];
	// Input items carry pairedItem to the start node's output, as they would in n8n.
	const inputItems: INodeExecutionData[] = items.map((item, index) => ({
		...item,
		pairedItem: item.pairedItem ?? { item: index },
	}));
	const run = setUpNodeRun(nodeType, {
		parameters: opts.parameters,
		credentials: opts.credentials,
		nodeName: opts.nodeName,
		typeVersion: opts.typeVersion,
		continueOnFail: opts.continueOnFail,
		mode,
		afterStart: true,
	});
	const { workflow, node: workflowNode, additionalData, version, credentialsHelper } = run;

	// The run so far: Start ran once and output the items ($('Start').item works).
	const startTask: ITaskData = {
		startTime: Date.now(),
		executionTime: 0,
		executionIndex: 0,
		executionStatus: 'success',
		source: [],
		data: { main: [inputItems] },
	};
	const executeData: IExecuteData = {
		node: workflowNode,
		data: { main: [inputItems] },
		source: {
			main: [{ previousNode: START_NODE_NAME, previousNodeOutput: 0, previousNodeRun: 0 }],
		},
	};
	const runExecutionData = createRunExecutionData({
		resultData: { runData: { [START_NODE_NAME]: [startTask] }, lastNodeExecuted: START_NODE_NAME },
		executionData: { nodeExecutionStack: [executeData] },
	});

	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		mode,
		runExecutionData,
		0,
		inputItems,
		{ main: [inputItems] },
		executeData,
		[],
		opts.abortSignal,
	);
	if (!version.execute) throw new Error('Harness: this node type has no execute() method');

	// As WorkflowExecute.executeNode: a node that throws as a whole under continueOnFail passes its input on.
	let output: INodeExecutionData[][] | null;
	let nodeError: Error | undefined;
	try {
		output = (await version.execute.call(context)) as INodeExecutionData[][] | null;
	} catch (error) {
		if (!context.continueOnFail()) throw error;
		nodeError = error as Error;
		output = [inputItems];
	}

	return {
		output: output ?? [],
		error: nodeError,
		logs: logsSince(mark),
		credentialReads: credentialsHelper.decryptedReads,
	};
}
