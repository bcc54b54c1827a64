/**
 * runPoll: a polling trigger's poll() as n8n runs it, through a real PollContext: mode 'trigger'
 * via TriggersAndPollers.runPollFunction (an active workflow), mode 'manual' via `poll.call(ctx)`
 * ("Fetch Test Event"). A JSON copy of the caller's `staticData` is loaded as
 * `workflow.staticData['node:<name>']` (what n8n reads from its database); after the poll, also
 * when it throws, what the node left there is written back into the caller's object in place (in
 * manual mode too, so a test can assert that it changes nothing). It must stay JSON, as n8n saves it.
 */
import { Container } from '@n8n/di';
import { isDeepStrictEqual } from 'util';
import { PollContext, TriggersAndPollers } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { logMark, logsSince, type CapturedLog } from './logs';
import { setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export interface RunPollOptions {
	parameters: INodeParameters;
	credentials?: TestCredentials;
	/** The node's static data; carried from poll to poll; updated in place after each poll. */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	/** How the workflow was activated (trigger mode only); default 'activate'. */
	activation?: WorkflowActivateMode;
	nodeName?: string;
	typeVersion?: number;
}

export interface RunPollResult {
	/** What poll() returned: null means "nothing new" (n8n starts no execution). */
	items: INodeExecutionData[][] | null;
	/** The caller's staticData object (or a new one), now holding what the node saved. */
	staticData: IDataObject;
	/** Whether n8n 2.x would save the static data now: trigger mode and items returned (add the activation poll yourself). */
	persistedByN8n: boolean;
	logs: CapturedLog[];
	/** How often the node read a credential (n8n's getDecrypted: a database read in real n8n). */
	credentialReads: number;
}

/** A JSON copy of static data, as n8n stores it; anything that would not survive that fails the run. */
function jsonCopy(value: IDataObject): IDataObject {
	const copy = JSON.parse(JSON.stringify(value)) as IDataObject;
	if (!isDeepStrictEqual(copy, value) && !isDeepStrictEqual(copy, { ...value }))
		throw new Error(
			'Static data is not JSON (a Date, Map, Set, undefined, NaN or class instance): n8n saves static data as JSON, so it would not survive the save',
		);
	return copy;
}

export async function runPoll(nodeType: AnyNodeType, opts: RunPollOptions): Promise<RunPollResult> {
	const mark = logMark();
	const mode = opts.mode ?? 'trigger';
	const callerStaticData: IDataObject = opts.staticData ?? {};

	const staticKeyOf = (nodeName: string) => `node:${nodeName}`;
	const run = setUpNodeRun(nodeType, {
		parameters: opts.parameters,
		credentials: opts.credentials,
		nodeName: opts.nodeName,
		typeVersion: opts.typeVersion,
		mode,
		staticData: (nodeName) => ({ [staticKeyOf(nodeName)]: jsonCopy(callerStaticData) }),
		active: mode === 'trigger',
	});
	const { workflow, node: workflowNode, additionalData, version, credentialsHelper } = run;
	const staticKey = staticKeyOf(workflowNode.name);

	const writeBack = () => {
		const after = jsonCopy((workflow.staticData[staticKey] ?? {}) as IDataObject);
		for (const key of Object.keys(callerStaticData)) delete callerStaticData[key];
		Object.assign(callerStaticData, after);
	};

	let items: INodeExecutionData[][] | null;
	try {
		if (mode === 'manual') {
			const context = new PollContext(workflow, workflowNode, additionalData, 'manual', 'manual');
			if (!version.poll) throw new Error('Harness: this node type has no poll() method');
			items = await version.poll.call(context);
		} else {
			// __emit / __emitError are what n8n calls with the result afterwards (start an
			// execution / record an error execution); the harness returns or throws instead.
			const context = new PollContext(
				workflow,
				workflowNode,
				additionalData,
				'trigger',
				opts.activation ?? 'activate',
				() => {},
				() => {},
			);
			items = await Container.get(TriggersAndPollers).runPollFunction(
				workflow,
				workflowNode,
				context,
			);
		}
	} catch (error) {
		try {
			writeBack();
		} catch {
			// The node's own error is the one to report.
		}
		throw error;
	}
	writeBack();
	const result = items ?? null;
	return {
		items: result,
		staticData: callerStaticData,
		persistedByN8n: mode === 'trigger' && result !== null,
		credentialReads: credentialsHelper.decryptedReads,
		logs: logsSince(mark),
	};
}
