/** The trigger's state in n8n's static data, and the lease that lets one poll at a time write it. */
import type { IDataObject, IPollFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';

import { STATE_VERSION, parseTimestamp } from './cursor';
import type { Owner, TriggerState } from './cursor';
import type { PollFetch } from './fetch';

const isWhole = (value: unknown): value is number => Number.isSafeInteger(value);
const isIdList = (value: unknown): value is number[] =>
	Array.isArray(value) && value.every(isWhole);
const isTime = (value: unknown) => value === null || !Number.isNaN(parseTimestamp(value));
const isPairList = (value: unknown) =>
	Array.isArray(value) && value.every((pair) => isIdList(pair) && pair.length === 2);
const isText = (value: unknown) => typeof value === 'string' && value !== '';
const isScan = (scan: unknown) => {
	const { since, stops, floor, pages } = (scan ?? {}) as IDataObject;
	return (
		isTime(since) &&
		isIdList(stops) &&
		(floor === null || isWhole(floor)) &&
		isWhole(pages) &&
		pages >= 1
	);
};

/**
 * This version's state, or 0.1.0's (version 1: no owner and none of the later fields, migrated as
 * it is so an upgrade neither repeats nor skips). Undefined when there is none, or it is for other
 * filters, of another version or damaged: the trigger then starts over like a first activation.
 */
export function readState(raw: unknown, filterKey: string): TriggerState | undefined {
	const stored = (raw && typeof raw === 'object' ? raw : {}) as IDataObject;
	const { v, cursor, windowStart, seen, account, keyId } = stored;
	if ((v !== 1 && v !== STATE_VERSION) || stored.filterKey !== filterKey) return undefined;
	const { failing = [], unreadable = [], ceiling = null, scan = null } = v === 1 ? {} : stored;
	const valid =
		[cursor, windowStart].every(isTime) &&
		[seen, failing].every(isPairList) &&
		isIdList(unreadable) &&
		(ceiling === null || isWhole(ceiling)) &&
		(scan === null || isScan(scan)) &&
		(v === 1 || (isText(account) && isText(keyId)));
	if (!valid) return undefined;
	const owner = v === 1 ? null : { account, keyId };
	const copied = copyOf({ cursor, windowStart, seen, failing, unreadable, ceiling, scan });
	return { v: STATE_VERSION, filterKey, owner, ...copied } as TriggerState;
}

/** A copy that shares no array with the state or the static data. */
const copyOf = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function toStored({ owner, ...state }: TriggerState): IDataObject {
	return copyOf({ ...state, account: owner?.account ?? null, keyId: owner?.keyId ?? null });
}

export const sameState = (a: TriggerState, b: TriggerState) =>
	JSON.stringify(toStored(a)) === JSON.stringify(toStored(b));

/** In place: n8n keeps the static data object. */
export function writeState(target: Record<string, unknown>, state: TriggerState): void {
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, toStored(state));
}

export type StatePick = { state: TriggerState; changed: boolean };

/**
 * The node's own state (`saved[0]`), else the activation record's, for these filters: saved with
 * the credential's key, or the key's `account`'s or 0.1.0's (which adopts it); 'ask': saved with
 * another key, look the account up (GET /whoami) and pick again. `changed`: to be saved even if
 * the poll changes nothing (another key or format, or from the record: the scheduler may still hold
 * an older activation's state, which a later change back would continue from).
 */
export function pickState(
	saved: [node: unknown, activation: unknown],
	filterKey: string,
	keyId: string,
	account?: string,
): StatePick | 'ask' | undefined {
	for (const [index, raw] of saved.entries()) {
		const state = readState(raw, filterKey);
		if (!state) continue;
		const sameKey = state.owner?.keyId === keyId;
		if (!sameKey && account === undefined) return 'ask';
		if (!sameKey && state.owner && state.owner.account !== account) continue;
		const changed = index === 1 || !sameKey || (raw as IDataObject).v !== STATE_VERSION;
		const owner = sameKey ? state.owner! : { account: account!, keyId };
		return { state: { ...state, owner }, changed };
	}
	return undefined;
}

/** The state this poll continues from, or (a first activation) whose it is to be. */
export async function findState(
	context: IPollFunctions,
	filterKey: string,
	requests: Pick<PollFetch, 'credential' | 'userId'>,
): Promise<StatePick | Owner> {
	const { origin, apiKey } = await requests.credential();
	const keyId = createHash('sha256').update(`${origin}\n${apiKey}`).digest('hex').slice(0, 24);
	const record = context.getWorkflowStaticData('global')[activationKey(context)];
	const saved: [unknown, unknown] = [context.getWorkflowStaticData('node'), record];
	let pick = pickState(saved, filterKey, keyId);
	if (typeof pick === 'object') return pick;
	const account = `${origin} user ${String(await requests.userId())}`;
	if (pick === 'ask') pick = pickState(saved, filterKey, keyId, account);
	return typeof pick === 'object' ? pick : { account, keyId };
}

/**
 * n8n's durable scheduler (2.36+) keeps a poll node's state in its own table and drops what the
 * activation poll writes there, so the activation's state is also kept in the workflow's global
 * static data, which n8n saves after activating, until a later poll (`state` none) forgets it.
 */
export function setActivationRecord(context: IPollFunctions, state?: TriggerState): void {
	const records = context.getWorkflowStaticData('global');
	const key = activationKey(context);
	if (state) records[key] = toStored(state);
	// Deleting marks n8n's static data as changed, even a key it does not hold.
	else if (key in records) delete records[key];
}

const nodeKey = ({ id, name }: { id?: string; name: string }) => id ?? name;
const activationKey = (context: IPollFunctions) =>
	`ringReadyTriggerActivation:${nodeKey(context.getNode())}`;
export const triggerKey = (context: IPollFunctions) =>
	`${String(context.getWorkflow().id ?? '')}\n${nodeKey(context.getNode())}`;

/** How long after its deadline a poll's lease still holds, and without a deadline (n8n < 2.38). */
const LEASE_GRACE_MS = 60_000;
const LEASE_WITHOUT_DEADLINE_MS = 15 * 60_000;

/**
 * One poll at a time per trigger, in this n8n process (module state: the only place both schedulers
 * share between polls). A poll is known by the static data object it writes to: the in-memory
 * scheduler gives all polls of one activation the same one, and ticks while one runs do nothing.
 * Another object is a newer activation's (a re-publish) or follows a poll the durable scheduler
 * abandoned: it takes over, and the older poll stops (`onLost`) and emits and writes nothing.
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
	return { holds, release: () => holds() && running.delete(key) };
}
