/** The trigger's state in n8n's static data, and the lease that lets one poll at a time write it. */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';

import { STATE_VERSION, parseTimestamp } from './cursor';
import type { Owner, TriggerState } from './cursor';
import type { PollFetch } from './fetch';

const isWhole = (value: unknown): value is number =>
	typeof value === 'number' && Number.isSafeInteger(value);
const isIdList = (value: unknown): value is number[] =>
	Array.isArray(value) && value.every(isWhole);
const isTimestampOrNull = (value: unknown) =>
	value === null || !Number.isNaN(parseTimestamp(value));
const isPairList = (value: unknown): value is Array<[number, number]> =>
	Array.isArray(value) && value.every((pair) => isIdList(pair) && pair.length === 2);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isScanOrNull = (scan: unknown) => {
	if (scan === null) return true;
	const { since, stops, floor, pages } = scan as IDataObject;
	return (
		isTimestampOrNull(since) &&
		isIdList(stops) &&
		(floor === null || isWhole(floor)) &&
		isWhole(pages) &&
		pages >= 1
	);
};

/**
 * This version's state, or 0.1.0's (version 1, migrated as it is so an upgrade neither repeats nor
 * skips). Undefined when there is none, or it is for other filters, of another version or damaged:
 * the trigger then starts over like a first activation.
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	const stored = (raw && typeof raw === 'object' ? raw : {}) as IDataObject;
	const { v, cursor, windowStart, seen, account, keyId } = stored;
	if ((v !== 1 && v !== STATE_VERSION) || stored.filterKey !== filterKey) return undefined;
	// Version 1 had no owner and none of these.
	const added = (v === 1 ? {} : stored) as IDataObject;
	const { failing = [], unreadable = [], ceiling = null, scan = null } = added;
	if (![cursor, windowStart].every(isTimestampOrNull) || !isPairList(seen) || !isPairList(failing))
		return undefined;
	if (!isIdList(unreadable) || !(ceiling === null || isWhole(ceiling)) || !isScanOrNull(scan))
		return undefined;
	if (v !== 1 && !(isText(account) && isText(keyId))) return undefined;
	const owner = v === 1 ? null : { account, keyId };
	const copied = copyOf({ cursor, windowStart, seen, failing, unreadable, ceiling, scan });
	return { v: STATE_VERSION, filterKey, owner, ...copied } as TriggerState;
}

export type StatePick =
	/** `changed`: to be saved even if the poll changes nothing (new key or format, or from the record). */
	| { found: TriggerState; fromActivation: boolean; changed: boolean }
	/** `needsAccount`: saved with another key; look the account up (GET /whoami) and pick again. */
	| { found: undefined; needsAccount: boolean };

/**
 * The node's own state, else the activation record's, for these filters and the credential's
 * account: saved with the same key, or, once `account` is known, that account's or 0.1.0's.
 */
export function pickState(
	saved: { node: unknown; activation: unknown },
	filterKey: string,
	keyId: string,
	account?: string,
): StatePick {
	for (const fromActivation of [false, true]) {
		const raw = fromActivation ? saved.activation : saved.node;
		const state = readState(raw, filterKey);
		if (!state) continue;
		const sameKey = state.owner?.keyId === keyId;
		if (!sameKey && account === undefined) return { found: undefined, needsAccount: true };
		if (!sameKey && state.owner && state.owner.account !== account) continue;
		const found = sameKey ? state : { ...state, owner: { account: account!, keyId } };
		// From the record, the node's own state must be replaced: the scheduler may still hold an
		// older activation's there, which a later change back would continue from.
		const changed = fromActivation || !sameKey || (raw as IDataObject).v !== STATE_VERSION;
		return { found, fromActivation, changed };
	}
	return { found: undefined, needsAccount: false };
}

/** A copy that shares no array with the state or the static data. */
const copyOf = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function toStored(state: TriggerState): IDataObject {
	const { owner, scan, unreadable, ceiling } = state;
	const { v, filterKey, cursor, windowStart, seen, failing } = state;
	const [account, keyId] = [owner?.account ?? null, owner?.keyId ?? null];
	return copyOf({
		...{ v, filterKey, account, keyId, cursor, windowStart, seen, failing },
		...(scan ? { scan } : {}),
		...(unreadable.length > 0 ? { unreadable } : {}),
		...(ceiling === null ? {} : { ceiling }),
	});
}

