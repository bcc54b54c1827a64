/**
 * The trigger's exactly-once decision, as pure functions (no n8n, no I/O, no clock). A poll lists
 * every conversation from windowStart on (`since` is inclusive) and emits the ones not in `seen`
 * (everything listed inside the window, emitted or not). windowStart never moves back, so widening
 * the window never re-emits. A conversation dated past the server's clock is emitted but never
 * moves the cursor. `seen` is capped by narrowing the window.
 */
import { DateTime } from 'luxon';

import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';

export const STATE_VERSION = 2;
export const DEFAULT_LATE_ARRIVAL_MINUTES = 60;
/** 7 days: the state and every poll's listing grow with the window. */
export const MAX_LATE_ARRIVAL_MINUTES = 7 * 24 * 60;
/** About 22 bytes each as JSON: ~220 kB at most. */
export const MAX_SEEN_IDS = 10_000;
export const FUTURE_SKEW_MS = 10 * 60_000;
export const MAX_FUTURE_IDS = 1_000;
/** Polls in a row on which a conversation's own transcript may fail before it is emitted without it. */
export const TRANSCRIPT_ATTEMPTS = 3;
export const MAX_FAILING_IDS = 100;
export const MAX_UNREADABLE_IDS = 1_000;

/** The Base URL's origin with the key owner's user id, and a one-way fingerprint of the key. */
export type Owner = { account: string; keyId: string };

export interface TriggerState {
	v: typeof STATE_VERSION;
	filterKey: string;
	/** null: saved by 0.1.0; the next poll adopts the credential's account. */
	owner: Owner | null;
	/** Newest started_at seen, as RingReady wrote it (never n8n's clock). */
	cursor: string | null;
	windowStart: string | null;
	/** Sorted by id, like `failing` (only conversations not emitted yet) and `unreadable`. */
	seen: Array<[id: number, startedAtSeconds: number]>;
	failing: Array<[id: number, failedPollsInARow: number]>;
	scan: Scan | null;
	/** Emitted with a started_at that could not be read: no place in time, so kept by id. */
	unreadable: number[];
	/** The newest id listed at activation: ids grow with creation, so none up to it is ever new. */
	ceiling: number | null;
}

/**
 * A listing too long for one poll. GET /conversations goes newest first, so polls first walk down
 * noting where each page starts (`stops`, descending); from the end, parts of `pages` pages are
 * decided from the bottom up (below `floor`: decided), oldest first. The window stays at `since`
 * until the top part is decided, so nothing falls out of it meanwhile.
 */
export type Scan = { since: string | null; stops: number[]; floor: number | null; pages: number };
/** One poll's listing: newest first from `beforeId` (undefined: the top) down to `floor` or the end. */
export type ListingPlan = { since?: string; beforeId?: number; floor: number | null };
/** `reachedEnd` false: the poll's time ran out first. */
export type ListedPart = {
	conversations: ConversationSummary[];
	stops: number[];
	pages: number;
	reachedEnd: boolean;
};

export interface DecideOptions {
	/** Emit only the oldest this many new ones. */
	maxEmit?: number;
	/** Leave conversations still going on (`ended_at: null`) until they have ended. */
	onlyFinished?: boolean;
	/** One part of a resumed listing: the window stays at `since` unless it is the `last`. */
	segment?: { since: string | null; last: boolean };
	maxSeen?: number;
	/** RingReady's clock (the listing's Date header), epoch ms. */
	serverNowMs?: number;
}

export interface Decision {
	/** Unreadable ones first, then oldest first (started_at, then id). */
	emit: ConversationSummary[];
	next: TriggerState;
	/** Emitted, dated past the server's clock. */
	future: ConversationSummary[];
	/** Future-dated, not emitted: MAX_FUTURE_IDS are remembered already. */
	skippedFuture: ConversationSummary[];
	/** The saved window lay past the server's clock (0.1.0 followed a bad date) and restarts at it. */
	thawed: boolean;
	unreadable: ConversationSummary[];
}

export function filterKeyFor(query: Pick<ConversationQuery, 'channel' | 'agent_id'>): string {
	return `channel=${query.channel ?? '*'};agent=${query.agent_id ?? '*'}`;
}

