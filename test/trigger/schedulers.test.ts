/**
 * The RingReady Trigger on both of n8n's schedulers (see ./schedulers.ts): the in-memory one and
 * the durable, database-backed one (n8n 2.36+), against the sandbox over real HTTP.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { RingReadyTrigger } from '../../nodes/RingReadyTrigger/RingReadyTrigger.node';
import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';
import { SCHEDULERS, ScheduledTrigger, type PollOutcome } from './schedulers';

const trigger = new RingReadyTrigger();
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, controls: true });
});
afterAll(async () => {
	await sandbox?.close();
});
beforeEach(() => {
	sandbox.control.reset();
});

const credentials = (key: keyof Sandbox['keys'] = 'readWrite') => ({
	apiKey: sandbox.keys[key],
	baseUrl: sandbox.url,
});
const ids = (outcome: PollOutcome | undefined) =>
	(outcome?.items ?? []).map((item) => item.id as number);
const addedIds = (
	count: number,
	options: Parameters<Sandbox['control']['addConversations']>[0] = { count },
) => sandbox.control.addConversations({ ...options, count }).map((c) => c.id);

describe.each(SCHEDULERS)('on the %s scheduler', (kind) => {
	const triggerOn = (parameters: INodeParameters = {}) =>
		new ScheduledTrigger(kind, trigger, parameters, credentials());

	it('emits nothing at activation, then everything that arrives after it, once', async () => {
		const wf = triggerOn();
		expect((await wf.activate()).items).toBeNull();
		const burst = addedIds(206);
		expect(ids(await wf.poll())).toEqual(burst);
		expect((await wf.poll()).items).toBeNull();
		const more = addedIds(3);
		expect(ids(await wf.poll())).toEqual(more);
		expect((await wf.poll()).items).toBeNull();
	});

	it('what arrives between activation and the first poll, with an idle poll first', async () => {
		const wf = triggerOn();
		await wf.activate();
		expect((await wf.poll()).items).toBeNull();
		const first = addedIds(5);
		expect(ids(await wf.poll())).toEqual(first);
		expect((await wf.poll()).items).toBeNull();
	});

	it('a failing poll keeps the position: the next one emits everything once', async () => {
		const wf = triggerOn();
		await wf.activate();
		const added = addedIds(4);
		sandbox.control.injectFaults({ status: 500, count: 1, path: '/api/v1/conversations' });
		const failed = await wf.poll();
		expect(failed.items).toBeNull();
		expect(failed.error?.message).toMatch(/RingReady is unavailable right now \(HTTP 500\)/);
		expect(ids(await wf.poll())).toEqual(added);
	});

	it('a restart of n8n: nothing repeated or lost', async () => {
		const wf = triggerOn();
		await wf.activate();
		const emitted: number[] = [];
		const first = addedIds(2);
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.restart()));
		const second = addedIds(2);
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.poll()));
		expect(emitted).toEqual([...first, ...second]);
	});

	it('changing the filters (published again): starts over from then, nothing from before', async () => {
		const wf = triggerOn({ filters: { channel: 'phone' } });
		await wf.activate();
		addedIds(2, { count: 2, channel: 'phone' });
		await wf.poll();
		wf.parameters = { filters: { channel: 'web_chat' } };
		const [chatAgent] = sandbox.control
			.agents()
			.filter((a) => a.features.web_chat_enabled && !a.is_suspended);
		addedIds(2, { count: 2, channel: 'web_chat', agentId: chatAgent.id }); // before publishing: not emitted
		expect((await wf.activate()).items).toBeNull();
		const chats = addedIds(3, { count: 3, channel: 'web_chat', agentId: chatAgent.id });
		expect(ids(await wf.poll())).toEqual(chats);
		expect((await wf.poll()).items).toBeNull();
	});

	it("switching to another account's credential: starts over with that account, none of its old conversations", async () => {
		const wf = triggerOn();
		await wf.activate();
		addedIds(2);
		await wf.poll();
		addedIds(2, { count: 2, account: 'B' }); // account B's, before the switch
		wf.credentials = credentials('otherAccount');
		expect((await wf.activate()).items).toBeNull();
		addedIds(2); // account A's: not this credential's any more
		const fromB = addedIds(3, { count: 3, account: 'B' });
		expect(ids(await wf.poll())).toEqual(fromB);
		expect((await wf.poll()).items).toBeNull();
	});

	it('switching to another account and back: starts over each time, nothing from the time in between', async () => {
		const wf = triggerOn();
		await wf.activate();
		addedIds(1);
		expect((await wf.poll()).items).toHaveLength(1);
		wf.credentials = credentials('otherAccount');
		await wf.activate();
		expect((await wf.poll()).items).toBeNull(); // idle on B: its state comes from the activation record
		addedIds(2); // account A's, while the trigger follows B
		wf.credentials = credentials();
		expect((await wf.activate()).items).toBeNull();
		const back = addedIds(2);
		expect(ids(await wf.poll())).toEqual(back);
	});
});

describe("n8n's durable scheduler", () => {
	it("drops the activation poll's own state; the trigger continues from its activation record", async () => {
		const wf = new ScheduledTrigger('durable', trigger, {}, credentials());
		await wf.activate();
		expect(wf.savedCursor).toEqual({}); // n8n's poller_state row for the node: still empty
		const global = wf.savedStaticData.global as IDataObject;
		expect(Object.keys(global)).toEqual([expect.stringMatching(/^ringReadyTriggerActivation:/)]);
		expect(Object.values(global)[0]).toMatchObject({
			v: 2,
			filterKey: 'channel=*;agent=*',
			account: `${sandbox.url} user 142`,
		});
		const added = addedIds(3);
		expect(ids(await wf.poll())).toEqual(added);
		expect(wf.nodeState()).toMatchObject({
			v: 2,
			seen: expect.arrayContaining([[added[2], expect.any(Number)]]),
		});
		await wf.poll(); // the node's own state is back: the record is dropped (saved with the next emit)
		addedIds(1);
		await wf.poll();
		expect((wf.savedStaticData.global as IDataObject | undefined) ?? {}).toEqual({});
	});
});
