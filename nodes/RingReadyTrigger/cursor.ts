/**
 * The exactly-once decision of the RingReady Trigger, as pure functions (no n8n, no I/O, no clock).
 *
 * The state kept in the workflow's static data (JSON, see {@link TriggerState}):
 *   - `cursor`: the newest `started_at` the trigger has seen. A SERVER timestamp taken from the
 *     data; the n8n host's clock is never used.
 *   - `windowStart`: the start of the late-arrival window. Every poll lists all conversations with
 *     `started_at >= windowStart` (the API's inclusive `since`), and it is
 *     max(previous windowStart, cursor − late-arrival window). It never moves back, so widening the
 *     window later never re-emits old conversations (the window grows as the cursor moves on).
 *   - `seen`: `[id, startedAtEpochSeconds]` of EVERY conversation listed with started_at >= windowStart
 *     (emitted or not; the ones from before activation too).
 *
 * A poll emits every listed conversation that is not in `seen`. That gives:
 *   - no repeats: the inclusive `since` returns the boundary conversation again, and conversations
 *     sharing a second come back on every poll; they are all in `seen`;
 *   - late arrivals: a conversation that becomes visible late (a call processed after it ended,
 *     with a higher id but an older `started_at`) is emitted once, as long as its `started_at` is
 *     still >= windowStart when it appears. One that appears with an older `started_at` is never
 *     emitted: that is what the window means;
 *   - nothing relies on ids following `started_at` order or on the order conversations are committed.
 *
 * The state is bounded: entries older than windowStart are dropped, and at most {@link MAX_SEEN_IDS}
 * are kept. If more conversations than that fall inside the window, the window is narrowed to keep
 * the newest ones (windowStart moves forward past the dropped ones), so the cap can never cause a
 * repeat; it only shortens the late-arrival window under that extreme load.
 */
import { DateTime } from 'luxon';

import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';

export const STATE_VERSION = 1;

/** Default late-arrival window: calls are normally processed within minutes of ending. */
export const DEFAULT_LATE_ARRIVAL_MINUTES = 60;
/** The longest late-arrival window accepted (7 days): the state and every poll's listing grow with it. */
export const MAX_LATE_ARRIVAL_MINUTES = 7 * 24 * 60;
/** Hard cap on the ids kept in the state (about 22 bytes each as JSON: ~220 kB at most). */
export const MAX_SEEN_IDS = 10_000;

/** `[conversation id, started_at in epoch seconds]` */
export type SeenEntry = [number, number];

export interface TriggerState {
	v: typeof STATE_VERSION;
	/** The filters the state belongs to; when they change the trigger starts over (see filterKeyFor). */
	filterKey: string;
	/** Newest started_at seen (a server timestamp, as the API wrote it), or null before any conversation. */
	cursor: string | null;
	/** ISO-8601 UTC, second precision, or null (no window yet). Listing starts here. */
	windowStart: string | null;
	/** Sorted by id, ascending. */
	seen: SeenEntry[];
}

export interface Decision {
	/** New conversations, oldest first (started_at, then id). */
	emit: ConversationSummary[];
	next: TriggerState;
}

/** A conversation whose started_at is not a timestamp: its place in time (and the window) is unknown. */
export class InvalidStartedAtError extends Error {
	constructor(
		readonly conversationId: unknown,
		readonly startedAt: unknown,
	) {
		super(
			`Conversation ${String(conversationId)} has no valid started_at (${JSON.stringify(startedAt)?.slice(0, 40)})`,
		);
		this.name = 'InvalidStartedAtError';
	}
}

/** A stable text for the filters; a different text means a different stream of conversations. */
export function filterKeyFor(query: Pick<ConversationQuery, 'channel' | 'agent_id'>): string {
	return `channel=${query.channel ?? '*'};agent=${query.agent_id ?? '*'}`;
}

