/**
 * executeNode: an action node's execute() as n8n's WorkflowExecute.executeNode runs it, through a
 * real ExecuteContext on a real Workflow (Start → node), in mode 'manual' (the editor's "Execute step").
 */
import { ExecuteContext } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type { IExecuteData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { logMark, logsSince } from './logs';
import { START_NODE_NAME, setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export interface ExecuteNodeOptions {
	/** The node's parameters as the editor saves them (resource locators, `={{ }}` expressions …). */
	parameters: INodeParameters;
	/** What "Start" output. Default `[{ json: {} }]`. */
	items?: INodeExecutionData[];
	/** undefined: the node has no credential set. */
	credentials?: TestCredentials;
	/** Node setting "On Error: Continue" (node.onError = 'continueRegularOutput'). */
	continueOnFail?: boolean;
	typeVersion?: number;
	nodeName?: string;
	/** What n8n aborts when the user presses Stop. */
	abortSignal?: AbortSignal;
}

export async function executeNode(nodeType: AnyNodeType, opts: ExecuteNodeOptions) {
	const mark = logMark();
	const items: INodeExecutionData[] = opts.items ?? [{ json: {} }];
	const inputItems = items.map((item, index) => ({
		...item,
		pairedItem: item.pairedItem ?? { item: index },
	}));
	const { workflow, node, additionalData, version, credentialsHelper } = setUpNodeRun(nodeType, {
		...opts,
		mode: 'manual',
		afterStart: true,
	});
	const executeData: IExecuteData = {
		node,
		data: { main: [inputItems] },
		source: {
			main: [{ previousNode: START_NODE_NAME, previousNodeOutput: 0, previousNodeRun: 0 }],
		},
	};
	// The run so far: Start ran once and output the items ($('Start').item works).
	const runExecutionData = createRunExecutionData({
		resultData: {
			runData: {
				[START_NODE_NAME]: [
					{
						startTime: Date.now(),
						executionTime: 0,
						executionIndex: 0,
						executionStatus: 'success',
						source: [],
						data: { main: [inputItems] },
					},
				],
			},
			lastNodeExecuted: START_NODE_NAME,
		},
		executionData: { nodeExecutionStack: [executeData] },
	});
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		inputItems,
		{ main: [inputItems] },
		executeData,
		[],
		opts.abortSignal,
	);
	let output: INodeExecutionData[][] | null;
	try {
		output = (await version.execute!.call(context)) as INodeExecutionData[][] | null;
	} catch (error) {
		// As WorkflowExecute.executeNode: a node that throws as a whole under continueOnFail passes its input on.
		if (!context.continueOnFail()) throw error;
		output = [inputItems];
	}
	return {
		/** What the node returned (one array per output), without n8n's post-processing. */
		output: output ?? [],
		logs: logsSince(mark),
		/** How often the node read a credential (a database read in real n8n). */
		credentialReads: credentialsHelper.decryptedReads,
	};
}
