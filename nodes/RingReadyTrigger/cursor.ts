/**
 * The exactly-once decision of the RingReady Trigger, as pure functions (no n8n, no I/O, no clock).
 *
 * The state kept in the workflow's static data (JSON, see {@link TriggerState}):
 *   - `cursor`: the newest `started_at` the trigger has seen, up to the server's clock (see below).
 *     A SERVER timestamp taken from the data; the n8n host's clock is never used.
 *   - `windowStart`: the start of the late-arrival window. Every poll lists all conversations with
 *     `started_at >= windowStart` (the API's inclusive `since`), and it is
 *     max(previous windowStart, cursor − late-arrival window). It never moves back, so widening the
 *     window later never re-emits old conversations (the window grows as the cursor moves on).
 *   - `seen`: `[id, startedAtEpochSeconds]` of EVERY conversation listed with started_at >= windowStart
 *     (emitted or not; the ones from before activation too).
 *   - `account` and `keyId`: whose conversations these are (see {@link Owner}); another account's
 *     credential starts over like a first activation.
 *   - `failing`: conversations whose transcript could not be fetched, with the number of polls that
 *     failed on it in a row (see {@link TRANSCRIPT_ATTEMPTS}).
 *   - `scan` (only while a listing is too long for one poll): how far the listing has got, so that it
 *     resumes at the next poll (see {@link Scan}).
 *   - `unreadable` (only when there are any): ids of conversations emitted although their
 *     `started_at` could not be read; they have no place in time, so they are remembered by id.
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
 * A conversation dated after the server's clock (the listing's `Date` header) plus
 * {@link FUTURE_SKEW_MS} is emitted once like any other, but it does not move the cursor: one bad
 * `started_at` years ahead would otherwise move the window past every real conversation.
 *
 * The state is bounded: entries older than windowStart are dropped, and at most {@link MAX_SEEN_IDS}
 * are kept. If more conversations than that fall inside the window, the window is narrowed to keep
 * the newest ones (windowStart moves forward past the dropped ones), so the cap can never cause a
 * repeat; it only shortens the late-arrival window under that extreme load. Future-dated ones are
 * capped on their own ({@link MAX_FUTURE_IDS}).
 */
import { DateTime } from 'luxon';

import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';

/** 2 since 0.2.0 (owner, failing transcripts); 1 was 0.1.0's, read and migrated by {@link readState}. */
export const STATE_VERSION = 2;

/** Default late-arrival window: calls are normally processed within minutes of ending. */
export const DEFAULT_LATE_ARRIVAL_MINUTES = 60;
/** The longest late-arrival window accepted (7 days): the state and every poll's listing grow with it. */
export const MAX_LATE_ARRIVAL_MINUTES = 7 * 24 * 60;
/** Hard cap on the ids kept in the state (about 22 bytes each as JSON: ~220 kB at most). */
export const MAX_SEEN_IDS = 10_000;
/** How far past the server's clock a started_at may be before it counts as dated in the future. */
export const FUTURE_SKEW_MS = 10 * 60_000;
/** Future-dated conversations remembered at most; more are skipped (with a warning), never repeated. */
export const MAX_FUTURE_IDS = 1_000;
/**
 * Polls in a row on which a conversation's transcript may fail before it is emitted without it
 * (with an `error` field), so one conversation RingReady cannot serve does not hold back the others.
 */
export const TRANSCRIPT_ATTEMPTS = 3;
/** Conversations with failing transcripts remembered at most (they are the oldest unemitted ones). */
export const MAX_FAILING_IDS = 100;
/** Conversations with an unreadable started_at remembered at most (the newest ids are kept). */
export const MAX_UNREADABLE_IDS = 1_000;

/** `[conversation id, started_at in epoch seconds]` */
export type SeenEntry = [number, number];
/** `[conversation id, polls in a row on which its transcript could not be fetched]` */
export type FailingEntry = [number, number];

