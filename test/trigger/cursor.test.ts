/**
 * The trigger's decisions without n8n: the exactly-once decision (nodes/RingReadyTrigger/cursor.ts)
 * and the state and poll lease (state.ts). First what the n8n-core suites and the model do not
 * reach: an untrusted server's listings, unreadable and fractional dates, the window changing, the
 * state's bounds and persistence rules, one poll of an activation at a time. Then a model-based
 * test with fast-check: random streams (same-second groups, late arrivals inside and outside the
 * window, bursts over a page, future dates), failing and cut-short polls (a list page, transcripts,
 * the budget while listing or fetching), overlapping ticks, restarts, key rotations, filter and
 * account changes, on both schedulers. A reference model says what must be emitted; each run checks
 * nothing is emitted twice or from before an activation or another stream, nothing required is
 * missed, and the state stays bounded. The model's poll is the trigger's poll() over an in-memory
 * world, with the real decisions and lease. On failure fast-check prints the seed and path.
 */
import fc from 'fast-check';

import type { Channel, ConversationSummary } from '../../nodes/RingReady/shared/contract';
import {
	DEFAULT_LATE_ARRIVAL_MINUTES,
	FUTURE_SKEW_MS,
	MAX_FAILING_IDS,
	MAX_SEEN_IDS,
	STATE_VERSION,
	decide,
	decideListing,
	filterKeyFor,
	formatSeconds,
	givesUpOnTranscript,
	parseHttpDate,
	parseTimestamp,
	planListing,
	startState,
	withTranscriptFailures,
	type ListingPlan,
	type TriggerState,
} from '../../nodes/RingReadyTrigger/cursor';
import {
	acquirePollLease,
	pickState,
	readState,
	sameState,
	toStored,
	writeState,
} from '../../nodes/RingReadyTrigger/state';

