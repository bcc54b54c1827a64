/**
 * The RingReady Trigger on both of n8n's schedulers (see ./schedulers.ts): the in-memory one and
 * the durable, database-backed one (n8n 2.36+), against the sandbox over real HTTP.
 */
import type { INodeParameters } from 'n8n-workflow';

import { logMark, logsSince } from '../harness/logs';
import {
	LIST_PATH,
	add,
	credentials,
	ids as idsOf,
	listRequests,
	sandbox,
	trigger,
} from './sandbox';
import { SCHEDULERS, ScheduledTrigger, type PollOutcome } from './schedulers';

const ids = (outcome: PollOutcome | undefined) => idsOf(outcome?.items);
const detailRequests = () =>
	sandbox.control.requests().log.filter((entry) => entry.path.startsWith(`${LIST_PATH}/`));
const chatAgentId = () =>
	sandbox.control.agents().find((a) => a.features.web_chat_enabled && !a.is_suspended)!.id;

describe.each(SCHEDULERS)('on the %s scheduler', (kind) => {
	const triggerOn = (parameters: INodeParameters = {}, budgetMs?: number) =>
		new ScheduledTrigger(kind, trigger, parameters, credentials(), budgetMs);

	it('what arrives between activation and the first poll, with an idle poll first', async () => {
		const wf = triggerOn();
		await wf.activate();
		expect((await wf.poll()).items).toBeNull();
		const first = add(5);
		expect(ids(await wf.poll())).toEqual(first);
		expect((await wf.poll()).items).toBeNull();
	});

	it('a restart of n8n: nothing repeated or lost', async () => {
		const wf = triggerOn();
		await wf.activate();
		const emitted: number[] = [];
		const first = add(2);
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.restart()));
		const second = add(2);
		emitted.push(...ids(await wf.poll()));
		emitted.push(...ids(await wf.poll()));
		expect(emitted).toEqual([...first, ...second]);
	});

	it('changing the filters (published again): starts over from then, nothing from before', async () => {
		const wf = triggerOn({ filters: { channel: 'phone' } });
		await wf.activate();
		add(2, { channel: 'phone' });
		await wf.poll();
		wf.parameters = { filters: { channel: 'web_chat' } };
		const chatAgent = chatAgentId();
		add(2, { channel: 'web_chat', agentId: chatAgent }); // before publishing: not emitted
		expect((await wf.activate()).items).toBeNull();
		const chats = add(3, { channel: 'web_chat', agentId: chatAgent });
		expect(ids(await wf.poll())).toEqual(chats);
		expect((await wf.poll()).items).toBeNull();
	});

	it("switching to another account's credential and back: starts over each time, none of the other account's past", async () => {
		const wf = triggerOn();
		await wf.activate();
		add(1);
		expect((await wf.poll()).items).toHaveLength(1);
		add(2, { account: 'B' }); // account B's, before the switch
		wf.credentials = credentials('otherAccount');
		await wf.activate();
		expect((await wf.poll()).items).toBeNull(); // idle on B: its state comes from the activation record
		add(2); // account A's, while the trigger follows B
		const fromB = add(3, { account: 'B' });
		expect(ids(await wf.poll())).toEqual(fromB);
		wf.credentials = credentials();
		expect((await wf.activate()).items).toBeNull();
		const back = add(2);
		expect(ids(await wf.poll())).toEqual(back);
	});

	// Durable: ticks are a minute apart and a poll is abandoned after 45 s (see lifecycle.test.ts).
	if (kind === 'legacy')
		it('a tick while the previous poll still runs does nothing: every conversation and transcript once', async () => {
			const wf = triggerOn({ options: { includeTranscript: true } });
			await wf.activate();
			const burst = add(40);
			sandbox.control.clearRequests();
			sandbox.control.setLatency(20);
			const mark = logMark();
			const first = wf.tick();
			await new Promise((resolve) => setImmediate(resolve));
			const second = await wf.tick(); // the next tick comes while the first poll fetches transcripts
			expect(second).toEqual({ items: null });
			expect(ids(await first)).toEqual(burst);
			expect(listRequests()).toHaveLength(1);
			expect(detailRequests().map((entry) => Number(entry.path.split('/').pop()))).toEqual(burst);
			expect(logsSince(mark).map((log) => log.message)).toContain(
				'RingReady Trigger: the previous poll of this trigger is still running; this poll does nothing',
			);
			expect((await wf.poll()).items).toBeNull();
		});

	it('a conversation whose started_at cannot be read is emitted once with an error; the others arrive', async () => {
		const wf = triggerOn();
		await wf.activate();
		const [before, odd, after] = add(3);
		sandbox.control.overwriteConversation(odd, { started_at: '2026-12-03 16:47:00' });
		const outcome = await wf.poll();
		expect(ids(outcome)).toEqual([odd, before, after]);
		expect(outcome.items![0].error).toBe(
			'RingReady sent a started_at the trigger cannot read ("2026-12-03 16:47:00"): this conversation is emitted once, as it came, and does not move the trigger\'s position',
		);
		expect(outcome.items![1]).not.toHaveProperty('error');
		expect((await wf.poll()).items).toBeNull();
		const later = add(1);
		expect(ids(await wf.poll())).toEqual(later);
	});

	it('a transcript with a null turn, with Add Transcript Text: emitted once with an error; the others arrive', async () => {
		const wf = triggerOn({ options: { transcriptText: true } });
		await wf.activate();
		const [odd, after] = add(2);
		sandbox.control.overwriteConversation(odd, {
			transcript: [{ role: 'agent', content: 'Hello', elapsed_s: 0 }, null],
		});
		const outcome = await wf.poll();
		expect(ids(outcome)).toEqual([odd, after]);
		expect(outcome.items![0]).toMatchObject({
			transcript_text: 'Agent: Hello',
			error:
				'The transcript has 1 turn without a role and text (the first is turn 2: null); Transcript Text leaves it out',
		});
		expect(typeof outcome.items![1].transcript_text).toBe('string');
		expect(outcome.items![1]).not.toHaveProperty('error');
		expect((await wf.poll()).items).toBeNull();
	});

	it('a 429 whose wait is longer than the poll has left, on three polls: no strike; the fourth emits it with its transcript', async () => {
		const wf = triggerOn({ options: { includeTranscript: true } }, 10_000);
		await wf.activate();
		const added = add(2);
		for (let poll = 0; poll < 3; poll++) {
			sandbox.control.injectFaults({
				status: 429,
				retryAfter: 40,
				count: 1,
				path: `${LIST_PATH}/${added[0]}`,
			});
			const mark = logMark();
			const outcome = await wf.poll();
			expect(outcome.error).toBeUndefined();
			expect(outcome.items).toBeNull();
			expect(wf.nodeState().failing).toEqual([]);
			const warnings = logsSince(mark).filter((log) => log.level === 'warn');
			expect(warnings.map((log) => log.message)).toEqual([
				expect.stringMatching(
					new RegExp(
						`^RingReady Trigger: could not fetch the transcript of conversation ${added[0]}: .+\\. That is not the conversation's own failure and does not count towards the 3 polls; it and the conversations after it follow at the next poll \\(0 of 2 emitted\\)\\.$`,
					),
				),
			]);
		}
		const outcome = await wf.poll();
		expect(ids(outcome)).toEqual(added);
		expect(outcome.items!.every((item) => Array.isArray(item.transcript))).toBe(true);
	});

	it('Only Finished Conversations (default): a live web chat is emitted once, when it has ended', async () => {
		const wf = triggerOn();
		await wf.activate();
		const chatAgent = chatAgentId();
		const [live] = sandbox.control.addConversations({
			count: 1,
			channel: 'web_chat',
			agentId: chatAgent,
			live: true,
		});
		const call = add(1);
		expect(ids(await wf.poll())).toEqual(call);
		expect((await wf.poll()).items).toBeNull();
		const ended = sandbox.control.endConversation(live.id);
		const outcome = await wf.poll();
		expect(ids(outcome)).toEqual([live.id]);
		expect(outcome.items![0].ended_at).toBe(ended.ended_at);
		expect((await wf.poll()).items).toBeNull();
	});

	it('Only Finished Conversations off: a live web chat is emitted at once, as listed', async () => {
		const wf = triggerOn({ options: { onlyFinished: false } });
		await wf.activate();
		const [live] = sandbox.control.addConversations({ count: 1, channel: 'web_chat', live: true });
		const outcome = await wf.poll();
		expect(ids(outcome)).toEqual([live.id]);
		expect(outcome.items![0].ended_at).toBeNull();
		sandbox.control.endConversation(live.id);
		expect((await wf.poll()).items).toBeNull();
	});
});