/**
 * Whose conversations the state follows. `account` names the RingReady account (the Base URL's
 * origin and the key owner's user id, from GET /whoami); `keyId` is a one-way fingerprint of the
 * key last used with it, so a poll with the same key knows the account without asking. Neither
 * holds the key or anything it can be recovered from.
 */
export interface Owner {
	account: string;
	keyId: string;
}

export interface TriggerState {
	v: typeof STATE_VERSION;
	/** The filters the state belongs to; when they change the trigger starts over (see filterKeyFor). */
	filterKey: string;
	/** null: saved by 0.1.0, which did not record it; the next poll adopts the current account. */
	owner: Owner | null;
	/** Newest started_at seen (a server timestamp, as the API wrote it), or null before any conversation. */
	cursor: string | null;
	/** ISO-8601 UTC, second precision, or null (no window yet). Listing starts here. */
	windowStart: string | null;
	/** Sorted by id, ascending. */
	seen: SeenEntry[];
	/** Sorted by id, ascending; only conversations not emitted yet. */
	failing: FailingEntry[];
	/** A listing resumed across polls; null when every poll lists its window whole. */
	scan: Scan | null;
	/** Sorted ascending: emitted conversations whose started_at could not be read. */
	unreadable: number[];
}

/**
 * A listing of the window that one poll could not finish in its time. GET /conversations goes
 * newest first, in pages cut by `before_id`, so the oldest conversations come last: the first polls
 * walk down and note where each page starts (`stops`); once the end is reached, the conversations
 * are decided part by part from the bottom up, oldest first, each part a few pages (`pages`) that
 * fit in one poll. The window's start stays at `since` until the last part (the newest, from the
 * top of the listing) is decided, so nothing can fall out of the window while the listing is
 * resumed.
 */
export interface Scan {
	/** The listing's `since` (null: the trigger has no window yet and lists everything). */
	since: string | null;
	/** `before_id` where each page after the first starts, descending. */
	stops: number[];
	/** Conversations with lower ids are decided; null until the end of the listing was reached. */
	floor: number | null;
	/** Pages the last poll that ran out of time managed to list: the size of the next part. */
	pages: number;
}

export interface DecideOptions {
	/** Emit at most this many (the oldest new ones); see {@link decide}. */
	maxEmit?: number;
	/** Conversations still going on (`ended_at: null`) are left until they have ended. */
	onlyFinished?: boolean;
	/**
	 * The listing is one part of a resumed listing (see {@link Scan}): the window starts at `since`
	 * and stays there, unless this is the `last` part.
	 */
	segment?: { since: string | null; last: boolean };
	maxSeen?: number;
	/** The server's clock, epoch ms (the listing's Date header). Without it nothing counts as future-dated. */
	serverNowMs?: number;
}

