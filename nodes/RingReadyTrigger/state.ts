/**
 * Where the trigger keeps its state: reading it back from static data (this version's or 0.1.0's),
 * whose it is, writing it, and the one-poll-at-a-time lease that guards the writing.
 */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';

import { STATE_VERSION, parseTimestamp } from './cursor';
import type { FailingEntry, Owner, Scan, TriggerState } from './cursor';

const isWhole = (value: unknown): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value);
const isIdList = (value: unknown): value is number[] =>
	Array.isArray(value) && value.every(isWhole);
const isTimestampOrNull = (value: unknown) =>
	value === null || !Number.isNaN(parseTimestamp(value));

function readPairs(value: unknown): Array<[number, number]> | undefined {
	if (!Array.isArray(value)) return undefined;
	const valid = value.every(
		(entry) => Array.isArray(entry) && entry.length === 2 && entry.every(isWhole),
	);
	return valid ? (value as unknown[][]).map(([a, b]) => [a as number, b as number]) : undefined;
}

function readScan(raw: unknown): Scan | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const { since, stops, floor, pages } = raw as Record<string, unknown>;
	if (!isTimestampOrNull(since) || !isIdList(stops) || (floor !== null && !isWhole(floor)))
		return undefined;
	if (!isWhole(pages) || pages < 1) return undefined;
	return { since: since as string | null, stops, floor: floor as number | null, pages };
}

/**
 * This version's state, or 0.1.0's (version 1, migrated as it is so an upgrade neither repeats nor
 * skips). Undefined when there is none, or it is for other filters, of an unknown version, or
 * damaged: the trigger then starts over like a first activation.
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const stored = raw as Record<string, unknown>;
	if ((stored.v !== 1 && stored.v !== STATE_VERSION) || stored.filterKey !== filterKey)
		return undefined;
	const { cursor, windowStart, account, keyId } = stored;
	const seen = readPairs(stored.seen);
	if (!isTimestampOrNull(cursor) || !isTimestampOrNull(windowStart) || !seen) return undefined;
	const state: TriggerState = {
		v: STATE_VERSION,
		filterKey,
		owner: null,
		cursor: cursor as string | null,
		windowStart: windowStart as string | null,
		seen,
		failing: [],
		scan: null,
		unreadable: [],
	};
	if (stored.v === 1) return state;
	const failing: FailingEntry[] | undefined = readPairs(stored.failing);
	if (typeof account !== 'string' || account === '' || typeof keyId !== 'string' || keyId === '')
		return undefined;
	const scan = stored.scan === undefined || stored.scan === null ? null : readScan(stored.scan);
	const unreadable = stored.unreadable === undefined ? [] : stored.unreadable;
	if (!failing || scan === undefined || !isIdList(unreadable)) return undefined;
	return { ...state, owner: { account, keyId }, failing, scan, unreadable };
}

export type StatePick =
	/** `changed`: save it even if the poll changes nothing (new key, format, or from the activation record). */
	| { found: TriggerState; fromActivation: boolean; changed: boolean }
	/** Saved with another key: look the account up (GET /whoami) and pick again. */
	| { found: undefined; needsAccount: true }
	/** A first activation. */
	| { found: undefined; needsAccount: false };

/**
 * The state a poll continues from: the node's own, else the activation record (see
 * keepActivation), each only for these filters and the credential's account: saved with the same
 * key, or, once `account` is known, that account's or 0.1.0's (no owner).
 */
export function pickState(
	saved: { node: unknown; activation: unknown },
	filterKey: string,
	keyId: string,
	account?: string,
): StatePick {
	for (const [raw, fromActivation] of [
		[saved.node, false],
		[saved.activation, true],
	] as const) {
		const state = readState(raw, filterKey);
		if (!state) continue;
		const sameKey = state.owner?.keyId === keyId;
		if (!sameKey && account === undefined) return { found: undefined, needsAccount: true };
		if (!sameKey && state.owner !== null && state.owner.account !== account) continue;
		const found = sameKey ? state : { ...state, owner: { account: account!, keyId } };
		// From the activation record, the node's own state must be replaced: the scheduler may still
		// hold an older activation's there, which a later change back would continue from.
		const changed = fromActivation || !sameKey || (raw as { v?: unknown }).v !== STATE_VERSION;
		return { found, fromActivation, changed };
	}
	return { found: undefined, needsAccount: false };
}

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