const T0 = Date.UTC(2026, 5, 9, 14, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const KEY = filterKeyFor({});
const W = DEFAULT_LATE_ARRIVAL_MINUTES;
const OWNER = { account: 'https://www.ring-ready.com user 142', keyId: 'k1' };
const sinceFor = (state: TriggerState, windowMinutes: number) =>
	planListing(state, windowMinutes).since;
/** A conversation as GET /conversations lists it; `started` in epoch ms, or as RingReady wrote it. */
const row = (id: number, started: number | string): ConversationSummary => ({
	id,
	channel: 'phone',
	agent_id: 7,
	started_at: typeof started === 'number' ? iso(started) : started,
});
/** Activated at a conversation started at T0 (id 1), its window listed. */
const activatedAtT0 = () => decide(startState(KEY, OWNER, [row(1, T0)]), [row(1, T0)], W).next;

/** A tiny RingReady: conversations by id; `list(since)` = GET /conversations followed to the end. */
class FakeServer {
	nextId = 1000;

	readonly rows: ConversationSummary[] = [];

	add(startedMs: number, count = 1): ConversationSummary[] {
		const added = Array.from({ length: count }, () => row(this.nextId++, startedMs));
		this.rows.push(...added);
		return added;
	}

	list(since?: string): ConversationSummary[] {
		const from = since === undefined ? Number.NEGATIVE_INFINITY : parseTimestamp(since);
		return this.rows
			.filter((row) => parseTimestamp(row.started_at) >= from)
			.sort((a, b) => b.id - a.id);
	}
}

/** The trigger's poll() without n8n: the first is the activation and its listing, emitting nothing. */
class Poller {
	state: TriggerState | undefined;

	readonly emitted: number[] = [];

	constructor(
		readonly server: FakeServer,
		public windowMinutes = W,
		readonly maxSeen = MAX_SEEN_IDS,
	) {}

	poll(): ConversationSummary[] | null {
		const { server, windowMinutes, maxSeen } = this;
		const state = (this.state ??= startState(KEY, OWNER, server.list().slice(0, 1)));
		const { emit, next } = decide(
			state,
			server.list(sinceFor(state, windowMinutes)),
			windowMinutes,
			{
				maxSeen,
			},
		);
		this.state = JSON.parse(JSON.stringify(next)) as TriggerState; // what n8n stores
		this.emitted.push(...emit.map((c) => c.id));
		return emit.length > 0 ? emit : null;
	}
}

const ids = (rows: ConversationSummary[] | null) => (rows ?? []).map((row) => row.id);

describe('first activation', () => {
	it('newest without a readable started_at and no server clock: no cursor; the ceiling keeps what existed out', () => {
		const start = startState(KEY, OWNER, [row(5, 'yesterday')]);
		expect(start).toMatchObject({ cursor: null, ceiling: 5 });
		const later = row(6, T0 + 1000);
		const { emit, next } = decide(start, [later, row(5, 'yesterday'), row(4, T0)], W);
		expect(ids(emit)).toEqual([6]);
		expect(next.cursor).toBe(later.started_at);
	});
});

describe('polling', () => {
	it('does not emit what the server sent from before `since`, nor an id twice in one listing', () => {
		const listed = [row(10, T0 + 1000), row(10, T0 + 1000), row(9, T0 - 2 * 3_600_000)];
		const { emit, next } = decide(activatedAtT0(), listed, W);
		expect(ids(emit)).toEqual([10]);
		expect(next.seen).toEqual([
			[1, T0 / 1000],
			[10, (T0 + 1000) / 1000],
		]);
	});

	it('listed conversations without a readable started_at are emitted once each, first, and move nothing', () => {
		const state = startState(KEY, OWNER, [row(1, T0)]);
		const [odd, normal] = [row(3, '2026-12-03 16:47:00Z?'), row(4, T0 + 1000)];
		const oddToo = row(2, '');
		const first = decide(state, [normal, odd, oddToo], W);
		expect(ids(first.emit)).toEqual([2, 3, 4]);
		expect(ids(first.unreadable)).toEqual([2, 3]);
		expect(first.next.cursor).toBe(iso(T0 + 1000));
		expect(first.next.unreadable).toEqual([2, 3]);
		const again = decide(first.next, [normal, odd, oddToo], W);
		expect(again.emit).toEqual([]);
		expect(again.next.unreadable).toEqual([2, 3]);
		// Once a whole listing no longer holds one, it is out of the window for good: forgotten.
		expect(decide(again.next, [normal, odd], W).next.unreadable).toEqual([3]);
	});

	it('reads timestamps with offsets or fractions, and without a zone as UTC', () => {
		expect(parseTimestamp('2026-06-09T14:03:00Z')).toBe(Date.UTC(2026, 5, 9, 14, 3, 0));
		expect(parseTimestamp('2026-06-09T16:03:00+02:00')).toBe(Date.UTC(2026, 5, 9, 14, 3, 0));
		expect(parseTimestamp('2026-06-09T14:03:00')).toBe(Date.UTC(2026, 5, 9, 14, 3, 0));
		expect(parseTimestamp('2026-06-09T14:03:00.750Z')).toBe(Date.UTC(2026, 5, 9, 14, 3, 0, 750));
		expect(parseTimestamp('nope')).toBeNaN();
		expect(parseTimestamp(42)).toBeNaN();
		expect(formatSeconds(Date.UTC(2026, 5, 9, 14, 3, 0) / 1000)).toBe('2026-06-09T14:03:00Z');
	});

	it('fractional-second started_at: since is floored, so the boundary conversation is still listed and seen', () => {
		const listed = [row(1, '2026-06-09T14:03:00.750Z')];
		const state = startState(KEY, OWNER, listed);
		expect(sinceFor(state, 0)).toBe('2026-06-09T14:03:00Z');
		const primed = decide(state, listed, 0).next;
		expect(decide(primed, listed, 0).emit).toEqual([]);
	});
});

describe('the window over time', () => {
	it('widening the window later does not re-emit conversations already dropped from `seen`', () => {
		const server = new FakeServer();
		server.add(T0 - 50 * 60_000, 3);
		server.add(T0);
		const poller = new Poller(server, 30);
		poller.poll();
		expect(poller.state?.seen.map(([id]) => id)).toEqual([1003]);
		poller.windowMinutes = 120;
		expect(sinceFor(poller.state!, 120)).toBe(iso(T0 - 30 * 60_000)); // not T0 − 120 min
		expect(poller.poll()).toBeNull();
		server.add(T0 + 60 * 60_000); // the cursor moves on: the window grows towards 120 minutes
		expect(ids(poller.poll())).toEqual([1004]);
		expect(poller.state?.windowStart).toBe(iso(T0 - 30 * 60_000));
		server.add(T0 - 20 * 60_000); // inside the (grown) window
		expect(ids(poller.poll())).toEqual([1005]);
	});

	it('narrowing the window takes effect at the next poll', () => {
		const server = new FakeServer();
		server.add(T0 - 50 * 60_000);
		server.add(T0);
		const poller = new Poller(server, 60);
		poller.poll();
		poller.windowMinutes = 10;
		expect(sinceFor(poller.state!, 10)).toBe(iso(T0 - 10 * 60_000));
		expect(poller.poll()).toBeNull();
		expect(poller.state?.seen.map(([id]) => id)).toEqual([1001]);
	});
});

describe('bounds', () => {
	it('caps `seen` and narrows the window instead of repeating', () => {
		const server = new FakeServer();
		server.add(T0);
		const poller = new Poller(server, 60, 50);
		poller.poll();
		for (let second = 1; second <= 30; second++) server.add(T0 + second * 1000, 3); // 90 in the window
		expect(poller.poll()).toHaveLength(90);
		const { seen, windowStart } = poller.state!;
		expect(seen.length).toBeLessThanOrEqual(50);
		expect(seen.length).toBeGreaterThanOrEqual(48); // the boundary second is dropped whole
		expect(parseTimestamp(windowStart) / 1000).toBe(Math.min(...seen.map(([, s]) => s)));
		expect(poller.poll()).toBeNull(); // the dropped ones are outside the window now: no repeat
		server.add(T0 + 31_000);
		expect(ids(poller.poll())).toEqual([1091]);
		expect(new Set(poller.emitted).size).toBe(poller.emitted.length); // nothing repeated
	});

	it('more than the cap in one second: that second is dropped whole, nothing repeats', () => {
		const server = new FakeServer();
		server.add(T0 - 1000);
		const poller = new Poller(server, 60, 5);
		poller.poll();
		server.add(T0, 8);
		expect(poller.poll()).toHaveLength(8);
		expect(poller.state?.seen).toEqual([]);
		expect(poller.state?.windowStart).toBe(iso(T0 + 1000));
		expect(poller.poll()).toBeNull();
	});

	it('10,500 calls a second apart inside a day-long window: all emitted once, at most 10,000 ids kept, the saved state under 250 kB', () => {
		const server = new FakeServer();
		server.add(T0);
		const poller = new Poller(server, 24 * 60);
		poller.poll();
		for (let second = 1; second <= MAX_SEEN_IDS + 500; second++) server.add(T0 + second * 1000);
		expect(poller.poll()).toHaveLength(MAX_SEEN_IDS + 500);
		expect(poller.state!.seen).toHaveLength(MAX_SEEN_IDS);
		expect(JSON.stringify(toStored(poller.state!)).length).toBeLessThan(250_000);
		expect(poller.poll()).toBeNull();
	});
});

describe('emission cut short (poll time budget)', () => {
	it('maxEmit 0 emits nothing and keeps the state, an unreadable conversation too', () => {
		const server = new FakeServer();
		server.add(T0);
		const poller = new Poller(server);
		poller.poll();
		const state = poller.state!;
		server.add(T0 + 1000, 3);
		const listed = [...server.list(sinceFor(state, W)), row(3, '')];
		const { emit, next } = decide(state, listed, W, { maxEmit: 0 });
		expect(emit).toEqual([]);
		expect(sameState(state, next)).toBe(true);
	});
});

describe('state persistence', () => {
	const valid: TriggerState = {
		v: STATE_VERSION,
		filterKey: KEY,
		owner: OWNER,
		cursor: iso(T0),
		windowStart: iso(T0 - 3_600_000),
		seen: [[5, T0 / 1000]],
		failing: [],
		scan: null,
		unreadable: [],
		ceiling: null,
	};

	it.each([
		['nothing', undefined],
		['an empty object (a new workflow)', {}],
		['another version', { ...valid, v: 3 }],
		['a broken cursor', { ...valid, cursor: 'soon' }],
		['a missing cursor', { ...valid, cursor: undefined }],
		['a broken windowStart', { ...valid, windowStart: 3 }],
		['seen not an array', { ...valid, seen: {} }],
		['a broken seen entry', { ...valid, seen: [[1, 'x']] }],
		['a short seen entry', { ...valid, seen: [[1]] }],
	])('treats %s as no state (first activation)', (_label, raw) => {
		expect(readState(raw, KEY)).toBeUndefined();
	});

	it('an idle poll leaves the state exactly the same (nothing to save)', () => {
		const server = new FakeServer();
		server.add(T0 - 120_000, 4);
		server.add(T0);
		const poller = new Poller(server);
		poller.poll();
		const before = poller.state!;
		const { emit, next } = decide(before, server.list(sinceFor(before, W)), W);
		expect(emit).toEqual([]);
		expect(sameState(before, next)).toBe(true);
		expect(sameState(before, { ...next, cursor: iso(T0 + 1000) })).toBe(false);
		expect(sameState(before, { ...next, seen: [...next.seen.slice(1), [1, 1]] })).toBe(false);
	});

	it('decide does not modify the state it was given', () => {
		const copy = JSON.parse(JSON.stringify(valid)) as TriggerState;
		decide(copy, [row(6, T0 + 1000)], W);
		expect(copy).toEqual(valid);
	});
});

describe('0.2.0 additions', () => {
	it('parseHttpDate reads the Date header form', () => {
		expect(parseHttpDate('Sun, 29 Nov 2026 02:10:51 GMT')).toBe(Date.UTC(2026, 10, 29, 2, 10, 51));
		expect(parseHttpDate(['Sun, 29 Nov 2026 02:10:51 GMT'])).toBe(
			Date.UTC(2026, 10, 29, 2, 10, 51),
		);
		expect(parseHttpDate('yesterday')).toBeUndefined();
		expect(parseHttpDate(undefined)).toBeUndefined();
	});

	it('a conversation dated after the server clock + skew is emitted once and does not move the cursor', () => {
		const [future, justInSkew] = [row(2, T0 + FUTURE_SKEW_MS + 1000), row(3, T0 + FUTURE_SKEW_MS)];
		const first = decide(activatedAtT0(), [future, justInSkew], W, { serverNowMs: T0 });
		expect(ids(first.emit)).toEqual([3, 2]);
		expect(ids(first.future)).toEqual([2]);
		expect(first.next.cursor).toBe(justInSkew.started_at);
		const again = decide(first.next, [future, justInSkew], W, { serverNowMs: T0 + 60_000 });
		expect(again.emit).toEqual([]);
	});

	it('withTranscriptFailures keeps at most MAX_FAILING_IDS conversations', () => {
		const state = decide(startState(KEY, OWNER, []), [], W).next;
		const many = withTranscriptFailures(
			state,
			Array.from({ length: MAX_FAILING_IDS + 50 }, (_, i) => i + 1),
		);
		expect(many.failing).toHaveLength(MAX_FAILING_IDS);
	});
});

describe('one poll of a trigger at a time (on a virtual clock)', () => {
	let now = Date.UTC(2026, 11, 3, 19, 0, 0);
	beforeEach(() => {
		jest.spyOn(Date, 'now').mockImplementation(() => now);
	});
	afterEach(() => jest.restoreAllMocks());

	it('a second poll of the same activation gets no lease while the first runs; another trigger does', () => {
		const activation = {};
		const first = acquirePollLease('workflow 1\nnode a', activation, now + 36_000)!;
		expect(first.holds()).toBe(true);
		expect(acquirePollLease('workflow 1\nnode a', activation, now + 36_000)).toBeUndefined();
		const other = acquirePollLease('workflow 2\nnode a', {}, now + 36_000);
		expect(other?.holds()).toBe(true);
		first.release();
		other!.release();
		const next = acquirePollLease('workflow 1\nnode a', activation, now + 36_000);
		expect(next?.holds()).toBe(true);
		next!.release();
	});

	it.each([
		['a minute past its deadline', 'workflow 3', 36_000, 36_000 + 60_000],
		['15 minutes without a deadline (n8n before 2.38)', 'workflow 4', undefined, 15 * 60_000],
	])(
		'a poll that never ends holds its activation for %s; then the next takes over and the old one no longer holds it',
		(_label, workflow, budgetMs, holdsMs) => {
			const [key, activation] = [`${workflow}\nnode a`, {}];
			const deadline = () => (budgetMs === undefined ? undefined : now + budgetMs);
			const hung = acquirePollLease(key, activation, deadline())!;
			now += holdsMs - 1;
			expect(acquirePollLease(key, activation, deadline())).toBeUndefined();
			now += 1;
			const next = acquirePollLease(key, activation, deadline())!;
			expect(next.holds()).toBe(true);
			expect(hung.holds()).toBe(false);
			hung.release();
			expect(next.holds()).toBe(true);
			next.release();
		},
	);
});

/** GET /conversations page size in the model (small, so that bursts span several pages). */
const PAGE_SIZE = 50;

const TEN_YEARS = 10 * 365 * 86_400;

type Account = 'A' | 'B';
type Scheduler = 'legacy' | 'durable';

interface Conversation {
	id: number;
	account: Account;
	channel: Channel;
	startedS: number;
}

/** RingReady: conversations become visible when added; the listing is GET /conversations followed to the end. */
class World {
	nowS = T0 / 1000;
	nextId = 1;
	readonly conversations: Conversation[] = [];
	readonly failingForGood = new Set<number>();

	add(c: Omit<Conversation, 'id'>): Conversation {
		const conversation = { ...c, id: this.nextId++ };
		this.conversations.push(conversation);
		return conversation;
	}

	list(account: Account, channel: Channel | null, since?: string): ConversationSummary[] {
		const from = since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(since) / 1000;
		return this.conversations
			.filter(
				(c) =>
					c.account === account &&
					(channel === null || c.channel === channel) &&
					c.startedS >= from,
			)
			.sort((a, b) => b.id - a.id)
			.map((c) => ({
				id: c.id,
				channel: c.channel,
				agent_id: 7,
				started_at: iso(c.startedS * 1000),
			}));
	}

	/** One poll's listing of `plan`, at most `maxPages` pages (see fetch.ts listPart). */
	listPart(account: Account, channel: Channel | null, plan: ListingPlan, maxPages: number | null) {
		const all = this.list(account, channel, plan.since);
		const conversations: ConversationSummary[] = [];
		const stops: number[] = [];
		let beforeId = plan.beforeId;
		for (let pages = 1; ; pages++) {
			const below = all.filter((c) => beforeId === undefined || c.id < beforeId);
			const page = below.slice(0, PAGE_SIZE);
			conversations.push(...page.filter((c) => plan.floor === null || c.id >= plan.floor));
			const next = below.length > PAGE_SIZE ? page.at(-1)!.id : null;
			if (next === null || (plan.floor !== null && next <= plan.floor))
				return { conversations, stops, pages, reachedEnd: true };
			stops.push(next);
			beforeId = next;
			if (maxPages !== null && pages >= maxPages)
				return { conversations, stops, pages, reachedEnd: false };
		}
	}
}

/** What n8n keeps of the workflow: the node's static data (durable: its poller_state row) and the global static data. */
interface Storage {
	node: Record<string, unknown>;
	global: Record<string, unknown>;
}
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

class ModelTrigger {
	/** Legacy: the running activation's in-memory copy; durable: unused (every poll reads the saved one). */
	private live: Storage | undefined;
	saved: Storage = { node: {}, global: {} };
	keyGeneration = 0;

	constructor(
		readonly world: World,
		readonly scheduler: Scheduler,
		readonly windowMinutes: number,
		public account: Account,
		public channel: Channel | null,
	) {}

	private get keyId(): string {
		return `${this.account}-key-${this.keyGeneration}`;
	}

	/** One poll; its emitted ids, or undefined when it failed. `activation`: the activation poll. */
	poll(activation: boolean, faults: Faults = {}): number[] | undefined {
		// A poll is known by the static data it writes: the activation's (legacy), its own (durable).
		const owner = this.scheduler === 'legacy' ? (this.live ??= copy(this.saved)) : {};
		const lease = acquirePollLease('model workflow\nnode-1', owner, undefined);
		if (!lease) return []; // a poll of this activation is running: nothing sent, nothing changed
		const overlapping = () => {
			const emitted = this.poll(false, {});
			if (emitted === undefined) throw new Error('the overlapping poll failed');
			return emitted;
		};
		try {
			// The next tick comes and ends while this poll is still listing.
			const first = faults.overlap === 'finishesFirst' ? overlapping() : [];
			// A durable tick that came meanwhile took over: this poll sends and writes nothing.
			if (!lease.holds()) return first;
			const result = this.pollOnce(activation, faults);
			const last = faults.overlap === 'finishesLast' ? overlapping() : [];
			const overlapped = [...first, ...last];
			return result === undefined && overlapped.length === 0
				? undefined
				: [...first, ...(result ?? []), ...last];
		} finally {
			lease.release();
		}
	}

	private pollOnce(activation: boolean, faults: Faults): number[] | undefined {
		const durable = this.scheduler === 'durable';
		const storage = durable ? copy(this.saved) : (this.live ??= copy(this.saved));
		const result = this.run(storage, faults);
		if (result === undefined) return undefined;
		const emitted = result.length > 0;
		if (durable) {
			// The node's snapshot is committed after a scheduled poll, or when any poll emits;
			// the global static data is saved after activating and when a poll emits.
			if (!activation || emitted) this.saved.node = storage.node;
			if (activation || emitted) this.saved.global = storage.global;
		} else if (activation || emitted) {
			this.saved = copy(storage);
		}
		return result;
	}

	/** n8n restarts: the in-memory scheduler reloads what it saved and polls at activation again. */
	restart(): number[] | undefined {
		this.live = undefined;
		return this.scheduler === 'legacy' ? this.poll(true) : [];
	}

	state(): TriggerState | undefined {
		const node = this.scheduler === 'durable' ? this.saved.node : (this.live ?? this.saved).node;
		return readState(node, filterKeyFor({ channel: this.channel ?? undefined }));
	}

	private run(storage: Storage, faults: Faults): number[] | undefined {
		const filterKey = filterKeyFor({ channel: this.channel ?? undefined });
		const recordKey = 'ringReadyTriggerActivation:node-1';
		const saved: [unknown, unknown] = [storage.node, storage.global[recordKey]];
		const account = `https://ringready.test user ${this.account}`;
		let pick = pickState(saved, filterKey, this.keyId);
		if (pick === 'ask') pick = pickState(saved, filterKey, this.keyId, account);
		const list = (since?: string) => this.world.list(this.account, this.channel, since);
		const serverNowMs = this.world.nowS * 1000;

		if (typeof pick !== 'object') {
			if (faults.listFails) return undefined;
			const state = startState(
				filterKey,
				{ account, keyId: this.keyId },
				list().slice(0, 20),
				serverNowMs,
			);
			writeState(storage.node, state);
			storage.global[recordKey] = toStored(state);
			return [];
		}
		if (faults.listFails) return undefined;
		delete storage.global[recordKey]; // a poll that succeeds forgets the activation record
		const state = pick.state;
		const plan = planListing(state, this.windowMinutes);
		const part = this.world.listPart(this.account, this.channel, plan, faults.pages ?? null);
		const step = decideListing(state, plan, part, this.windowMinutes, { serverNowMs });
		if ('resume' in step) {
			writeState(storage.node, step.resume);
			return [];
		}
		const { decision } = step;

		// The transcript fetches, in order: the budget cut, failures, giving up after 3 polls.
		const emitted: number[] = [];
		const failed: number[] = [];
		for (const [index, conversation] of decision.emit.entries()) {
			if (faults.cut != null && index >= Math.max(1, faults.cut)) break;
			if (faults.failing?.has(conversation.id) || this.world.failingForGood.has(conversation.id)) {
				failed.push(conversation.id);
				if (!givesUpOnTranscript(state, conversation.id)) break;
			}
			emitted.push(conversation.id);
		}
		const next = step.after(emitted.length, failed);
		if (!sameState(state, next) || pick.changed) writeState(storage.node, next);
		return emitted;
	}
}

/** What must be emitted: every conversation of the stream that appears after activation inside the window. */
class Reference {
	/** Per stream key: newest started_at seen so far (future-dated ones excluded). */
	private newest = new Map<string, number>();
	readonly required = new Set<number>();
	/** Visible before the current activation of their stream: never emitted. */
	readonly beforeActivation = new Set<number>();

	constructor(
		readonly world: World,
		readonly windowSeconds: number,
	) {}

	static streamKey(account: Account, channel: Channel | null) {
		return `${account}/${channel ?? '*'}`;
	}

	/**
	 * A new activation of a stream: what is visible now stays unemitted. When the newest conversation
	 * (by id) is dated in the future, the trigger starts from RingReady's clock instead.
	 */
	activate(account: Account, channel: Channel | null) {
		this.required.clear();
		this.beforeActivation.clear();
		let newestById: Conversation | undefined;
		for (const c of this.world.conversations) {
			if (c.account !== account || (channel !== null && c.channel !== channel)) continue;
			this.beforeActivation.add(c.id);
			newestById = c;
		}
		const key = Reference.streamKey(account, channel);
		if (newestById && newestById.startedS > this.world.nowS) {
			this.newest.set(
				key,
				Math.max(this.newest.get(key) ?? Number.NEGATIVE_INFINITY, this.world.nowS),
			);
		}
	}

	/** Records a new conversation; whether the current stream must emit it. */
	added(c: Conversation, stream: { account: Account; channel: Channel | null }) {
		const inStream =
			c.account === stream.account && (stream.channel === null || c.channel === stream.channel);
		for (const channel of [null, c.channel]) {
			const key = Reference.streamKey(c.account, channel);
			const newest = this.newest.get(key) ?? Number.NEGATIVE_INFINITY;
			if (
				key === Reference.streamKey(stream.account, stream.channel) &&
				inStream &&
				c.startedS >= newest - this.windowSeconds
			) {
				this.required.add(c.id);
			}
			if (c.startedS <= this.world.nowS && c.startedS > newest) this.newest.set(key, c.startedS);
		}
	}
}

const channelArb = fc.constantFrom<Channel>('phone', 'web_chat');
/** One kind of step, drawn with this weight: `{ kind, ...fields }`. */
const step = <K extends string, F = object>(
	weight: number,
	kind: K,
	fields?: { [P in keyof F]: fc.Arbitrary<F[P]> },
) => ({
	weight,
	arbitrary: fc.record({ kind: fc.constant(kind), ...fields }) as fc.Arbitrary<{ kind: K } & F>,
});
const stepArb = (windowSeconds: number) =>
	fc.oneof(
		step(6, 'add', {
			count: fc.oneof(
				{ weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) },
				{ weight: 1, arbitrary: fc.integer({ min: 190, max: 450 }) },
			),
			lateBy: fc.oneof(
				fc.constant(0),
				fc.integer({ min: 0, max: Math.max(0, windowSeconds - 1) }),
				fc.integer({ min: windowSeconds, max: windowSeconds + 7_200 }),
			),
			sameSecond: fc.boolean(),
			channel: channelArb,
			account: fc.constantFrom<Account>('A', 'A', 'A', 'B'),
		}),
		step(1, 'future', { channel: channelArb }),
		step(4, 'advance', { seconds: fc.integer({ min: 0, max: 1_800 }) }),
		step(8, 'poll', {
			listFails: fc.nat(9).map((n) => n < 2),
			failing: fc.array(fc.nat(30), { maxLength: 3 }),
			cut: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
			pages: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
			/** A second tick comes while this poll runs; it finishes first or last. */
			overlap: fc.constantFrom('none', 'none', 'finishesFirst', 'finishesLast'),
		}),
		step(1, 'failForGood', { pick: fc.nat(20) }),
		step(1, 'restart'),
		step(1, 'rotateKey'),
		step(1, 'changeFilter', { channel: fc.option(channelArb, { nil: null }) }),
		step(1, 'changeAccount'),
	);

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Step = ValueOf<ReturnType<typeof stepArb>>;
/** What may go wrong in one poll (a poll step's draw, its failing transcripts resolved to ids). */
type Faults = Partial<Omit<Extract<Step, { kind: 'poll' }>, 'kind' | 'failing'>> & {
	failing?: Set<number>;
};

