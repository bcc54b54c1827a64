/**
 * The trigger's transitions on both rebuilt schedulers (./schedulers.ts, n8n-core's PollContext and
 * PollTriggerExecutor; the durable one abandons a poll past its 45 s timeout as n8n does): a
 * re-publish while a poll of the old activation still runs, an activation with a busy hour in its
 * window, and a backlog longer than one poll. Long polls run on the trigger's virtual clock (each
 * HTTP response takes a set time), so they take no real time.
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';

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
import { SCHEDULERS, ScheduledTrigger, virtualClock, type PollOutcome } from './schedulers';

const ids = (outcome: PollOutcome | undefined) => idsOf(outcome?.items);
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
	const triggerOn = (parameters: INodeParameters = {}) =>
		new ScheduledTrigger(kind, trigger, parameters, credentials());

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
