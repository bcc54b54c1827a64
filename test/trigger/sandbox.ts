/**
 * The sandbox a trigger test file runs against (importing this starts it before the file's tests,
 * resets it before each test and closes it after them), and what the trigger tests share.
 */
import type { IDataObject, INodeParameters, INodeType, IPollFunctions } from 'n8n-workflow';

import { RingReadyTrigger } from '../../nodes/RingReadyTrigger/RingReadyTrigger.node';
import { runPoll, type TestCredentials } from '../harness';
import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';

export let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, controls: true });
});
afterAll(async () => {
	await sandbox?.close();
});
beforeEach(() => {
	sandbox.control.reset();
});

export const trigger = new RingReadyTrigger();
export const LIST_PATH = '/api/v1/conversations';
export const listRequests = (on: Sandbox = sandbox) =>
	on.control.requests().log.filter((entry) => entry.path === LIST_PATH);

/** Adds `count` conversations to the sandbox; their ids, oldest first. */
export const add = (
	count: number,
	options: Partial<Parameters<Sandbox['control']['addConversations']>[0]> = {},
) => sandbox.control.addConversations({ ...options, count }).map((c) => c.id);

/** The ids of a poll's items, or of a scheduled poll's outcome. */
export const ids = (from: IDataObject[] | { items: IDataObject[] | null } | null | undefined) =>
	((Array.isArray(from) ? from : from?.items) ?? []).map((item) => item.id as number);

/** A RingReady API credential for one of the sandbox's keys (of this sandbox or another one). */
export const credentials = (
	key: keyof Sandbox['keys'] = 'readWrite',
	on: Sandbox = sandbox,
): TestCredentials => ({ apiKey: on.keys[key], baseUrl: on.url });

/** The trigger, calling `onResponse` after each HTTP response n8n's request helper returns to it. */
export function afterEachResponse(onResponse: () => void, budgetMs?: number): INodeType {
	return {
		description: trigger.description,
		methods: trigger.methods,
		async poll(this: IPollFunctions) {
			const send = this.helpers.httpRequestWithAuthentication;
			if (!(send as { wrapped?: boolean }).wrapped) {
				const wrapped = async function (this: IPollFunctions, ...args: Parameters<typeof send>) {
					const response: unknown = await send.apply(this, args);
					onResponse();
					return response;
				};
				(wrapped as { wrapped?: boolean }).wrapped = true;
				this.helpers.httpRequestWithAuthentication = wrapped as typeof send;
			}
			if (budgetMs !== undefined) this.getPollBudgetMs = () => budgetMs;
			return await trigger.poll.call(this);
		},
	};
}

/** One trigger node of one workflow through test/harness runPoll: static data carried from poll to poll. */
export function workflow(
	parameters: INodeParameters = {},
	options: { credentials?: TestCredentials; staticData?: IDataObject; typeVersion?: number } = {},
) {
	const staticData: IDataObject = options.staticData ?? {};
	const wf = {
		staticData,
		parameters,
		/** How often the last poll read the credential. */
		credentialReads: 0,
		/** One poll (of `type`, the trigger wrapped), as runPoll reports it (items, logs, ...). */
		async run(mode: 'trigger' | 'manual' = 'trigger', type: INodeType = trigger) {
			const result = await runPoll(type, {
				typeVersion: options.typeVersion ?? 1,
				parameters,
				credentials: options.credentials ?? credentials(),
				staticData,
				mode,
			});
			wf.credentialReads = result.credentialReads;
			return result;
		},
		/** One poll's items as n8n gets them (json and binary), or null. */
		items: async (mode: 'trigger' | 'manual' = 'trigger') =>
			(await wf.run(mode)).items?.[0] ?? null,
		async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<IDataObject[] | null> {
			return (await wf.items(mode))?.map((item) => item.json) ?? null;
		},
		async pollError(mode: 'trigger' | 'manual' = 'trigger') {
			const failed = await wf.run(mode).then(
				() => undefined,
				(error: unknown) => error as Error & { description?: string; httpCode?: string },
			);
			if (!failed) throw new Error('expected the poll to fail, but it succeeded');
			return failed;
		},
		snapshot: () => JSON.parse(JSON.stringify(staticData)) as IDataObject,
	};
	return wf;
}