/** Whether an idle poll changed nothing (so nothing needs saving). */
export function sameState(a: TriggerState, b: TriggerState): boolean {
	return JSON.stringify(toStored(a)) === JSON.stringify(toStored(b));
}

/** Replaces the static data object's contents in place, as n8n needs. */
export function writeState(target: Record<string, unknown>, state: TriggerState): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, toStored(state));
}

export interface FoundState {
	state?: TriggerState;
	/** Whose credential this poll uses. */
	owner: Owner;
	fromActivation: boolean;
	changed: boolean;
}

/** The state this poll continues from (none: a first activation), and whose it is. */
export async function findState(
	context: IPollFunctions,
	staticData: IDataObject,
	filterKey: string,
	credential: { origin: string; apiKey: string },
	lookUpUserId: () => Promise<unknown>,
): Promise<FoundState> {
	const keyId = createHash('sha256')
		.update(`${credential.origin}\n${credential.apiKey}`)
		.digest('hex')
		.slice(0, 24);
	const saved = {
		node: staticData,
		activation: activationRecords(context)[activationKey(context)],
	};
	let account: string | undefined;
	let pick = pickState(saved, filterKey, keyId);
	if (pick.found === undefined) {
		account = `${credential.origin} user ${String(await lookUpUserId())}`;
		if (pick.needsAccount) pick = pickState(saved, filterKey, keyId, account);
	}
	if (pick.found === undefined)
		return { owner: { account: account!, keyId }, fromActivation: false, changed: false };
	const { found, fromActivation, changed } = pick;
	return { state: found, owner: found.owner!, fromActivation, changed };
}

/**
 * n8n's durable scheduler (2.36+) keeps a poll node's state in its own table and drops what the
 * activation poll writes there, so the first scheduled poll would start over and miss what arrived
 * in between. The activation state is therefore also kept in the workflow's global static data,
 * which n8n saves after activating, until the node's own state is back.
 */
export function keepActivation(context: IPollFunctions, state: TriggerState): void {
	activationRecords(context)[activationKey(context)] = toStored(state);
}

export function forgetActivation(context: IPollFunctions): void {
	const records = activationRecords(context);
	const key = activationKey(context);
	// Deleting marks n8n's static data as changed, even a key it does not hold.
	if (key in records) delete records[key];
}

const activationRecords = (context: IPollFunctions) => context.getWorkflowStaticData('global');

function activationKey(context: IPollFunctions): string {
	const node = context.getNode();
	return `ringReadyTriggerActivation:${node.id ?? node.name}`;
}

/** How long after its deadline a poll's lease still holds. */
const LEASE_GRACE_MS = 60_000;
/** n8n before 2.38 gives polls no time budget. */
const LEASE_WITHOUT_DEADLINE_MS = 15 * 60_000;

/**
 * n8n's in-memory scheduler starts a poll on every tick whether or not the previous one has
 * finished, and the durable one abandons a poll past its timeout without stopping it. Module
 * state (one per n8n process), keyed by workflow and node: n8n builds new workflow objects and
 * contexts for durable polls, so nothing of theirs identifies the trigger across polls.
 */
const running = new Map<string, { token: number; until: number }>();
let lastToken = 0;

export interface PollLease {
	/** Whether this poll is still the trigger's running poll (checked before writing or emitting). */
	holds(): boolean;
	release(): void;
}

/** The lease for this poll, or undefined when another poll of the trigger holds one. */
export function acquirePollLease(key: string, deadline: number | undefined): PollLease | undefined {
	const now = Date.now();
	const current = running.get(key);
	if (current && current.until > now) return undefined;
	const token = ++lastToken;
	const until =
		deadline === undefined ? now + LEASE_WITHOUT_DEADLINE_MS : deadline + LEASE_GRACE_MS;
	running.set(key, { token, until });
	const holds = () => running.get(key)?.token === token;
	return {
		holds,
		release: () => {
			if (holds()) running.delete(key);
		},
	};
}

export function triggerKey(context: IPollFunctions): string {
	const node = context.getNode();
	return `${String(context.getWorkflow().id ?? '')}\n${node.id ?? node.name}`;
}
