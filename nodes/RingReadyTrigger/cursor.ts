/**
 * The trigger's exactly-once decision, as pure functions (no n8n, no I/O, no clock).
 *
 * A poll lists every conversation with started_at >= windowStart (the API's `since` is inclusive)
 * and emits the ones not in `seen`, which holds every conversation listed inside the window,
 * emitted or not. So the boundary second and same-second conversations never repeat, a
 * conversation processed late is emitted once while it still falls inside the window, and nothing
 * relies on ids following started_at. windowStart = max(previous, cursor − window) never moves
 * back, so widening the window never re-emits. The cursor comes from the data (server time); a
 * conversation dated past the server's clock is emitted but never moves it, or one bad date years
 * ahead would move the window past every real conversation. `seen` is capped by narrowing the
 * window, never by forgetting ids inside it.
 */
import { DateTime } from 'luxon';

import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';

/** 1 was 0.1.0's (no owner, no failing transcripts), still read (state.ts). */
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

/** `[conversation id, started_at in epoch seconds]` */
export type SeenEntry = [number, number];
/** `[conversation id, polls in a row on which its transcript could not be fetched]` */
export type FailingEntry = [number, number];

/**
 * Whose conversations the state follows: the account (Base URL origin and the key owner's user
 * id) and a one-way fingerprint of the key last used with it, never the key.
 */
export interface Owner {
	account: string;
	keyId: string;
}

export interface TriggerState {
	v: typeof STATE_VERSION;
	filterKey: string;
	/** null: saved by 0.1.0; the next poll adopts the credential's account. */
	owner: Owner | null;
	/** Newest started_at seen, as the API wrote it; null before any conversation. */
	cursor: string | null;
	/** ISO-8601 UTC, second precision; null: no window yet. */
	windowStart: string | null;
	/** Sorted by id. */
	seen: SeenEntry[];
	/** Sorted by id; only conversations not emitted yet. */
	failing: FailingEntry[];
	scan: Scan | null;
	/** Sorted: emitted conversations whose started_at could not be read (they have no place in time). */
	unreadable: number[];
}

/**
 * A listing of the window too long for one poll. GET /conversations goes newest first, so the
 * first polls walk down noting where each page starts (`stops`); once at the end, parts of a few
 * pages (`pages`) are decided from the bottom up, oldest first. The window stays at `since` until
 * the top part is decided, so nothing falls out of it meanwhile.
 */
export interface Scan {
	since: string | null;
	/** `before_id` where each page after the first starts, descending. */
	stops: number[];
	/** Conversations below this id are decided; null until the end of the listing was reached. */
	floor: number | null;
	/** Pages the last poll that ran out of time managed: the size of the next part. */
	pages: number;
}

/** One poll's listing: newest first from `beforeId` (undefined: the top) down to `floor` or the end. */
export interface ListingPlan {
	since: string | undefined;
	beforeId: number | undefined;
	floor: number | null;
}

export interface ListedPart {
	conversations: ConversationSummary[];
	/** `next_before_id` after each page listed, descending. */
	stops: number[];
	pages: number;
	/** false: the poll's time ran out before the end (or the floor). */
	reachedEnd: boolean;
}

export type Segment = { since: string | null; last: boolean };

export type ListingOutcome =
	/** Decide on the listing; keep `scan` once all of it is emitted, else `unfinished`. */
	| { decide: true; segment?: Segment; scan: Scan | null; unfinished: Scan | null }
	/** Emit nothing yet, keep `scan`. */
	| { decide: false; scan: Scan };

export interface DecideOptions {
	/** Emit only the oldest this many new ones. */
	maxEmit?: number;
	/** Leave conversations still going on (`ended_at: null`) until they have ended. */
	onlyFinished?: boolean;
	/** One part of a resumed listing: the window stays at `since` unless it is the `last`. */
	segment?: Segment;
	maxSeen?: number;
	/** The server's clock (the listing's Date header), epoch ms. */
	serverNowMs?: number;
}

export interface Decision {
	/** Oldest first (started_at, then id); unreadable ones first. */
	emit: ConversationSummary[];
	next: TriggerState;
	/** Emitted, dated after the server's clock plus skew. */
	future: ConversationSummary[];
	/** Future-dated, not emitted: MAX_FUTURE_IDS are remembered already. */
	skippedFuture: ConversationSummary[];
	/** The saved window lay past the server's clock (frozen by 0.1.0) and was reset to it. */
	thawed: boolean;
	/** Emitted with a started_at that could not be read. */
	unreadable: ConversationSummary[];
}