const scenarioArb = fc.constantFrom(0, 1, 15, 60).chain((windowMinutes) =>
	fc.record({
		scheduler: fc.constantFrom<Scheduler>('legacy', 'durable'),
		windowMinutes: fc.constant(windowMinutes),
		steps: fc.array(stepArb(windowMinutes * 60), { maxLength: 30 }),
	}),
);

function run({ scheduler, windowMinutes, steps }: ValueOf<typeof scenarioArb>) {
	const world = new World();
	const windowSeconds = windowMinutes * 60;
	// History before activation, inside and outside the window.
	for (let i = 0; i < 20; i++)
		world.add({
			account: 'A',
			channel: i % 3 ? 'phone' : 'web_chat',
			startedS: T0 / 1000 - 7_200 + i * 300,
		});
	const reference = new Reference(world, windowSeconds);
	for (const c of world.conversations) reference.added(c, { account: 'A', channel: null });
	const trigger = new ModelTrigger(world, scheduler, windowMinutes, 'A', null);
	const emittedEver = new Set<number>();
	const emittedThisActivation = new Set<number>();

	const record = (ids: number[] | undefined) => {
		for (const id of ids ?? []) {
			if (emittedEver.has(id)) throw new Error(`conversation ${id} emitted twice`);
			if (reference.beforeActivation.has(id))
				throw new Error(`conversation ${id} was there before activation, emitted`);
			const c = world.conversations.find((x) => x.id === id)!;
			if (
				c.account !== trigger.account ||
				(trigger.channel !== null && c.channel !== trigger.channel)
			) {
				throw new Error(
					`conversation ${id} is not in the trigger's stream (${trigger.account}/${trigger.channel ?? '*'})`,
				);
			}
			emittedEver.add(id);
			emittedThisActivation.add(id);
		}
		checkBounds(trigger.state());
	};
	const activate = () => {
		reference.activate(trigger.account, trigger.channel);
		emittedThisActivation.clear();
		const result = trigger.poll(true);
		if (result === undefined) throw new Error('activation failed');
		record(result);
	};
	/** Clean polls until every transcript failing for good was given up on; then nothing required may be missing. */
	const settle = () => {
		for (let i = 0; i < 3 * world.failingForGood.size + 3; i++) record(trigger.poll(false));
		// A listing resumed across polls ends within a poll per part.
		for (let i = 0; i < 200 && trigger.state()?.scan; i++) record(trigger.poll(false));
		const missed = [...reference.required].filter((id) => !emittedThisActivation.has(id));
		if (missed.length > 0)
			throw new Error(
				`missed ${missed.length} conversations inside the window: ${missed.slice(0, 5).join(', ')}`,
			);
	};

	activate();
	for (const step of steps) {
		switch (step.kind) {
			case 'add': {
				const anchor = world.nowS - step.lateBy;
				for (let i = 0; i < step.count; i++) {
					const startedS = step.sameSecond ? anchor : anchor - (step.count - 1 - i);
					const channel = step.channel;
					reference.added(world.add({ account: step.account, channel, startedS }), trigger);
				}
				break;
			}
			case 'future':
				reference.added(
					world.add({
						account: trigger.account,
						channel: step.channel,
						startedS: world.nowS + TEN_YEARS,
					}),
					trigger,
				);
				break;
			case 'advance':
				world.nowS += step.seconds;
				break;
			case 'poll': {
				const newest = world.conversations.slice(-31).map((c) => c.id);
				const failing = new Set(step.failing.map((n) => newest[n % newest.length]));
				record(trigger.poll(false, { ...step, failing }));
				break;
			}
			case 'failForGood':
				if (world.failingForGood.size < 2)
					world.failingForGood.add(
						world.conversations[Math.max(0, world.conversations.length - 1 - step.pick)].id,
					);
				break;
			case 'restart':
				record(trigger.restart());
				break;
			case 'rotateKey':
				trigger.keyGeneration++;
				break;
			case 'changeFilter':
			case 'changeAccount':
				settle();
				if (step.kind === 'changeFilter') trigger.channel = step.channel;
				else trigger.account = trigger.account === 'A' ? 'B' : 'A';
				activate();
				break;
		}
	}
	settle();
}

function checkBounds(state: TriggerState | undefined) {
	if (!state) return;
	if (state.seen.length > MAX_SEEN_IDS) throw new Error(`seen holds ${state.seen.length} ids`);
	if (state.failing.length > MAX_FAILING_IDS)
		throw new Error(`failing holds ${state.failing.length} ids`);
	const windowStart = state.windowStart === null ? null : Date.parse(state.windowStart) / 1000;
	for (const [id, seconds] of state.seen) {
		if (windowStart !== null && seconds < windowStart)
			throw new Error(`seen keeps ${id}, from before the window`);
	}
	const seenIds = new Set(state.seen.map(([id]) => id));
	for (const [id] of state.failing) {
		if (seenIds.has(id)) throw new Error(`failing keeps ${id}, already emitted`);
	}
}

describe('the trigger against a reference model (fast-check)', () => {
	it('never emits twice, never misses a conversation inside the window, keeps the state bounded', () => {
		fc.assert(
			fc.property(scenarioArb, (scenario) => {
				run(scenario);
			}),
			{ numRuns: 2_000 },
		);
	}, 120_000);
});