/** A value as it came, cut short, for a message. */
export const shown = (value: unknown) => JSON.stringify(value)?.slice(0, 40);

const API_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Epoch ms, or NaN. Without an offset it is UTC (Date.parse would use the host's zone). */
export function parseTimestamp(value: unknown): number {
	if (typeof value !== 'string' || value.trim() === '') return NaN;
	if (API_TIMESTAMP.test(value)) return Date.parse(value);
	const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
	return parsed.isValid ? parsed.toMillis() : NaN;
}

/** Epoch ms of an HTTP `Date` header, or undefined. */
export function parseHttpDate(value: unknown): number | undefined {
	const text = String([value].flat()[0]).trim();
	const parsed = DateTime.fromRFC2822(text.replace(/ GMT$/, ' +0000'));
	return parsed.isValid ? parsed.toMillis() : undefined;
}

/** The form the API expects for `since`: 2026-06-09T14:03:00Z. */
export function formatSeconds(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const toSeconds = (ms: number) => Math.floor(ms / 1000);
const secondsOf = (timestamp: string | null) =>
	timestamp === null ? null : toSeconds(parseTimestamp(timestamp));
const windowMs = (windowMinutes: number) => Math.max(0, windowMinutes) * 60_000;
const futureLimitMs = (serverNowMs?: number) =>
	serverNowMs === undefined || !Number.isFinite(serverNowMs)
		? Number.POSITIVE_INFINITY
		: serverNowMs + FUTURE_SKEW_MS;

/**
 * A first activation's state, from one page of the newest: the cursor at the newest readable
 * started_at (RingReady's clock if none is, or it is future-dated), and the newest id as the
 * `ceiling`, so nothing from before activation is emitted; the next polls list the window.
 */
export function startState(
	filterKey: string,
	owner: Owner,
	newest: readonly ConversationSummary[],
	serverNowMs?: number,
): TriggerState {
	const readable = newest.find(({ started_at }) => !Number.isNaN(parseTimestamp(started_at)));
	let cursor = readable?.started_at ?? null;
	if (newest.length > 0 && !(parseTimestamp(cursor) <= futureLimitMs(serverNowMs)))
		cursor = serverNowMs === undefined ? null : formatSeconds(toSeconds(serverNowMs));
	const ceiling = newest.length > 0 ? Math.max(...newest.map(({ id }) => id)) : null;
	const empty = { windowStart: null, seen: [], failing: [], scan: null, unreadable: [] };
	return { v: STATE_VERSION, filterKey, owner, cursor, ...empty, ceiling };
}

/** Epoch seconds where the window starts, or null when there is none yet. */
function lowerBoundSeconds(state: TriggerState, windowMinutes: number): number | null {
	const bounds: number[] = [];
	if (state.windowStart !== null) bounds.push(secondsOf(state.windowStart)!);
	if (state.cursor !== null)
		bounds.push(toSeconds(parseTimestamp(state.cursor) - windowMs(windowMinutes)));
	return bounds.length === 0 ? null : Math.max(...bounds);
}

/**
 * What to emit and the next state, from a whole listing from the window's start (or one `segment`
 * of a resumed listing). With `maxEmit`, only the oldest new ones are emitted and remembered and
 * the cursor moves only as far as they go: the others stay in the window for the next poll.
 */
export function decide(
	saved: TriggerState,
	listed: readonly ConversationSummary[],
	windowMinutes: number,
	options: DecideOptions = {},
): Decision {
	const { segment, serverNowMs } = options;
	const limitMs = futureLimitMs(serverNowMs);
	const isFuture = (seconds: number) => seconds * 1000 > limitMs;
	let lower = segment ? secondsOf(segment.since) : lowerBoundSeconds(saved, windowMinutes);
	const thawed = !segment && lower !== null && isFuture(lower);
	if (thawed) lower = toSeconds(serverNowMs!);
	const state = thawed ? { ...saved, cursor: null, windowStart: formatSeconds(lower!) } : saved;

	// An unreadable started_at has no place in time (ms -Infinity): the server placed it inside the
	// window; it goes first, by id, is known by id only and never moves the cursor.
	const unreadable = ({ ms }: { ms: number }) => ms === -Infinity;
	const seenIds = new Set(state.seen.map(([id]) => id));
	const unreadableIds = new Set(state.unreadable);
	const listedIds = new Set<number>();
	const inWindow: Array<{ conversation: ConversationSummary; ms: number }> = [];
	for (const conversation of listed) {
		if (listedIds.has(conversation.id)) continue;
		listedIds.add(conversation.id);
		if (options.onlyFinished && conversation.ended_at === null) continue;
		const ms = parseTimestamp(conversation.started_at);
		if (Number.isNaN(ms)) inWindow.push({ conversation, ms: -Infinity });
		else if (lower === null || toSeconds(ms) >= lower) inWindow.push({ conversation, ms });
	}
	let futureKnown = state.seen.filter(([, seconds]) => isFuture(seconds)).length;
	const skippedFuture: ConversationSummary[] = [];
	const known = ({ conversation: { id }, ms }: (typeof inWindow)[number]) =>
		(state.ceiling !== null && id <= state.ceiling) ||
		(ms === -Infinity ? unreadableIds : seenIds).has(id);
	const fresh = inWindow
		.filter((c) => !known(c))
		.sort((a, b) => a.ms - b.ms || a.conversation.id - b.conversation.id) // -Inf - -Inf: NaN, by id
		.filter(({ conversation, ms }) => {
			const keep = ms <= limitMs || futureKnown++ < MAX_FUTURE_IDS;
			if (!keep) skippedFuture.push(conversation);
			return keep;
		});
	const maxEmit = Math.max(0, Math.floor(options.maxEmit ?? Number.POSITIVE_INFINITY));
	const emitted = fresh.slice(0, maxEmit);
	const skipped = new Set(skippedFuture);
	// Everything listed is now known, except new ones left for the next poll.
	const nowKnown = (
		fresh.length > maxEmit ? emitted : inWindow.filter((c) => !skipped.has(c.conversation))
	).filter((c) => !unreadable(c));

	let cursor = state.cursor;
	let cursorMs = cursor === null ? Number.NEGATIVE_INFINITY : parseTimestamp(cursor);
	for (const { conversation, ms } of nowKnown) {
		if (ms > cursorMs && ms <= limitMs) [cursorMs, cursor] = [ms, conversation.started_at];
	}
	if (cursor !== null && (!segment || segment.last))
		lower = Math.max(lower ?? -Infinity, toSeconds(cursorMs - windowMs(windowMinutes)));

	const bySeconds = new Map<number, number>(state.seen);
	for (const { conversation, ms } of nowKnown) bySeconds.set(conversation.id, toSeconds(ms));
	const inRange = [...bySeconds].filter(([, seconds]) => lower === null || seconds >= lower);
	let seen: TriggerState['seen'] = inRange.filter(([, seconds]) => !isFuture(seconds));
	const maxSeen = Math.max(1, options.maxSeen ?? MAX_SEEN_IDS);
	if (seen.length > maxSeen) {
		// Several may share the boundary second: they all go, and stay outside the window.
		seen.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
		const keepFrom = Math.max(lower ?? -Infinity, seen[maxSeen][1] + 1);
		lower = keepFrom;
		seen = seen.filter(([, seconds]) => seconds >= keepFrom);
	}
	// Future-dated ones stay while listed.
	seen = [...seen, ...inRange.filter(([, seconds]) => isFuture(seconds))];
	const pending = new Set(fresh.slice(emitted.length).map(({ conversation }) => conversation.id));
	// A whole listing that no longer holds an unreadable id: it is out of the window for good.
	const stillListed = (id: number) => Boolean(segment) || listedIds.has(id);
	const emittedUnreadable = emitted.filter(unreadable).map(({ conversation }) => conversation);
	const unreadableNext = [
		...state.unreadable.filter(stillListed),
		...emittedUnreadable.map(({ id }) => id),
	];
	return {
		emit: emitted.map(({ conversation }) => conversation),
		next: {
			...state,
			cursor,
			windowStart: lower === null ? null : formatSeconds(lower),
			seen: seen.sort((a, b) => a[0] - b[0]),
			failing: state.failing.filter(([id]) => pending.has(id)),
			unreadable: [...new Set(unreadableNext)].sort((a, b) => a - b).slice(-MAX_UNREADABLE_IDS),
		},
		future: emitted.filter(({ ms }) => ms > limitMs).map(({ conversation }) => conversation),
		skippedFuture,
		thawed,
		unreadable: emittedUnreadable,
	};
}

export function transcriptFailures(state: TriggerState, id: number): number {
	return state.failing.find(([failingId]) => failingId === id)?.[1] ?? 0;
}

/** Whether a failure on this poll is the last before the conversation is emitted without it. */
export function givesUpOnTranscript(state: TriggerState, id: number): boolean {
	return transcriptFailures(state, id) + 1 >= TRANSCRIPT_ATTEMPTS;
}

/** One more failed poll for each of `failedIds` not emitted; the oldest MAX_FAILING_IDS are kept. */
export function withTranscriptFailures(
	state: TriggerState,
	failedIds: readonly number[],
): TriggerState {
	const seenIds = new Set(state.seen.map(([id]) => id));
	const counts = new Map<number, number>(state.failing);
	for (const id of new Set(failedIds))
		if (!seenIds.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
	const failing = [...counts].sort((a, b) => a[0] - b[0]);
	return { ...state, failing: failing.slice(0, MAX_FAILING_IDS) };
}

export function planListing(state: TriggerState, windowMinutes: number): ListingPlan {
	const { scan } = state;
	// No scan: from the window's start (none without a cursor: everything).
	const lower = lowerBoundSeconds(state, windowMinutes);
	if (!scan) return { since: lower === null ? undefined : formatSeconds(lower), floor: null };
	const since = scan.since ?? undefined;
	if (scan.floor === null) return { since, beforeId: scan.stops.at(-1), floor: null };
	// The part just above the floor, as many pages as the last short poll managed.
	const above = scan.stops.filter((stop) => stop > scan.floor!);
	const start = above.length - Math.max(1, scan.pages);
	return { since, beforeId: start < 0 ? undefined : above[start], floor: scan.floor };
}

export type PollStep =
	/** The listing continues at the next poll: save this, emit nothing. */
	| { resume: TriggerState }
	/** `after`: the next state once the first `emitted` went out and `failedIds`' transcripts failed. */
	| { decision: Decision; after(emitted: number, failedIds: readonly number[]): TriggerState };

/** What one poll's listing of `plan` (from planListing) lets it do. */
export function decideListing(
	state: TriggerState,
	plan: ListingPlan,
	part: ListedPart,
	windowMinutes: number,
	options: DecideOptions = {},
): PollStep {
	const { scan } = state;
	const base = scan ?? { since: plan.since ?? null, stops: [], floor: null, pages: 1 };
	const stops = [...new Set([...base.stops, ...part.stops])]
		.filter((stop) => base.floor === null || stop > base.floor)
		.sort((a, b) => b - a);
	if (!part.reachedEnd)
		return { resume: { ...state, scan: { ...base, stops, pages: part.pages } } };
	const last = plan.beforeId === undefined;
	const segment = scan ? { since: scan.since, last } : undefined;
	// Kept once all of this listing is emitted, and otherwise.
	const whole = scan && !last ? { ...scan, stops, floor: plan.beforeId! } : null;
	const unfinished = scan && { ...scan, stops };
	const decideWith = (maxEmit?: number) =>
		decide(state, part.conversations, windowMinutes, { ...options, segment, maxEmit });
	const decision = decideWith();
	return {
		decision,
		after: (emitted, failedIds) => {
			const cutShort = emitted < decision.emit.length;
			const decided = cutShort ? decideWith(emitted) : decision;
			const next = withTranscriptFailures(decided.next, failedIds);
			const kept = cutShort ? unfinished : whole;
			return { ...next, scan: kept && { ...kept, since: next.windowStart } };
		},
	};
}