export class InvalidStartedAtError extends Error {
	constructor(id: unknown, startedAt: unknown) {
		super(
			`Conversation ${String(id)} has no valid started_at (${JSON.stringify(startedAt)?.slice(0, 40)})`,
		);
		this.name = 'InvalidStartedAtError';
	}
}

export function filterKeyFor(query: Pick<ConversationQuery, 'channel' | 'agent_id'>): string {
	return `channel=${query.channel ?? '*'};agent=${query.agent_id ?? '*'}`;
}

const API_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Epoch ms of an API timestamp, or NaN. Without an offset it is UTC (Date.parse would use the host's zone). */
export function parseTimestamp(value: unknown): number {
	if (typeof value !== 'string' || value.trim() === '') return NaN;
	if (API_TIMESTAMP.test(value)) return Date.parse(value);
	const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
	return parsed.isValid ? parsed.toMillis() : NaN;
}

/** Epoch ms of an HTTP `Date` header, or undefined. */
export function parseHttpDate(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string') return undefined;
	const parsed = DateTime.fromRFC2822(text.trim().replace(/ GMT$/, ' +0000'));
	return parsed.isValid ? parsed.toMillis() : undefined;
}

/** The form the API expects for `since`: 2026-06-09T14:03:00Z. */
export function formatSeconds(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const toSeconds = (ms: number) => Math.floor(ms / 1000);
const windowMs = (windowMinutes: number) => Math.max(0, windowMinutes) * 60_000;

function futureLimitMs(serverNowMs: number | undefined): number {
	return serverNowMs === undefined || !Number.isFinite(serverNowMs)
		? Number.POSITIVE_INFINITY
		: serverNowMs + FUTURE_SKEW_MS;
}

/**
 * A first activation's state: the cursor at the newest of `newest` with a readable started_at (the
 * server's clock if that one is future-dated). The caller then decides the window's listing
 * without emitting, so nothing from before activation is emitted later.
 */
export function startState(
	filterKey: string,
	owner: Owner,
	newest: ConversationSummary | readonly ConversationSummary[] | undefined,
	serverNowMs?: number,
): TriggerState {
	const candidates = newest === undefined ? [] : Array.isArray(newest) ? newest : [newest];
	let cursor: string | null = null;
	if (candidates.length > 0) {
		const readable = candidates.find(({ started_at }) => !Number.isNaN(parseTimestamp(started_at)));
		if (readable === undefined && serverNowMs === undefined)
			throw new InvalidStartedAtError(candidates[0].id, candidates[0].started_at);
		const ms = readable ? parseTimestamp(readable.started_at) : Number.POSITIVE_INFINITY;
		cursor =
			ms > futureLimitMs(serverNowMs)
				? formatSeconds(toSeconds(serverNowMs!))
				: readable!.started_at;
	}
	const empty = { windowStart: null, seen: [], failing: [], scan: null, unreadable: [] };
	return { v: STATE_VERSION, filterKey, owner, cursor, ...empty };
}

/** Epoch seconds where the window starts, or null when there is none yet. */
function lowerBoundSeconds(state: TriggerState, windowMinutes: number): number | null {
	const bounds: number[] = [];
	if (state.windowStart !== null) bounds.push(toSeconds(parseTimestamp(state.windowStart)));
	if (state.cursor !== null)
		bounds.push(toSeconds(parseTimestamp(state.cursor) - windowMs(windowMinutes)));
	return bounds.length === 0 ? null : Math.max(...bounds);
}

/** The listing's `since`, or undefined to list everything (no cursor yet). */
export function sinceFor(state: TriggerState, windowMinutes: number): string | undefined {
	const lower = lowerBoundSeconds(state, windowMinutes);
	return lower === null ? undefined : formatSeconds(lower);
}

/**
 * Decides what to emit and the next state from a whole listing of `sinceFor(state)` (or one part
 * of a resumed listing, `segment`). With `maxEmit`, only the oldest new ones are emitted and
 * remembered and the cursor moves only as far as they go: the others stay inside the window,
 * unseen, for the next poll.
 */
export function decide(
	savedState: TriggerState,
	listed: readonly ConversationSummary[],
	windowMinutes: number,
	options: DecideOptions = {},
): Decision {
	const maxSeen = Math.max(1, options.maxSeen ?? MAX_SEEN_IDS);
	const limitMs = futureLimitMs(options.serverNowMs);
	const { segment } = options;
	// A window past the server's clock (0.1.0 followed a date years ahead) restarts at the clock;
	// `seen` is kept, so nothing repeats.
	let lower = segment ? null : lowerBoundSeconds(savedState, windowMinutes);
	const thawed = lower !== null && options.serverNowMs !== undefined && lower * 1000 > limitMs;
	const state = thawed
		? {
				...savedState,
				cursor: null,
				windowStart: formatSeconds(toSeconds(options.serverNowMs!)),
			}
		: savedState;
	if (segment) lower = segment.since === null ? null : toSeconds(parseTimestamp(segment.since));
	else lower = lowerBoundSeconds(state, windowMinutes);
	const seenIds = new Set(state.seen.map(([id]) => id));
	const isFuture = (seconds: number) => seconds * 1000 > limitMs;
	let futureKnown = state.seen.filter(([, seconds]) => isFuture(seconds)).length;

	const inWindow: Array<{ conversation: ConversationSummary; ms: number }> = [];
	const unreadableListed: ConversationSummary[] = [];
	const listedIds = new Set<number>();
	for (const conversation of listed) {
		if (listedIds.has(conversation.id)) continue;
		listedIds.add(conversation.id);
		if (options.onlyFinished && conversation.ended_at === null) continue;
		const ms = parseTimestamp(conversation.started_at);
		if (Number.isNaN(ms)) unreadableListed.push(conversation);
		// The server should not send anything from before `since`.
		else if (lower === null || toSeconds(ms) >= lower) inWindow.push({ conversation, ms });
	}
	const unreadableIds = new Set(state.unreadable);
	const unreadableFresh = unreadableListed
		.filter(({ id }) => !unreadableIds.has(id))
		.sort((a, b) => a.id - b.id);
	const skippedFuture: ConversationSummary[] = [];
	const fresh = inWindow
		.filter(({ conversation }) => !seenIds.has(conversation.id))
		.sort((a, b) => a.ms - b.ms || a.conversation.id - b.conversation.id)
		.filter(({ conversation, ms }) => {
			if (ms <= limitMs || futureKnown++ < MAX_FUTURE_IDS) return true;
			skippedFuture.push(conversation);
			return false;
		});
	const maxEmit = Math.max(0, Math.floor(options.maxEmit ?? Number.POSITIVE_INFINITY));
	const unreadableEmitted = unreadableFresh.slice(0, maxEmit);
	const emitted = fresh.slice(0, maxEmit - unreadableEmitted.length);
	const skipped = new Set(skippedFuture);
	// Everything listed is now known, except new ones left for the next poll.
	const known =
		unreadableFresh.length + fresh.length > maxEmit
			? emitted
			: inWindow.filter(({ conversation }) => !skipped.has(conversation));

	let cursor = state.cursor;
	let cursorMs = cursor === null ? Number.NEGATIVE_INFINITY : parseTimestamp(cursor);
	for (const { conversation, ms } of known) {
		if (ms > cursorMs && ms <= limitMs) [cursorMs, cursor] = [ms, conversation.started_at];
	}
	if (cursor !== null && (!segment || segment.last)) {
		const fromCursor = toSeconds(cursorMs - windowMs(windowMinutes));
		lower = lower === null ? fromCursor : Math.max(lower, fromCursor);
	}

	// Future-dated ones stay while listed; the others only inside the new window.
	const bySeconds = new Map<number, number>(state.seen);
	for (const { conversation, ms } of known) bySeconds.set(conversation.id, toSeconds(ms));
	let seen: SeenEntry[] = [];
	const future: SeenEntry[] = [];
	for (const entry of bySeconds) {
		if (lower === null || entry[1] >= lower) (isFuture(entry[1]) ? future : seen).push(entry);
	}
	if (seen.length > maxSeen) {
		// Several may share the boundary second: they all go, and stay outside the window.
		seen.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
		const boundary = seen[maxSeen][1] + 1;
		const keepFrom = lower === null ? boundary : Math.max(lower, boundary);
		lower = keepFrom;
		seen = seen.filter(([, seconds]) => seconds >= keepFrom);
	}
	seen.push(...future);
	seen.sort((a, b) => a[0] - b[0]);
	const pending = new Set([
		...unreadableFresh.slice(unreadableEmitted.length).map(({ id }) => id),
		...fresh.slice(emitted.length).map(({ conversation }) => conversation.id),
	]);
	// A whole listing that no longer holds an unreadable id: it is out of the window for good.
	const stillListed = (id: number) => Boolean(segment) || listedIds.has(id);
	const unreadable = [
		...new Set([...state.unreadable.filter(stillListed), ...unreadableEmitted.map(({ id }) => id)]),
	]
		.sort((a, b) => a - b)
		.slice(-MAX_UNREADABLE_IDS);

	return {
		emit: [...unreadableEmitted, ...emitted.map(({ conversation }) => conversation)],
		next: {
			...state,
			cursor,
			windowStart: lower === null ? null : formatSeconds(lower),
			seen,
			failing: state.failing.filter(([id]) => pending.has(id)),
			unreadable,
		},
		future: emitted.filter(({ ms }) => ms > limitMs).map(({ conversation }) => conversation),
		skippedFuture,
		thawed,
		unreadable: unreadableEmitted,
	};
}

export function transcriptFailures(state: TriggerState, id: number): number {
	return state.failing.find(([failingId]) => failingId === id)?.[1] ?? 0;
}

/** Whether a failure on this poll is the conversation's last before it is emitted without transcript. */
export function givesUpOnTranscript(state: TriggerState, id: number): boolean {
	return transcriptFailures(state, id) + 1 >= TRANSCRIPT_ATTEMPTS;
}

/** One more failed poll for each of `failedIds`; the ones closest to giving up are kept. */
export function withTranscriptFailures(
	state: TriggerState,
	failedIds: readonly number[],
): TriggerState {
	const seenIds = new Set(state.seen.map(([id]) => id));
	const counts = new Map<number, number>(state.failing);
	for (const id of new Set(failedIds)) {
		if (!seenIds.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
	}
	const failing = [...counts]
		.sort((a, b) => b[1] - a[1] || a[0] - b[0])
		.slice(0, MAX_FAILING_IDS)
		.sort((a, b) => a[0] - b[0]);
	return { ...state, failing };
}

export function planListing(state: TriggerState, windowMinutes: number): ListingPlan {
	const { scan } = state;
	if (!scan) return { since: sinceFor(state, windowMinutes), beforeId: undefined, floor: null };
	const since = scan.since ?? undefined;
	if (scan.floor === null) return { since, beforeId: scan.stops.at(-1), floor: null };
	// The part just above the floor, as many pages as the last short poll managed.
	const above = scan.stops.filter((stop) => stop > scan.floor!);
	const start = above.length - Math.max(1, scan.pages);
	return { since, beforeId: start < 0 ? undefined : above[start], floor: scan.floor };
}

export function afterListing(
	state: TriggerState,
	plan: ListingPlan,
	part: Omit<ListedPart, 'conversations'>,
): ListingOutcome {
	const { scan } = state;
	if (!scan) {
		if (part.reachedEnd) return { decide: true, scan: null, unfinished: null };
		const started = { since: plan.since ?? null, stops: part.stops, floor: null };
		return { decide: false, scan: { ...started, pages: part.pages } };
	}
	const stops = [...new Set([...scan.stops, ...part.stops])]
		.filter((stop) => scan.floor === null || stop > scan.floor)
		.sort((a, b) => b - a);
	if (!part.reachedEnd) return { decide: false, scan: { ...scan, stops, pages: part.pages } };
	const last = plan.beforeId === undefined;
	return {
		decide: true,
		segment: { since: scan.since, last },
		scan: last ? null : { ...scan, stops, floor: plan.beforeId! },
		unfinished: { ...scan, stops },
	};
}

/**
 * The state after a poll that emitted the first `emitted` of `decision.emit` (the rest ran out of
 * time or wait behind a failed transcript) and on which the transcripts of `failedIds` failed for
 * reasons of their own.
 */
export function afterEmitting(
	state: TriggerState,
	listed: readonly ConversationSummary[],
	windowMinutes: number,
	options: DecideOptions,
	outcome: Extract<ListingOutcome, { decide: true }>,
	poll: { decision: Decision; emitted: number; failedIds: readonly number[] },
): TriggerState {
	const cutShort = poll.emitted < poll.decision.emit.length;
	const decided = cutShort
		? decide(state, listed, windowMinutes, { ...options, maxEmit: poll.emitted }).next
		: poll.decision.next;
	const next = withTranscriptFailures(decided, poll.failedIds);
	const scan = cutShort ? outcome.unfinished : outcome.scan;
	return { ...next, scan: scan && { ...scan, since: next.windowStart } };
}
