/**
 * The RingReady Trigger on both of n8n's schedulers (see ./schedulers.ts): the in-memory one and
 * the durable, database-backed one (n8n 2.36+, which abandons a poll past its 45 s timeout), against
 * the sandbox over real HTTP, through every transition: a re-publish while a poll of the old
 * activation still runs, a restart, a filter or credential change, a backlog longer than one poll,
 * two mains. Long polls run on the trigger's virtual clock (each HTTP response takes a set time).
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';

import { logMark, logsSince } from '../harness/logs';
import { LIST_PATH, add, credentials, ids, listRequests, sandbox, trigger } from './sandbox';
import { SCHEDULERS, ScheduledTrigger, virtualClock, type PollOutcome } from './schedulers';

const detailRequests = () =>
	sandbox.control.requests().log.filter((entry) => entry.path.startsWith(`${LIST_PATH}/`));
const chatAgentId = () =>
	sandbox.control.agents().find((a) => a.features.web_chat_enabled && !a.is_suspended)!.id;
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Polls on the virtual clock, each measured: its list pages, its seconds, what it emitted. */
function measured(clock: ReturnType<typeof virtualClock>) {
	const run = { emitted: [] as number[], pages: [] as number[], seconds: [] as number[] };
	const measure = async (poll: () => Promise<PollOutcome>) => {
		const [requests, t0] = [listRequests().length, clock.now()];
		const outcome = await poll();
		expect(outcome.error).toBeUndefined();
		expect(outcome.abandoned).toBeUndefined();
		run.pages.push(listRequests().length - requests);
		run.seconds.push((clock.now() - t0) / 1000);
		run.emitted.push(...ids(outcome));
	};
	return { ...run, measure };
}

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

	// Durable: ticks are a minute apart and a poll is abandoned after 45 s (see below).
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

	it.each([
		['a changed filter', { filters: { channel: 'web_chat' } }],
		['no change', {}],
	] as Array<[string, INodeParameters]>)(
		're-published (%s) while a poll of the old activation waits for its list page: what comes after is emitted once',
		async (_change, republished) => {
			const wf = triggerOn({});
			await wf.activate();
			const before = add(2, { channel: 'web_chat' });
			sandbox.control.slowDown({ path: LIST_PATH, holdMs: 1_500 });
			const oldPoll = wf.tick();
			await wait(300); // its list request is held at RingReady
			wf.parameters = republished;
			const emitted = ids(await wf.activate());
			const after = add(2, { channel: 'web_chat' });
			const old = await oldPoll;
			expect(old).toEqual({ items: null }); // superseded: nothing emitted, no error
			emitted.push(...ids(await wf.poll()), ...ids(await wf.poll()));
			// A filter change starts over from the newest conversation at the re-publish.
			expect(emitted).toEqual(republished.filters ? after : [...before, ...after]);
		},
	);

	it('activation with 1,500 conversations in its window, 5 s list pages, 36 s per poll: one page at activation, then only what came after, once', async () => {
		add(1_500);
		const clock = virtualClock(5_000);
		const wf = new ScheduledTrigger(kind, clock.nodeType, {}, credentials(), 36_000);
		const { emitted, pages, seconds, measure } = measured(clock);
		let after: number[] = [];
		try {
			await measure(async () => await wf.activate());
			for (let poll = 1; poll <= 12; poll++) {
				await measure(async () => await wf.poll());
				if (poll === 1) after = add(2); // while the window's listing goes on
				if (poll > 1 && emitted.length >= 2 && !wf.nodeState().scan) break;
			}
		} finally {
			clock.restore();
		}
		expect(pages[0]).toBe(1);
		expect(Math.max(...pages)).toBeLessThanOrEqual(3); // docs/trigger.md: then 2–3 pages per check
		expect(Math.max(...seconds)).toBeLessThanOrEqual(36);
		expect(emitted).toEqual(after);
		expect((await wf.poll()).items).toBeNull();
	});

	it.each([
		['3,000 with 3 s list pages', 3_000, 3_000, 8, 'listed \\d+ pages of'],
		[
			'450 with 20 s list pages (over 40 % of the budget: one a poll)',
			450,
			20_000,
			6,
			'listed 1 page of',
		],
	])(
		'a backlog of %s: delivered whole, once each, oldest first, within the polls it takes (36 s each), saying it listed part',
		async (_label, count, msPerPage, polls, listed) => {
			const clock = virtualClock(msPerPage);
			const wf = new ScheduledTrigger(kind, clock.nodeType, {}, credentials(), 36_000);
			const { emitted, seconds, measure } = measured(clock);
			let backlog: number[] = [];
			const mark = logMark();
			try {
				await wf.activate();
				backlog = add(count);
				for (let poll = 0; poll < polls && emitted.length < backlog.length; poll++)
					await measure(async () => await wf.poll());
			} finally {
				clock.restore();
			}
			expect(logsSince(mark).map((log) => log.message)).toContainEqual(
				expect.stringMatching(new RegExp(`^RingReady Trigger: ${listed} new conversations within`)),
			);
			expect(emitted).toEqual(backlog);
			expect(Math.max(...seconds)).toBeLessThanOrEqual(36);
		},
	);
});

describe("n8n's durable scheduler abandons a poll past its timeout", () => {
	it('a poll that outlives 45 s is abandoned: nothing of it is recorded, and the next poll emits everything once', async () => {
		const wf = new ScheduledTrigger('durable', trigger, {}, credentials());
		await wf.activate();
		const added = add(3);
		wf.pollTimeoutMs = 300; // n8n's 45 s, shortened; the trigger's own budget stays 36 s
		sandbox.control.slowDown({ path: LIST_PATH, holdMs: 800 });
		const abandoned = await wf.poll();
		expect(abandoned).toEqual({ items: null, abandoned: true });
		wf.pollTimeoutMs = 45_000;
		expect(ids(await wf.poll())).toEqual(added);
		await wait(600); // the abandoned poll ends meanwhile: it records nothing
		expect((await wf.poll()).items).toBeNull();
		const more = add(1);
		expect(ids(await wf.poll())).toEqual(more);
	});
});

describe('two processes: multi-main on the durable scheduler, a stalled main and the one that takes its poll over', () => {
	/** The trigger as another n8n process loads it: its own module instance, so its own poll lease. */
	const loadTrigger = () => {
		let loaded: INodeType | undefined;
		jest.isolateModules(() => {
			const module = require('../../nodes/RingReadyTrigger/RingReadyTrigger.node') as {
				RingReadyTrigger: new () => INodeType;
			};
			loaded = new module.RingReadyTrigger();
		});
		return loaded!;
	};

	it("n8n refuses the stalled poll's commit: each conversation is emitted once in all, none lost", async () => {
		const main1 = new ScheduledTrigger('durable', loadTrigger(), {}, credentials());
		const main2 = main1.anotherMain(loadTrigger());
		await main1.activate();
		const first = add(2);
		sandbox.control.slowDown({ path: LIST_PATH, holdMs: 1_500 });
		const stalled = main1.tick(); // main 1's list page is held: it stalls past its task's lease
		await wait(300);
		main1.reclaimStalledTask();
		const takenOver = await main2.poll();
		const second = add(1);
		const stalledOutcome = await stalled; // its list page came back with all three
		const next = await main2.poll();
		const emitted = [takenOver, stalledOutcome, next].flatMap(ids);
		expect(stalledOutcome).toEqual({ items: null, refused: true });
		expect(emitted).toEqual([...first, ...second]);
	});
});