export interface Decision {
	/** New conversations, oldest first (started_at, then id). */
	emit: ConversationSummary[];
	next: TriggerState;
	/** Emitted conversations dated after the server's clock (plus skew): worth a warning. */
	future: ConversationSummary[];
	/** Future-dated conversations not emitted because {@link MAX_FUTURE_IDS} are remembered already. */
	skippedFuture: ConversationSummary[];
	/** The saved window lay past the server's clock (a 0.1.0 state frozen by a future-dated conversation) and was reset to now. */
	thawed: boolean;
	/** Emitted conversations whose started_at could not be read (emitted first, once each). */
	unreadable: ConversationSummary[];
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

/** Epoch ms of an HTTP `Date` header (RFC 7231 IMF-fixdate), or undefined. */
export function parseHttpDate(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string') return undefined;
	const parsed = DateTime.fromRFC2822(text.trim().replace(/ GMT$/, ' +0000'));
	return parsed.isValid ? parsed.toMillis() : undefined;
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

function readPairs(value: unknown): Array<[number, number]> | undefined {
	if (!Array.isArray(value)) return undefined;
	const pairs: Array<[number, number]> = [];
	for (const entry of value as unknown[]) {
		if (!Array.isArray(entry) || entry.length !== 2) return undefined;
		const [a, b] = entry as unknown[];
		if (!isEpochSeconds(a) || !isEpochSeconds(b)) return undefined;
		pairs.push([a, b]);
	}
	return pairs;
}

function readOwner(account: unknown, keyId: unknown): Owner | undefined {
	if (typeof account !== 'string' || account === '' || typeof keyId !== 'string' || keyId === '')
		return undefined;
	return { account, keyId };
}

/**
 * Reads a stored state: this version's, or 0.1.0's (version 1: the same position without owner
 * or failing transcripts, migrated as it is so an upgrade neither repeats nor skips anything).
 * Returns undefined when there is none, or when it belongs to other filters, an unknown version,
 * or is damaged: the trigger then starts over like a first activation.
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const state = raw as Record<string, unknown>;
	if ((state.v !== 1 && state.v !== STATE_VERSION) || state.filterKey !== filterKey)
		return undefined;
	const { cursor, windowStart } = state;
	if (cursor !== null && Number.isNaN(parseTimestamp(cursor))) return undefined;
	if (windowStart !== null && Number.isNaN(parseTimestamp(windowStart))) return undefined;
	const seen = readPairs(state.seen);
	if (!seen) return undefined;
	let owner: Owner | null = null;
	let failing: FailingEntry[] = [];
	let scan: Scan | null = null;
	let unreadable: number[] = [];
	if (state.v === STATE_VERSION) {
		const storedOwner = readOwner(state.account, state.keyId);
		const storedFailing = readPairs(state.failing);
		if (!storedOwner || !storedFailing) return undefined;
		owner = storedOwner;
		failing = storedFailing;
		if (state.scan !== undefined && state.scan !== null) {
			const storedScan = readScan(state.scan);
			if (!storedScan) return undefined;
			scan = storedScan;
		}
		if (state.unreadable !== undefined) {
			if (!isIdList(state.unreadable)) return undefined;
			unreadable = state.unreadable;
		}
	}
	return {
		v: STATE_VERSION,
		filterKey,
		owner,
		cursor: cursor as string | null,
		windowStart: windowStart as string | null,
		seen,
		failing,
		scan,
		unreadable,
	};
}

function isIdList(value: unknown): value is number[] {
	return Array.isArray(value) && value.every(isEpochSeconds);
}

function readScan(raw: unknown): Scan | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const { since, stops, floor, pages } = raw as Record<string, unknown>;
	if (since !== null && Number.isNaN(parseTimestamp(since))) return undefined;
	if (!isIdList(stops) || (floor !== null && !isEpochSeconds(floor))) return undefined;
	if (!isEpochSeconds(pages) || pages < 1) return undefined;
	return { since: since as string | null, stops, floor: floor as number | null, pages };
}

/**
 * Whether the state may be followed with this credential: yes when it was saved with the same key
 * (`keyId`), or, once the account is known (`account`, from GET /whoami), when it is that account's
 * or was saved by 0.1.0 (no owner recorded). `account` undefined: the key is new to the state and
 * the caller must look the account up first.
 */
export function ownedBy(state: TriggerState, keyId: string, account?: string): boolean | undefined {
	if (state.owner?.keyId === keyId) return true;
	if (account === undefined) return undefined;
	return state.owner === null || state.owner.account === account;
}

export type StatePick =
	/** Continue from `found` (`fromActivation`: the activation record; `changed`: save it even if the poll changes nothing). */
	| { found: TriggerState; fromActivation: boolean; changed: boolean }
	/** A saved state was made with another key: look the account up (GET /whoami) and pick again. */
	| { found: undefined; needsAccount: true }
	/** Nothing to continue from: a first activation. */
	| { found: undefined; needsAccount: false };

/**
 * The state a poll continues from: the node's own, else the one recorded at activation (n8n's
 * durable scheduler drops what the activation poll saves in the node's static data, see the
 * trigger), each only if it is for these filters and the credential's account (see
 * {@link ownedBy}).
 */
export function pickState(
	saved: { node: unknown; activation: unknown },
	filterKey: string,
	keyId: string,
	account?: string,
): StatePick {
	const candidates = [
		{ raw: saved.node, fromActivation: false },
		{ raw: saved.activation, fromActivation: true },
	];
	for (const { raw, fromActivation } of candidates) {
		const state = readState(raw, filterKey);
		if (!state) continue;
		const owned = ownedBy(state, keyId, account);
		if (owned === undefined) return { found: undefined, needsAccount: true };
		if (!owned) continue;
		const sameKey = state.owner?.keyId === keyId;
		const found = sameKey ? state : { ...state, owner: { account: account!, keyId } };
		// From the activation record, the node's own state must be replaced: what the scheduler
		// still holds there may be an older activation's (other filters or account), which a later
		// change back would otherwise continue from.
		const changed = fromActivation || !sameKey || (raw as { v?: unknown }).v !== STATE_VERSION;
		return { found, fromActivation, changed };
	}
	return { found: undefined, needsAccount: false };
}

/**
 * The state of a first activation (or of changed filters or account): the cursor is the newest
 * conversation that exists (null if there is none). The caller then lists the window and passes the
 * listing to {@link decide} without emitting anything, so that nothing from before activation is
 * emitted later.
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
		// The newest conversation whose started_at can be read; one that cannot has no place in time.
		const readable = candidates.find(({ started_at }) => !Number.isNaN(parseTimestamp(started_at)));
		if (readable === undefined && serverNowMs === undefined)
			throw new InvalidStartedAtError(candidates[0].id, candidates[0].started_at);
		const ms =
			readable === undefined ? Number.POSITIVE_INFINITY : parseTimestamp(readable.started_at);
		// A future-dated newest conversation does not set the position; the server's clock does.
		cursor =
			ms > futureLimitMs(serverNowMs)
				? formatSeconds(Math.floor(serverNowMs! / 1000))
				: readable!.started_at;
	}
	return {
		v: STATE_VERSION,
		filterKey,
		owner,
		cursor,
		windowStart: null,
		seen: [],
		failing: [],
		scan: null,
		unreadable: [],
	};
}

function futureLimitMs(serverNowMs: number | undefined): number {
	return serverNowMs === undefined || !Number.isFinite(serverNowMs)
		? Number.POSITIVE_INFINITY
		: serverNowMs + FUTURE_SKEW_MS;
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
 * A state whose window starts after the server's clock (0.1.0 followed a conversation dated years
 * ahead, and no real conversation could be listed since): restart the window at the server's
 * clock. Conversations that started from then on are emitted; the ones of the frozen period were
 * never listed and stay skipped. What is in `seen` is kept, so nothing is repeated.
 */
function thaw(
	state: TriggerState,
	windowMinutes: number,
	serverNowMs: number | undefined,
): TriggerState | undefined {
	const lower = lowerBoundSeconds(state, windowMinutes);
	if (lower === null || serverNowMs === undefined || lower * 1000 <= futureLimitMs(serverNowMs))
		return undefined;
	const now = formatSeconds(Math.floor(serverNowMs / 1000));
	return { ...state, cursor: null, windowStart: now };
}

/**
 * Decides what to emit and the next state from one complete listing of `since = sinceFor(state)`
 * (every page followed to the end).
 *
 * `maxEmit` cuts the emission short (when the poll runs out of time fetching transcripts, or a
 * transcript fails): only the oldest `maxEmit` new conversations are emitted and remembered, and
 * the cursor moves only as far as the newest of those. The others are newer than every emitted one,
 * so they stay inside the window and unseen: the next poll emits them, still oldest first.
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
	const thawed = segment ? undefined : thaw(savedState, windowMinutes, options.serverNowMs);
	const state = thawed ?? savedState;
	const lower = segment
		? segment.since === null
			? null
			: Math.floor(parseTimestamp(segment.since) / 1000)
		: lowerBoundSeconds(state, windowMinutes);
	const seenIds = new Set(state.seen.map(([id]) => id));
	const unreadableIds = new Set(state.unreadable);
	const isFuture = (seconds: number) => seconds * 1000 > limitMs;
	let futureKnown = state.seen.filter(([, seconds]) => isFuture(seconds)).length;

	// The listing, once per id, without anything before the window (the server should not send it).
	const inWindow: Array<{ conversation: ConversationSummary; ms: number }> = [];
	const unreadableListed: ConversationSummary[] = [];
	const listedIds = new Set<number>();
	for (const conversation of listed) {
		if (listedIds.has(conversation.id)) continue;
		listedIds.add(conversation.id);
		if (options.onlyFinished && conversation.ended_at === null) continue;
		const ms = parseTimestamp(conversation.started_at);
		if (Number.isNaN(ms)) {
			unreadableListed.push(conversation);
			continue;
		}
		if (lower !== null && Math.floor(ms / 1000) < lower) continue;
		inWindow.push({ conversation, ms });
	}
	// The server placed it inside the window; without a readable time it goes first, by id.
	const unreadableFresh = unreadableListed
		.filter(({ id }) => !unreadableIds.has(id))
		.sort((a, b) => a.id - b.id);

	const skippedFuture: ConversationSummary[] = [];
	const fresh = inWindow
		.filter(({ conversation }) => !seenIds.has(conversation.id))
		.sort((a, b) => a.ms - b.ms || a.conversation.id - b.conversation.id)
		.filter(({ conversation, ms }) => {
			if (ms <= limitMs) return true;
			if (futureKnown < MAX_FUTURE_IDS) {
				futureKnown++;
				return true;
			}
			skippedFuture.push(conversation);
			return false;
		});
	const skippedIds = new Set(skippedFuture.map(({ id }) => id));
	const maxEmit = Math.max(0, Math.floor(options.maxEmit ?? Number.POSITIVE_INFINITY));
	const cutShort = unreadableFresh.length + fresh.length > maxEmit;
	const unreadableEmitted = unreadableFresh.slice(0, maxEmit);
	const emitted = fresh.slice(0, maxEmit - unreadableEmitted.length);
	// Everything in the listing is now known, except new conversations left for the next poll.
	const known = cutShort
		? emitted
		: inWindow.filter(({ conversation }) => !skippedIds.has(conversation.id));

	let cursor = state.cursor;
	let cursorMs = cursor === null ? Number.NEGATIVE_INFINITY : parseTimestamp(cursor);
	for (const { conversation, ms } of known) {
		if (ms > cursorMs && ms <= limitMs) {
			cursorMs = ms;
			cursor = conversation.started_at;
		}
	}
	let newLower = lower;
	// Within a resumed listing the window holds still until its last part (see Scan).
	if (cursor !== null && (!segment || segment.last)) {
		const fromCursor = Math.floor((cursorMs - windowMs(windowMinutes)) / 1000);
		newLower = lower === null ? fromCursor : Math.max(lower, fromCursor);
	}

	// Every id known (emitted or not), inside the new window; future-dated ones stay while listed.
	const bySeconds = new Map<number, number>(state.seen);
	for (const { conversation, ms } of known) bySeconds.set(conversation.id, Math.floor(ms / 1000));
	const inRange: SeenEntry[] = [];
	const future: SeenEntry[] = [];
	for (const entry of bySeconds) {
		if (newLower !== null && entry[1] < newLower) continue;
		(isFuture(entry[1]) ? future : inRange).push(entry);
	}
	let seen = inRange;
	if (seen.length > maxSeen) {
		// Narrow the window to the newest `maxSeen` conversations (fewer when several share the
		// boundary second): everything older is then outside the window, never emitted again.
		seen.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
		const boundary = seen[maxSeen][1] + 1;
		newLower = newLower === null ? boundary : Math.max(newLower, boundary);
		const keepFrom = newLower;
		seen = seen.filter(([, seconds]) => seconds >= keepFrom);
	}
	seen.push(...future);
	seen.sort((a, b) => a[0] - b[0]);
	// Failing transcripts are remembered only for conversations still waiting to be emitted.
	const pending = new Set([
		...unreadableFresh.slice(unreadableEmitted.length).map(({ id }) => id),
		...fresh.slice(emitted.length).map(({ conversation }) => conversation.id),
	]);
	// Outside a resumed listing, the listing is whole: an unreadable id it no longer holds is out of
	// the window for good (the window never moves back).
	const stillListed = (id: number) => Boolean(segment) || listedIds.has(id);
	const unreadable = [
		...new Set([...state.unreadable.filter(stillListed), ...unreadableEmitted.map(({ id }) => id)]),
	]
		.sort((a, b) => a - b)
		.slice(-MAX_UNREADABLE_IDS);
	const failing = state.failing.filter(([id]) => pending.has(id));

	return {
		emit: [...unreadableEmitted, ...emitted.map(({ conversation }) => conversation)],
		next: {
			v: STATE_VERSION,
			filterKey: state.filterKey,
			owner: state.owner,
			cursor,
			windowStart: newLower === null ? null : formatSeconds(newLower),
			seen,
			failing,
			scan: state.scan,
			unreadable,
		},
		future: emitted.filter(({ ms }) => ms > limitMs).map(({ conversation }) => conversation),
		skippedFuture,
		thawed: thawed !== undefined,
		unreadable: unreadableEmitted,
	};
}

/** How many polls in a row the transcript of this conversation has failed (0 if it has not). */
export function transcriptFailures(state: TriggerState, id: number): number {
	return state.failing.find(([failingId]) => failingId === id)?.[1] ?? 0;
}

/**
 * Whether this poll emits the conversation without its transcript if fetching it fails again:
 * it has failed on the previous TRANSCRIPT_ATTEMPTS − 1 polls in a row.
 */
export function givesUpOnTranscript(state: TriggerState, id: number): boolean {
	return transcriptFailures(state, id) + 1 >= TRANSCRIPT_ATTEMPTS;
}

/**
 * The next state after a poll on which the transcripts of `failedIds` could not be fetched: one
 * more failed poll for each (conversations emitted or no longer pending were dropped by
 * {@link decide}). At most {@link MAX_FAILING_IDS} are kept, the ones closest to giving up first.
 */
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

/** Whether two states are the same (an idle poll changes nothing, so nothing needs saving). */
export function sameState(a: TriggerState, b: TriggerState): boolean {
	return JSON.stringify(toStored(a)) === JSON.stringify(toStored(b));
}

/** The JSON form kept in static data. */
export function toStored(state: TriggerState): Record<string, unknown> {
	return {
		v: state.v,
		filterKey: state.filterKey,
		account: state.owner?.account ?? null,
		keyId: state.owner?.keyId ?? null,
		cursor: state.cursor,
		windowStart: state.windowStart,
		seen: state.seen.map(([id, seconds]) => [id, seconds]),
		failing: state.failing.map(([id, count]) => [id, count]),
		...(state.scan ? { scan: { ...state.scan, stops: [...state.scan.stops] } } : {}),
		...(state.unreadable.length > 0 ? { unreadable: [...state.unreadable] } : {}),
	};
}

/** Replaces the contents of the node's static data object with the state (in place, as n8n needs). */
export function writeState(target: Record<string, unknown>, state: TriggerState): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, toStored(state));
}
