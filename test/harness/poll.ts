/**
 * runPoll: run a polling trigger's poll() the way n8n does, through a real PollContext.
 *
 *  - mode 'trigger' (an active workflow's scheduled poll): PollContext(mode 'trigger') and
 *    n8n-core's TriggersAndPollers.runPollFunction, as the active-workflow poller does.
 *  - mode 'manual' ("Fetch Test Event"): PollContext(mode 'manual', activation 'manual') and
 *    `poll.call(context)`, as WorkflowExecute.executePollNode does.
 *
 * Static data: n8n keeps a trigger's state in `workflow.staticData['node:<node name>']` and stores
 * it in the database as JSON. The harness loads a JSON copy of the caller's `staticData` into the
 * workflow before the poll (what n8n reads from the database), and after the poll (also when it
 * throws) writes what the node left there back into the caller's object in place. The state must
 * be JSON: a Date, Map, Set, undefined, NaN/Infinity, function or class instance in it would not
 * survive n8n's save, so the harness fails the run with the path of the offending value.
 * In manual mode real n8n discards static-data changes; the harness still writes them back, so a
 * test can assert that manual mode changes nothing (stricter than n8n).
 */
import { Container } from '@n8n/di';
import { PollContext, TriggersAndPollers } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	WorkflowActivateMode,
} from 'n8n-workflow';

import { setUpNodeRun } from './context';
import { logMark, logsSince, type CapturedLog } from './logs';
import type { AnyNodeType, TestCredentials } from './workflow';

export interface RunPollOptions {
	parameters: INodeParameters;
	credentials?: TestCredentials;
	credentialData?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's static data; carried from poll to poll; updated in place after each poll. */
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
	/** How the workflow was activated (trigger mode only); default 'activate'. */
	activation?: WorkflowActivateMode;
	nodeName?: string;
	typeVersion?: number;
	/** Workflow timezone (this.getTimezone()); default 'UTC'. */
	timezone?: string;
}

export interface RunPollResult {
	/** What poll() returned: null means "nothing new" (n8n starts no execution). */
	items: INodeExecutionData[][] | null;
	/** The caller's staticData object (or a new one), now holding what the node saved. */
	staticData: IDataObject;
	/**
	 * Whether n8n would also write this static data to its database now. n8n 2.x saves a
	 * trigger's static data when a poll returns items (__emit → saveStaticData) and once after
	 * the poll that runs at activation; after a later poll that returns null (or throws) the
	 * change lives only in the active workflow's memory, and a restart goes back to the last saved
	 * state. A test simulating a restart keeps a copy whenever this is true and polls from it.
	 * (Here: true iff mode 'trigger' and items !== null; add the activation poll yourself.)
	 */
	persistedByN8n: boolean;
	logs: CapturedLog[];
	/** How often the node read a credential (n8n's getDecrypted: a database read in real n8n). */
	credentialReads: number;
}

/** Error thrown by the harness when the node stored something n8n cannot save as JSON. */
export class StaticDataNotJsonError extends Error {
	constructor(path: string, what: string) {
		super(
			`Static data at "${path}" is ${what}: n8n saves static data as JSON, so it would not survive the save. Store strings, numbers, booleans, null, plain objects and arrays only.`,
		);
		this.name = 'StaticDataNotJsonError';
	}
}

function assertJsonValue(value: unknown, path: string): void {
	if (value === null) return;
	switch (typeof value) {
		case 'string':
		case 'boolean':
			return;
		case 'number':
			if (!Number.isFinite(value)) throw new StaticDataNotJsonError(path, String(value));
			return;
		case 'undefined':
			throw new StaticDataNotJsonError(path, 'undefined');
		case 'object':
			break;
		default:
			throw new StaticDataNotJsonError(path, `a ${typeof value}`);
	}
	if (Array.isArray(value)) {
		value.forEach((v, i) => assertJsonValue(v, `${path}[${i}]`));
		return;
	}
	const proto: unknown = Object.getPrototypeOf(value);
	if (proto !== Object.prototype && proto !== null) {
		const name = (value as object).constructor?.name ?? 'an object with a prototype';
		throw new StaticDataNotJsonError(path, `a ${name}`);
	}
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		assertJsonValue(v, path ? `${path}.${k}` : k);
	}
}

function jsonCopy(value: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(value)) as IDataObject;
}

function replaceContents(target: IDataObject, source: IDataObject): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, source);
}

export async function runPoll(nodeType: AnyNodeType, opts: RunPollOptions): Promise<RunPollResult> {
	const mark = logMark();
	const mode = opts.mode ?? 'trigger';
	const callerStaticData: IDataObject = opts.staticData ?? {};
	assertJsonValue(callerStaticData, '');

	const staticKeyOf = (nodeName: string) => `node:${nodeName}`;
	const {
		workflow,
		node: workflowNode,
		additionalData,
		version,
		credentialsHelper,
	} = setUpNodeRun(nodeType, {
		parameters: opts.parameters,
		credentials: opts.credentials,
		credentialData: opts.credentialData,
		nodeName: opts.nodeName,
		typeVersion: opts.typeVersion,
		mode,
		staticData: (nodeName) => ({ [staticKeyOf(nodeName)]: jsonCopy(callerStaticData) }),
		active: mode === 'trigger',
		timezone: opts.timezone,
	});
	const staticKey = staticKeyOf(workflowNode.name);

	const writeBack = () => {
		const after = (workflow.staticData[staticKey] ?? {}) as IDataObject;
		assertJsonValue(after, '');
		replaceContents(callerStaticData, jsonCopy(after));
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
