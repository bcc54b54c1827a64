/**
 * One poll at a time per trigger in an n8n process. n8n's in-memory scheduler starts a poll on
 * every tick whether or not the previous one has finished, and the durable scheduler abandons a
 * poll that runs past its timeout without stopping it. A poll that finds another one of the same
 * trigger still running does nothing.
 *
 * The register is module state (one per loaded package, that is per n8n process), keyed by workflow
 * and node id: n8n builds a new workflow object and poll context for each durable poll, so nothing
 * of theirs identifies the trigger across polls. A poll that never settles (it cannot release) holds
 * its lease only until its time is up plus a grace; a later poll then takes over, and the old one,
 * no longer the holder, writes and emits nothing.
 */

/** How long after its deadline a poll's lease still holds. */
const LEASE_GRACE_MS = 60_000;
/** The lease of a poll without a deadline (n8n before 2.38 gives polls no time budget). */
const LEASE_WITHOUT_DEADLINE_MS = 15 * 60_000;

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