export const sameState = (a: TriggerState, b: TriggerState) =>
	JSON.stringify(toStored(a)) === JSON.stringify(toStored(b));

/** In place: n8n keeps the static data object. */
export function writeState(target: Record<string, unknown>, state: TriggerState): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, toStored(state));
}

/** The state this poll continues from (none: a first activation), and whose it is. */
export async function findState(
	context: IPollFunctions,
	filterKey: string,
	requests: Pick<PollFetch, 'credential' | 'userId'>,
): Promise<{ state?: TriggerState; owner: Owner; fromActivation?: boolean; changed?: boolean }> {
	const { origin, apiKey } = await requests.credential();
	const keyId = createHash('sha256').update(`${origin}\n${apiKey}`).digest('hex').slice(0, 24);
	const activation = context.getWorkflowStaticData('global')[activationKey(context)];
	const saved = { node: context.getWorkflowStaticData('node'), activation };
	let account: string | undefined;
	let pick = pickState(saved, filterKey, keyId);
	if (pick.found === undefined) {
		account = `${origin} user ${String(await requests.userId())}`;
		if (pick.needsAccount) pick = pickState(saved, filterKey, keyId, account);
	}
	if (pick.found === undefined) return { owner: { account: account!, keyId } };
	return { ...pick, state: pick.found, owner: pick.found.owner! };
}

/**
 * n8n's durable scheduler (2.36+) keeps a poll node's state in its own table and drops what the
 * activation poll writes there, so the first scheduled poll would miss what arrived in between.
 * The activation state is therefore also kept in the workflow's global static data, which n8n
 * saves after activating, until the node's own state is back (then `state` is none: forgotten).
 */
export function setActivationRecord(context: IPollFunctions, state?: TriggerState): void {
	const records = context.getWorkflowStaticData('global');
	const key = activationKey(context);
	if (state) records[key] = toStored(state);
	// Deleting marks n8n's static data as changed, even a key it does not hold.
	else if (key in records) delete records[key];
}

function nodeKey(context: IPollFunctions): string {
	const node = context.getNode();
	return node.id ?? node.name;
}

const activationKey = (context: IPollFunctions) => `ringReadyTriggerActivation:${nodeKey(context)}`;

/** How long after its deadline a poll's lease still holds, and without a deadline (n8n < 2.38). */
const LEASE_GRACE_MS = 60_000;
const LEASE_WITHOUT_DEADLINE_MS = 15 * 60_000;

/**
 * One poll at a time per trigger, in this n8n process (module state: the only place both schedulers
 * share between polls). A poll is known by the static data object it writes to: the in-memory
 * scheduler gives all polls of one activation the same one, and starts them on every tick even while
 * the previous one runs; those wait their turn (the poll does nothing). A poll with another object
 * belongs to a newer activation (a re-publish) or follows one the durable scheduler abandoned past
 * its timeout: it takes over at once, and the older poll stops (`onLost`) and emits and writes nothing
 * (`holds()` is checked before either).
 */
const running = new Map<string, { owner: object; until: number; onLost: () => void }>();

export function acquirePollLease(
	key: string,
	owner: object,
	deadline: number | undefined,
	onLost: () => void = () => {},
): { holds(): boolean; release(): void } | undefined {
	const now = Date.now();
	const previous = running.get(key);
	if (previous?.owner === owner && previous.until > now) return undefined;
	const until =
		deadline === undefined ? now + LEASE_WITHOUT_DEADLINE_MS : deadline + LEASE_GRACE_MS;
	const lease = { owner, until, onLost };
	running.set(key, lease);
	previous?.onLost();
	const holds = () => running.get(key) === lease;
	return {
		holds,
		release: () => {
			if (holds()) running.delete(key);
		},
	};
}

export const triggerKey = (context: IPollFunctions) =>
	`${String(context.getWorkflow().id ?? '')}\n${nodeKey(context)}`;
