import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { REQUEST_TIMEOUT_MS } from '../../../credentials/RingReadyApi.credentials';

export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

/** Conversations fetched in full at once; the node's Max Concurrency description repeats the default for n8n's linter. */
export const TRANSCRIPT_CONCURRENCY = { default: 10, max: 50 } as const;

/**
 * How long and how often a request is tried (tests give their session a short one): `maxAttempts`
 * for 5xx answers and dropped connections (a 429 is retried while its waits fit in `maxRetryMs`,
 * after which no retry starts); `maxRetryAfterMs` caps the growing wait between 429s (a longer
 * Retry-After is waited in full when it fits); `requestTimeoutMs` is each attempt's own limit
 * (n8n's default would be 300 s); none starts with less than `minRequestMs` before a deadline.
 */
export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxBackoffMs: number;
	maxRetryAfterMs: number;
	maxRetryMs: number;
	requestTimeoutMs: number;
	minRequestMs: number;
}

export const RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	maxAttempts: 6,
	baseDelayMs: 500,
	maxBackoffMs: 8_000,
	maxRetryAfterMs: 60_000,
	maxRetryMs: 120_000,
	requestTimeoutMs: REQUEST_TIMEOUT_MS,
	minRequestMs: 500,
});

/** Answers a read is tried again after: RingReady may get over them. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];

/** Connection failures after the request may have left; refused or unresolvable hosts are not retried. */
export const RETRYABLE_NETWORK_CODES: readonly string[] = [
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ECONNABORTED',
	'UND_ERR_SOCKET',
	'EAI_AGAIN',
];

/**
 * Bounds the requests in flight for one batch of calls and backs off together when RingReady
 * answers 429. On the first 429 of a burst the ceiling halves and every caller waits out
 * Retry-After; 429s that arrive during that pause belong to the same burst and change nothing more
 * (halving once per refused request would collapse the ceiling to 1 for no reason). The ceiling
 * climbs back one step after many successes, so a lifted limit is found again without probing so
 * often that each probe costs another Retry-After.
 * This is what keeps a burst of transcript fetches from collapsing under a per-key rate limit.
 */
const SUCCESSES_PER_STEP_UP = 8;
/** A ceiling that drew a 429 is not tried again until this long has passed without any 429. */
const REFUSED_MEMORY_MS = 30_000;

export class RequestThrottle {
	private ceiling: number;
	private inFlight = 0;
	private resumeAt = 0;
	private successesAtCeiling = 0;
	/** The lowest ceiling RingReady refused (429) and when the last 429 came. */
	private refusedCeiling = Number.POSITIVE_INFINITY;
	private lastRefusalAt = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly maxConcurrency: number) {
		this.ceiling = maxConcurrency;
	}

	get currentCeiling(): number {
		return this.ceiling;
	}

	/** `first`: wait at the head of the queue (list pages, which the queued detail calls depend on). */
	async acquire(first = false): Promise<void> {
		for (;;) {
			const pause = this.resumeAt - Date.now();
			if (pause > 0) {
				await sleep(pause);
				continue;
			}
			if (this.inFlight < this.ceiling) {
				this.inFlight++;
				return;
			}
			await new Promise<void>((resolve) =>
				first ? this.waiting.unshift(resolve) : this.waiting.push(resolve),
			);
		}
	}

	release(): void {
		this.inFlight--;
		this.waiting.shift()?.();
	}

	succeeded(): void {
		if (this.ceiling >= this.maxConcurrency) return;
		if (
			this.refusedCeiling !== Number.POSITIVE_INFINITY &&
			Date.now() - this.lastRefusalAt > REFUSED_MEMORY_MS
		) {
			this.refusedCeiling = Number.POSITIVE_INFINITY;
		}
		// Below a ceiling that was refused: one step up per round of successes, up to just below it.
		// Never back to the refused ceiling while the refusal is recent: each probe there costs every
		// caller another Retry-After.
		if (this.ceiling + 1 >= this.refusedCeiling) return;
		const needed =
			this.refusedCeiling === Number.POSITIVE_INFINITY
				? this.ceiling * SUCCESSES_PER_STEP_UP
				: this.ceiling;
		if (++this.successesAtCeiling >= needed) {
			this.ceiling++;
			this.successesAtCeiling = 0;
			this.waiting.shift()?.();
		}
	}

	/** Every caller waits this long before its next request (RingReady is failing), the ceiling unchanged. */
	pause(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	throttled(retryAfterMs: number): void {
		const now = Date.now();
		this.lastRefusalAt = now;
		if (now >= this.resumeAt) {
			this.refusedCeiling = Math.min(this.refusedCeiling, this.ceiling);
			this.ceiling = Math.max(1, Math.floor(this.ceiling / 2));
			this.successesAtCeiling = 0;
		}
		this.resumeAt = Math.max(this.resumeAt, now + retryAfterMs);
	}
}

