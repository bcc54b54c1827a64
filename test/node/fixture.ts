import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { RingReady } from '../../nodes/RingReady/RingReady.node';
import { router, runSession } from '../../nodes/RingReady/actions/router';
import { RETRY_POLICY, type RetryPolicy } from '../../nodes/RingReady/transport';
import { executeNode, logsToText } from '../harness';
import type { TestCredentials } from '../harness';
import { startSandbox } from '../sandbox';
import type { Sandbox, ScriptedResponse } from '../sandbox';

export const node = new RingReady();

/**
 * The RingReady node whose runs use `policy` (over the default one) instead of the package's retry
 * policy: e.g. waits of a few milliseconds, so that a test sees many retries in a moment.
 */
export function nodeWithPolicy(policy: Partial<RetryPolicy>): INodeType {
	const session = { policy: { ...RETRY_POLICY, ...policy } };
	return {
		description: node.description,
		methods: node.methods,
		async execute(this: IExecuteFunctions) {
			return await router.call(this, runSession.call(this, session));
		},
	};
}

/** The test file's sandbox (useSandbox): whose read+write key a run uses unless given credentials. */
const current: { sandbox?: Sandbox } = {};

/** Starts one sandbox (controls on) for the test file; resets it before every test. */
export function useSandbox(): {
	readonly sandbox: Sandbox;
	credentials(key?: keyof Sandbox['keys']): TestCredentials;
} {
	const state = current;
	beforeAll(async () => {
		state.sandbox = await startSandbox({ port: 0, controls: true });
	});
	afterAll(async () => {
		await state.sandbox?.close();
	});
	beforeEach(() => {
		state.sandbox?.control.reset();
	});
	return {
		get sandbox() {
			return state.sandbox!;
		},
		credentials(key = 'readWrite') {
			return { apiKey: state.sandbox!.keys[key], baseUrl: state.sandbox!.url };
		},
	};
}

export interface RunOptions {
	items?: INodeExecutionData[];
	/** Default: the file's sandbox with its read+write key. */
	credentials?: TestCredentials;
	continueOnFail?: boolean;
	/** The execution's cancel signal (the user pressing Stop). */
	abortSignal?: AbortSignal;
	/** A retry policy for this run (see nodeWithPolicy); default: the package's. */
	policy?: Partial<RetryPolicy>;
	/** The node's version, as a saved workflow has it; default: what a new node gets. */
	typeVersion?: number;
}

/** Parameters as the editor saves them (loosely typed so tests can build them inline). */
export type Parameters = Record<string, unknown>;

export async function run(parameters: Parameters, options: RunOptions = {}) {
	const { sandbox } = current;
	const result = await executeNode(options.policy ? nodeWithPolicy(options.policy) : node, {
		parameters: parameters as INodeParameters,
		items: options.items,
		credentials: options.credentials ?? { apiKey: sandbox!.keys.readWrite, baseUrl: sandbox!.url },
		continueOnFail: options.continueOnFail,
		abortSignal: options.abortSignal,
		typeVersion: options.typeVersion,
	});
	return {
		items: result.output[0] ?? [],
		json: (result.output[0] ?? []).map((i) => i.json),
		logs: logsToText(result.logs),
		result,
	};
}

type NodeError = Error & { description?: string; context?: IDataObject; httpCode?: string };

/** What `promise` rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected a failure, but it succeeded');
		},
		(error: unknown) => error as NodeError,
	);
}

/** Runs the node expecting it to throw; returns the error. */
export const runError = async (parameters: Parameters, options: RunOptions = {}) =>
	await failure(run(parameters, options));

export const byId = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });

/** The node's parameters for `resource` › `operation` on agent (or conversation) `id`, and the rest. */
export const op = (
	resource: string,
	operation: string,
	id: number | string,
	rest: Parameters = {},
) => ({
	resource,
	operation,
	[resource === 'conversation' ? 'conversationId' : 'agentId']: byId(id),
	...rest,
});

/** The API requests the sandbox has logged (default: the file's sandbox). */
export function apiRequests(sandbox: Sandbox = current.sandbox!) {
	return sandbox.control.requests().log;
}

/** The sandbox answers the next request to `path` (every method unless given) as scripted. */
export function script(
	path: string,
	status: number,
	body: string,
	more: Omit<ScriptedResponse, 'path' | 'status' | 'body'> = {},
) {
	current.sandbox!.control.scriptResponse({ path, status, body, ...more });
}
