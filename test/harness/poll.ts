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
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { logMark, logsSince } from './logs';
import { setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export interface RunPollOptions {
	parameters: INodeParameters;
	credentials?: TestCredentials;
	/** The node's static data, carried from poll to poll: updated in place after each poll. */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	nodeName?: string;
	typeVersion?: number;
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

export async function runPoll(nodeType: AnyNodeType, opts: RunPollOptions) {
	const mark = logMark();
	const mode = opts.mode ?? 'trigger';
	const staticData: IDataObject = opts.staticData ?? {};
	const { workflow, node, additionalData, version, credentialsHelper } = setUpNodeRun(nodeType, {
		...opts,
		mode,
		staticData: (nodeName) => ({ [`node:${nodeName}`]: jsonCopy(staticData) }),
		active: mode === 'trigger',
	});
	const writeBack = () => {
		const after = jsonCopy((workflow.staticData[`node:${node.name}`] ?? {}) as IDataObject);
		for (const key of Object.keys(staticData)) delete staticData[key];
		Object.assign(staticData, after);
	};

	let items: INodeExecutionData[][] | null | undefined;
	try {
		if (mode === 'manual') {
			const context = new PollContext(workflow, node, additionalData, 'manual', 'manual');
			items = await version.poll!.call(context);
		} else {
			// __emit / __emitError are what n8n calls with the result afterwards (start an
			// execution / record an error execution); the harness returns or throws instead.
			const context = new PollContext(
				workflow,
				node,
				additionalData,
				'trigger',
				'activate',
				() => {},
				() => {},
			);
			items = await Container.get(TriggersAndPollers).runPollFunction(workflow, node, context);
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
	return {
		/** null: "nothing new" (n8n starts no execution). */
		items: items ?? null,
		/** The caller's staticData object (or a new one), now holding what the node saved. */
		staticData,
		logs: logsSince(mark),
		/** How often the node read a credential (a database read in real n8n). */
		credentialReads: credentialsHelper.decryptedReads,
	};
}