const API_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Epoch milliseconds of an API timestamp (ISO-8601; read as UTC when it has no offset), or NaN. */
export function parseTimestamp(value: unknown): number {
	if (typeof value !== 'string' || value.trim() === '') return NaN;
	// The API's own form (UTC with Z) the fast way; anything else through luxon, which reads a
	// timestamp without an offset as UTC (Date.parse would use the host's time zone).
	if (API_TIMESTAMP.test(value)) return Date.parse(value);
	const parsed = DateTime.fromISO(value.trim(), { zone: 'utc' });
	return parsed.isValid ? parsed.toMillis() : NaN;
}

/** 2026-06-09T14:03:00Z from epoch seconds: the form the API expects for `since`. */
export function formatSeconds(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function windowMs(windowMinutes: number): number {
	return Math.max(0, windowMinutes) * 60_000;
}

function isEpochSeconds(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value);
}

/**
 * Reads the stored state. Returns undefined when there is none, or when it belongs to other filters,
 * another state version, or is damaged: the trigger then starts over like a first activation
 * (emits nothing, starts from the newest conversation).
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const state = raw as Partial<Record<keyof TriggerState, unknown>>;
	if (state.v !== STATE_VERSION || state.filterKey !== filterKey) return undefined;
	const { cursor, windowStart, seen } = state;
	if (cursor !== null && Number.isNaN(parseTimestamp(cursor))) return undefined;
	if (windowStart !== null && Number.isNaN(parseTimestamp(windowStart))) return undefined;
	if (!Array.isArray(seen)) return undefined;
	const entries: SeenEntry[] = [];
	for (const entry of seen as unknown[]) {
		if (!Array.isArray(entry) || entry.length !== 2) return undefined;
		const [id, seconds] = entry as unknown[];
		if (!isEpochSeconds(id) || !isEpochSeconds(seconds)) return undefined;
		entries.push([id, seconds]);
	}
	return {
		v: STATE_VERSION,
		filterKey,
		cursor: cursor as string | null,
		windowStart: windowStart as string | null,
		seen: entries,
	};
}

/**
 * The state of a first activation (or of changed filters): the cursor is the newest conversation
 * that exists (null if there is none). The caller then lists the window and passes the listing to
 * {@link decide} without emitting anything, so that nothing from before activation is emitted later.
 */
export function startState(filterKey: string, newest: ConversationSummary | undefined): TriggerState {
	if (newest !== undefined && Number.isNaN(parseTimestamp(newest.started_at))) {
		throw new InvalidStartedAtError(newest.id, newest.started_at);
	}
	return { v: STATE_VERSION, filterKey, cursor: newest?.started_at ?? null, windowStart: null, seen: [] };
}

/** Epoch seconds where the window starts for this state, or null when there is no window yet. */
function lowerBoundSeconds(state: TriggerState, windowMinutes: number): number | null {
	const bounds: number[] = [];
	if (state.windowStart !== null) bounds.push(Math.floor(parseTimestamp(state.windowStart) / 1000));
	if (state.cursor !== null) {
		bounds.push(Math.floor((parseTimestamp(state.cursor) - windowMs(windowMinutes)) / 1000));
	}
	return bounds.length === 0 ? null : Math.max(...bounds);
}

/** The `since` for the next listing (inclusive), or undefined to list everything (no cursor yet). */
export function sinceFor(state: TriggerState, windowMinutes: number): string | undefined {
	const lower = lowerBoundSeconds(state, windowMinutes);
	return lower === null ? undefined : formatSeconds(lower);
}

/**
 * Decides what to emit and the next state from one complete listing of `since = sinceFor(state)`
 * (every page followed to the end).
 *
 * `maxEmit` cuts the emission short (when the poll runs out of time fetching transcripts): only the
 * oldest `maxEmit` new conversations are emitted and remembered, and the cursor moves only as far as
 * the newest of those. The others are newer than every emitted one, so they stay inside the window
 * and unseen: the next poll emits them, still oldest first.
 */