/** Thrown by a request that was not sent: its run was cancelled (another item failed) or its caller said no. */
export class RunCancelledError extends Error {
	constructor() {
		super('Not sent: the run stopped before this request started');
	}
}

/** One account as the run sees it: the credential data an item resolved to, shared by every item that resolved to the same. */
export interface ResolvedCredential {
	/** Identifies the data (Base URL, key, ...) within this run; never shown, logged or output. */
	key: string;
	decrypted: ICredentialsDecrypted;
	/** The Base URL's origin, once resolved (baseUrlOf). */
	baseUrl?: string;
}

export interface SessionOptions {
	/** Requests in flight at once, for the whole run (default TRANSCRIPT_CONCURRENCY.default). */
	maxConcurrency?: number;
	/** Epoch ms by which every request must be over; none: no limit but each request's own. */
	deadline?: number;
	/** Default: RETRY_POLICY. */
	policy?: RetryPolicy;
}

/**
 * What the requests of one node run, one poll or one list search share, for as long as it lasts:
 * one throttle (Max Concurrency bounds the whole run; a 429 slows every caller together); each
 * item's credential, resolved once per item as n8n resolves expressions in it, items with the same
 * data sharing one decrypted copy that is handed to httpRequestWithAuthentication (in real n8n each
 * read is a database query plus decryption; the key still goes through `authenticate`); what stops
 * the run (cancel, and failures no request of the same account can get past); the retry policy and
 * the deadline (a poll's time budget), so that every loop in the package backs off alike.
 */
export class RequestSession {
	readonly throttle: RequestThrottle;
	/** The node, for errors: n8n's getNode() deep-copies it on every call. */
	readonly node: INode;
	readonly policy: Readonly<RetryPolicy>;
	/** Epoch ms by which every request, its retries and their waits must be over. */
	readonly deadline: number | undefined;
	private readonly reads = new Map<number, Promise<ResolvedCredential>>();
	private readonly byData = new Map<string, ResolvedCredential>();
	private readonly stops = new Map<string, Error>();
	private cancelled = false;
	private outageRounds = 0;
	private roundStartedAt = 0;

	constructor(
		/** The n8n context whose helpers send the requests (node run, poll or list search). */
		readonly context: RingReadyFunctions,
		options: SessionOptions = {},
	) {
		this.throttle = new RequestThrottle(options.maxConcurrency ?? TRANSCRIPT_CONCURRENCY.default);
		this.node = context.getNode();
		this.policy = options.policy ?? RETRY_POLICY;
		this.deadline = options.deadline;
	}

	/** Until the deadline; Infinity without one. */
	timeLeftMs(): number {
		return this.deadline === undefined ? Number.POSITIVE_INFINITY : this.deadline - Date.now();
	}

	/** Whether a request may still start: none starts with less than minRequestMs before the deadline. */
	hasTimeForRequest(): boolean {
		return this.timeLeftMs() >= this.policy.minRequestMs;
	}

	/** The last moment a request may start (epoch ms); undefined without a deadline. */
	lastStartAt(): number | undefined {
		return this.deadline === undefined ? undefined : this.deadline - this.policy.minRequestMs;
	}

	/** When tries that begin now must be over (epoch ms): the retry time, or the deadline if sooner. */
	retryEndFromNow(): number {
		return Math.min(this.deadline ?? Number.POSITIVE_INFINITY, Date.now() + this.policy.maxRetryMs);
	}

