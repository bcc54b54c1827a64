import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';

import { RingReady } from '../../nodes/RingReady/RingReady.node';
import { router, runSession } from '../../nodes/RingReady/actions/router';
import { RETRY_POLICY, type RetryPolicy } from '../../nodes/RingReady/transport';
import { executeNode } from '../harness';
import type { TestCredentials } from '../harness';
import { startSandbox } from '../sandbox';
import type { Sandbox, ScriptedResponse } from '../sandbox';

export const node = new RingReady();

/** A bare node with the RingReady API credential running `execute`: the package's code below the router. */
export const probe = (
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>,
	properties: INodeProperties[] = [],
): INodeType => ({
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'A test probe',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties,
	},
	execute,
});

/** The test file's sandbox (useSandbox): whose read+write key a run uses unless given credentials. */
const current: { sandbox?: Sandbox } = {};

/** Starts one sandbox (controls on) for the test file; resets it before every test. */
export function useSandbox() {
	beforeAll(async () => {
		current.sandbox = await startSandbox({ port: 0, controls: true });
	});
	afterAll(async () => {
		await current.sandbox?.close();
	});
	beforeEach(() => {
		current.sandbox?.control.reset();
	});
	return {
		get sandbox() {
			return current.sandbox!;
		},
		credentials(key: keyof Sandbox['keys'] = 'readWrite'): TestCredentials {
			return { apiKey: current.sandbox!.keys[key], baseUrl: current.sandbox!.url };
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

/** The RingReady node with `policy` over the package's retry policy (e.g. waits of a few milliseconds). */
const nodeWithPolicy = (policy: Partial<RetryPolicy>): INodeType => ({
	description: node.description,
	methods: node.methods,
	async execute(this: IExecuteFunctions) {
		const session = { policy: { ...RETRY_POLICY, ...policy } };
		return await router.call(this, runSession.call(this, session));
	},
});

export async function run(parameters: Parameters, options: RunOptions = {}) {
	const result = await executeNode(options.policy ? nodeWithPolicy(options.policy) : node, {
		...options,
		parameters: parameters as INodeParameters,
		credentials: options.credentials ?? {
			apiKey: current.sandbox!.keys.readWrite,
			baseUrl: current.sandbox!.url,
		},
	});
	const items = result.output[0] ?? [];
	return { items, json: items.map((i) => i.json), result };
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
export const apiRequests = (sandbox = current.sandbox!) => sandbox.control.requests().log;

/** The sandbox answers the next request to `path` (every method unless given) as scripted. */
export function script(
	path: string,
	status: number,
	body: string,
	more: Omit<ScriptedResponse, 'path' | 'status' | 'body'> = {},
) {
	current.sandbox!.control.scriptResponse({ path, status, body, ...more });
}