export function decide(
	state: TriggerState,
	listed: readonly ConversationSummary[],
	windowMinutes: number,
	options: { maxEmit?: number; maxSeen?: number } = {},
): Decision {
	const maxSeen = Math.max(1, options.maxSeen ?? MAX_SEEN_IDS);
	const lower = lowerBoundSeconds(state, windowMinutes);
	const seenIds = new Set(state.seen.map(([id]) => id));

	// The listing, once per id, without anything before the window (the server should not send it).
	const inWindow: Array<{ conversation: ConversationSummary; ms: number }> = [];
	const listedIds = new Set<number>();
	for (const conversation of listed) {
		if (listedIds.has(conversation.id)) continue;
		listedIds.add(conversation.id);
		const ms = parseTimestamp(conversation.started_at);
		if (Number.isNaN(ms)) throw new InvalidStartedAtError(conversation.id, conversation.started_at);
		if (lower !== null && Math.floor(ms / 1000) < lower) continue;
		inWindow.push({ conversation, ms });
	}

	const fresh = inWindow
		.filter(({ conversation }) => !seenIds.has(conversation.id))
		.sort((a, b) => a.ms - b.ms || a.conversation.id - b.conversation.id);
	const maxEmit = Math.max(0, Math.floor(options.maxEmit ?? Number.POSITIVE_INFINITY));
	const cutShort = fresh.length > maxEmit;
	const emitted = cutShort ? fresh.slice(0, maxEmit) : fresh;
	// Everything in the listing is now known, except new conversations left for the next poll.
	const known = cutShort ? emitted : inWindow;

	let cursor = state.cursor;
	let cursorMs = cursor === null ? Number.NEGATIVE_INFINITY : parseTimestamp(cursor);
	for (const { conversation, ms } of known) {
		if (ms > cursorMs) {
			cursorMs = ms;
			cursor = conversation.started_at;
		}
	}
	let newLower = lower;
	if (cursor !== null) {
		const fromCursor = Math.floor((cursorMs - windowMs(windowMinutes)) / 1000);
		newLower = lower === null ? fromCursor : Math.max(lower, fromCursor);
	}

	// Every id known (emitted or not), inside the new window.
	const bySeconds = new Map<number, number>(state.seen);
	for (const { conversation, ms } of known) bySeconds.set(conversation.id, Math.floor(ms / 1000));
	let seen: SeenEntry[] = [...bySeconds].filter(([, seconds]) => newLower === null || seconds >= newLower);

	if (seen.length > maxSeen) {
		// Narrow the window to the newest `maxSeen` conversations (fewer when several share the
		// boundary second): everything older is then outside the window, never emitted again.
		seen.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
		const boundary = seen[maxSeen][1] + 1;
		newLower = newLower === null ? boundary : Math.max(newLower, boundary);
		const keepFrom = newLower;
		seen = seen.filter(([, seconds]) => seconds >= keepFrom);
	}
	seen.sort((a, b) => a[0] - b[0]);

	return {
		emit: emitted.map(({ conversation }) => conversation),
		next: {
			v: STATE_VERSION,
			filterKey: state.filterKey,
			cursor,
			windowStart: newLower === null ? null : formatSeconds(newLower),
			seen,
		},
	};
}

/** Whether two states are the same (an idle poll changes nothing, so nothing needs saving). */
export function sameState(a: TriggerState, b: TriggerState): boolean {
	if (
		a.v !== b.v ||
		a.filterKey !== b.filterKey ||
		a.cursor !== b.cursor ||
		a.windowStart !== b.windowStart ||
		a.seen.length !== b.seen.length
	) {
		return false;
	}
	return a.seen.every(([id, seconds], i) => b.seen[i][0] === id && b.seen[i][1] === seconds);
}

/** Replaces the contents of the node's static data object with the state (in place, as n8n needs). */
export function writeState(target: Record<string, unknown>, state: TriggerState): void {
	for (const key of Object.keys(target)) delete target[key];
	target.v = state.v;
	target.filterKey = state.filterKey;
	target.cursor = state.cursor;
	target.windowStart = state.windowStart;
	target.seen = state.seen.map(([id, seconds]) => [id, seconds]);
}