	/** The growing wait before try number `attempt + 1`, up to a quarter shorter or longer at random. */
	backoffMs(attempt: number): number {
		const { maxBackoffMs, baseDelayMs } = this.policy;
		const exponential = Math.min(maxBackoffMs, baseDelayMs * 2 ** (attempt - 1));
		return Math.round(exponential * (0.75 + Math.random() * 0.5));
	}

	/**
	 * The wait before trying again after a refusal (a 429, a write refused, an FAQ that changed):
	 * never shorter than RingReady asked, growing with each refusal like the backoff, and up to a
	 * quarter longer at random, so that callers refused together (other executions on the same key)
	 * do not all come back at the same moment.
	 */
	waitBeforeRetryMs(askedMs: number | undefined, attempt: number): number {
		const base = Math.max(askedMs ?? 0, this.backoffMs(attempt));
		const jittered = Math.min(
			this.policy.maxRetryAfterMs,
			Math.round(base * (1 + Math.random() * 0.25)),
		);
		return Math.max(askedMs ?? 0, jittered);
	}

	get isCancelled(): boolean {
		return this.cancelled;
	}

	/** Requests not yet started fail with RunCancelledError; those under way finish. */
	cancel(): void {
		this.cancelled = true;
	}

	/** From now on, requests of this account fail with `error` before they are sent. */
	stopAccount(key: string, error: Error): void {
		if (!this.stops.has(key)) this.stops.set(key, error);
	}

	/** The error that stopped this account's requests, if one did. */
	stoppedBy(key: string): Error | undefined {
		return this.stops.get(key);
	}

	succeeded(): void {
		this.outageRounds = 0;
	}

	/**
	 * An attempt that started at `startedAt` failed in a way RingReady may get over (5xx, no
	 * connection). Failures of attempts that started before the last such failure belong to the same
	 * round; each new round holds every request of the run back for a growing backoff, so that an
	 * outage is probed by a few requests, not retried by each. 'down' once RingReady failed
	 * maxAttempts rounds in a row with no success in between: the requests not yet sent fail at once.
	 */
	failedAttempt(startedAt: number): 'retry' | 'down' {
		if (startedAt >= this.roundStartedAt) {
			this.outageRounds++;
			this.roundStartedAt = Date.now();
			const { maxAttempts, maxBackoffMs, baseDelayMs } = this.policy;
			if (this.outageRounds < maxAttempts)
				this.throttle.pause(Math.min(maxBackoffMs, baseDelayMs * 2 ** (this.outageRounds - 1)));
		}
		return this.outageRounds >= this.policy.maxAttempts ? 'down' : 'retry';
	}

	/** The item's own credential, resolved once per item (no item: the node's credential as such). */
	async resolve(itemIndex = 0): Promise<ResolvedCredential> {
		let read = this.reads.get(itemIndex);
		if (!read) {
			read = this.context
				.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE, itemIndex)
				.then((data) => this.shared(data));
			this.reads.set(itemIndex, read);
			// A failed read is not kept: the item that needs it next reads again and reports its own error.
			read.catch(() => this.reads.delete(itemIndex));
		}
		return await read;
	}

	async credentials(itemIndex = 0): Promise<ICredentialsDecrypted> {
		return (await this.resolve(itemIndex)).decrypted;
	}

	private shared(data: ICredentialDataDecryptedObject): ResolvedCredential {
		const key = dataKey(data);
		let resolved = this.byData.get(key);
		if (!resolved) {
			const reference = this.node.credentials?.[CREDENTIAL_TYPE];
			resolved = {
				key,
				decrypted: {
					id: reference?.id ?? '',
					name: reference?.name ?? '',
					type: CREDENTIAL_TYPE,
					data,
				},
			};
			this.byData.set(key, resolved);
		}
		return resolved;
	}
}

function dataKey(data: ICredentialDataDecryptedObject): string {
	return JSON.stringify(
		Object.keys(data)
			.sort()
			.map((key) => [key, data[key]]),
	);
}
