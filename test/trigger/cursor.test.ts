/**
 * The exactly-once decision (nodes/RingReadyTrigger/cursor.ts) on its own, for what the n8n-core
 * suites and the model (model.test.ts) do not reach: an untrusted server's listings, unreadable and
 * fractional dates, the window changing, the state's bounds and persistence rules.
 */
import type { ConversationSummary } from '../../nodes/RingReady/shared/contract';
import {
	DEFAULT_LATE_ARRIVAL_MINUTES,
	FUTURE_SKEW_MS,
	MAX_FAILING_IDS,
	MAX_SEEN_IDS,
	STATE_VERSION,
	decide,
	filterKeyFor,
	formatSeconds,
	parseHttpDate,
	parseTimestamp,
	planListing,
	startState,
	withTranscriptFailures,
	type TriggerState,
} from '../../nodes/RingReadyTrigger/cursor';
import { readState, sameState, toStored } from '../../nodes/RingReadyTrigger/state';

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

function expectNoRepeats(emitted: number[]) {
	expect(new Set(emitted).size).toBe(emitted.length);
}

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
		expectNoRepeats(poller.emitted);
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
	function primed() {
		const server = new FakeServer();
		server.add(T0);
		const poller = new Poller(server);
		poller.poll();
		return { server, state: poller.state! };
	}

	it('maxEmit 0 emits nothing and keeps the state, an unreadable conversation too', () => {
		const { server, state } = primed();
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
