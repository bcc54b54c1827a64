import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { REQUEST_TIMEOUT_MS, resolveBaseUrl } from '../../../credentials/RingReadyApi.credentials';
import {
	connectionError,
	isTimeout,
	networkErrorCode,
	notSentBecause,
	outOfTimeError,
	redirectError,
	responseError,
	RETRYABLE_NETWORK_CODES,
	RETRYABLE_STATUSES,
	stoppedError,
	unexpectedResponseError,
	waitTooLongError,
	withoutKey,
	type RingReadyError,
} from './errors';

/**
 * A run's requests: what they share (the session: throttle, credentials, retry policy, deadline),
 * the one way each leaves this package (`send`), and one API call with its retries (`apiRequest`).
 */

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

/** A server's answer as n8n's request helper returns it (returnFullResponse). */
export interface Answer {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** One request as `send` takes it. */
export interface Exchange {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	/** Already serialised (JSON). */
	body?: string;
	headers?: Record<string, string>;
	/** The item's credential: the request goes through its `authenticate` (the key; only to the Base URL's origin). None: no key. */
	credential?: ICredentialsDecrypted;
	/** The whole exchange's limit, body included. */
	timeoutMs: number;
	/** The body as a stream (recordings), read by `read` within the limit. */
	stream?: boolean;
}

/**
 * What `send` returns when no answer came: its time limit ran out, the user stopped the execution,
 * or the request failed on the way (n8n's error carries the request, key included: only its code is kept).
 */
export class ExchangeFailed extends Error {
	constructor(
		readonly reason: 'timeout' | 'stopped' | 'network',
		readonly code: string | undefined,
	) {
		super(`no answer: ${reason}${code ? ` (${code})` : ''}`);
	}
}

/**
 * The one way a request leaves this package, for API calls and recording downloads alike. It takes
 * a slot of the session's throttle (Max Concurrency; `first`: ahead of the queued requests), then
 * asks `prepare` for the request (the checks that must happen once a slot is free go there), and
 * holds the slot until `read` is done with the answer; one time limit, combined with the execution's Stop, aborts the request, which closes its
 * connection, before the slot is freed. So no request outlives its limit and the requests open at
 * once never exceed the throttle. Redirects are never followed here (callers decide), and every
 * request goes through n8n's own request helper, so n8n's SSRF protection, where an instance turns
 * it on, sees each one.
 */
export async function send<T>(
	session: RequestSession,
	prepare: () => Promise<Exchange> | Exchange,
	read: (answer: Answer, signal: AbortSignal) => Promise<T> | T,
	first?: boolean,
): Promise<T | ExchangeFailed> {
	const { context, throttle } = session;
	await throttle.acquire(first);
	let exchange: Exchange | undefined;
	try {
		exchange = await prepare();
	} finally {
		if (!exchange) throttle.release();
	}
	const cancel = executionCancelSignal(context);
	const timer = AbortSignal.timeout(Math.max(1, exchange.timeoutMs));
	const signal = cancel ? AbortSignal.any([cancel, timer]) : timer;
	const aborted = () =>
		cancel?.aborted
			? new ExchangeFailed('stopped', undefined)
			: new ExchangeFailed('timeout', 'ECONNABORTED');
	let answer: Answer | undefined;
	try {
		const request: IHttpRequestOptions = {
			method: exchange.method,
			url: exchange.url,
			qs: exchange.qs,
			body: exchange.body,
			headers: exchange.headers,
			json: !exchange.stream,
			encoding: exchange.stream ? 'stream' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: Math.max(1, exchange.timeoutMs),
			abortSignal: signal,
		};
		try {
			answer = (await (exchange.credential
				? context.helpers.httpRequestWithAuthentication.call(
						withCancelSignal(context, signal),
						CREDENTIAL_TYPE,
						request,
						{ credentialsDecrypted: exchange.credential },
					)
				: context.helpers.httpRequest(request))) as Answer;
		} catch (error) {
			return signal.aborted ? aborted() : new ExchangeFailed('network', networkErrorCode(error));
		}
		if (signal.aborted) return aborted();
		return await read(answer, signal);
	} finally {
		// A body that was not read to its end would keep its connection open.
		if (answer && isStream(answer.body) && !answer.body.readableEnded) answer.body.destroy();
		throttle.release();
	}
}

/** The part of a Node.js readable stream this package reads (n8n hands a streamed body back as one). */
export interface BodyStream {
	readableEnded?: boolean;
	on(event: 'data', listener: (chunk: Buffer) => void): unknown;
	on(event: 'end' | 'close', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	removeAllListeners(): unknown;
	destroy(): unknown;
}

export function isStream(body: unknown): body is BodyStream {
	return (
		typeof body === 'object' &&
		body !== null &&
		typeof (body as BodyStream).on === 'function' &&
		typeof (body as BodyStream).destroy === 'function'
	);
}

export function header(headers: Answer['headers'], name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** The execution's own cancel signal (the user pressed Stop), where the context has one. */
export function executionCancelSignal(context: RingReadyFunctions): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * n8n's httpRequestWithAuthentication replaces a request's abortSignal with its context's execution
 * cancel signal; this context hands it the exchange's signal (which includes that one) instead.
 */
function withCancelSignal(context: RingReadyFunctions, signal: AbortSignal): RingReadyFunctions {
	return Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as RingReadyFunctions;
}

/** The API's path on the Base URL (docs/ringready-api.md). */
export const API_PREFIX = '/api/v1';

/**
 * A check of a 2xx body: returns what is wrong ("Expected …; got …") or undefined (shared/api.ts
 * has one per endpoint).
 */
export type ShapeCheck = (body: unknown) => string | undefined;

/** What an endpoint helper passes for one request; the session brings the rest (throttle, credential, policy, deadline). */
export interface ApiRequestOptions {
	/** Checks a 2xx body before anyone uses it; names what is wrong, or returns undefined. */
	expect: ShapeCheck;
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	/** Take the next free slot ahead of the queued requests (list pages, FAQ re-reads and writes). */
	first?: boolean;
	/**
	 * Writes only: false sends a write once, even when RingReady refuses it in a way that proves it
	 * was not applied (429, 503 with Retry-After); the error then carries the asked wait (writeRefusedWaitMs),
	 * so that the caller can read again before writing (FAQ writes).
	 */
	retryWrite?: boolean;
	/** Asked just before the request is sent: false leaves it unsent (RunCancelledError). */
	startIf?: () => boolean;
	/** Called with the headers of each successful response (the trigger reads the server's clock from Date). */
	onResponse?: (headers: Record<string, string | string[] | undefined>) => void;
}

/** What every endpoint helper takes besides its own arguments. */
export type RequestOptions = Pick<ApiRequestOptions, 'itemIndex' | 'first'>;

/** How an attempt ended, as far as trying again is concerned. */
export type AttemptOutcome =
	| { status: number; askedWaitMs?: number }
	| { status?: undefined; code: string | undefined };

/** Only these write failures prove the server did not apply the write, so only they may be retried. */
function notApplied(outcome: AttemptOutcome, isWrite: boolean): boolean {
	if (!isWrite || outcome.status === undefined) return false;
	return outcome.status === 429 || (outcome.status === 503 && outcome.askedWaitMs !== undefined);
}

/** Whether the failure says RingReady itself may be down (it counts towards calling the run's account down). */
export function countsAsOutage(outcome: AttemptOutcome, isWrite: boolean): boolean {
	if (outcome.status === undefined) {
		const { code } = outcome;
		return code === 'ECONNREFUSED' || (!isWrite && RETRYABLE_NETWORK_CODES.includes(code ?? ''));
	}
	return outcome.status >= 500 && (!isWrite || notApplied(outcome, isWrite));
}

export type RetryDecision =
	| { retry: true; waitMs: number }
	| { retry: false; waitTooLong: boolean; notApplied: boolean };

/**
 * Whether to try again after a failed attempt, and after how long: the retry policy as a pure
 * function. `waitMs` is the wait this attempt would get (the caller's backoff, or for a 429 its
 * jittered Retry-After); `canWait` whether a wait still ends within the retry time and the deadline;
 * `windowMs` the whole retry time; `down` whether the run already counts RingReady as down.
 */
export function decideRetry(facts: {
	outcome: AttemptOutcome;
	attempt: number;
	maxAttempts: number;
	isWrite: boolean;
	retryWrite: boolean;
	down: boolean;
	waitMs: number;
	windowMs: number;
	canWait: (ms: number) => boolean;
}): RetryDecision {
	const { outcome, attempt, maxAttempts, isWrite, down } = facts;
	const refusedUnapplied = notApplied(outcome, isWrite);
	const fail = (waitTooLong = false) =>
		({ retry: false, waitTooLong, notApplied: refusedUnapplied }) as const;
	if (outcome.status === undefined) {
		const retryable = !isWrite && RETRYABLE_NETWORK_CODES.includes(outcome.code ?? '');
		if (retryable && !down && attempt < maxAttempts && facts.canWait(facts.waitMs))
			return { retry: true, waitMs: facts.waitMs };
		return fail();
	}
	const { status, askedWaitMs } = outcome;
	const retryable = isWrite
		? refusedUnapplied && facts.retryWrite
		: RETRYABLE_STATUSES.includes(status);
	// Waiting less than RingReady asked would only be refused again, and longer than the time left is
	// not possible: say what it asked for. (A wait that only the retries before it made too long is
	// reported as the failure that kept coming.)
	if (
		askedWaitMs !== undefined &&
		(retryable || refusedUnapplied) &&
		!facts.canWait(askedWaitMs) &&
		(attempt === 1 || askedWaitMs >= facts.windowMs)
	)
		return fail(true);
	// The random extra on top of the asked wait never makes a wait that fits not fit.
	const waitMs =
		askedWaitMs !== undefined && !facts.canWait(facts.waitMs) ? askedWaitMs : facts.waitMs;
	// A 429 is retried for as long as its waits fit in the retry time; other failures a few times.
	if (retryable && !down && (status === 429 || attempt < maxAttempts) && facts.canWait(waitMs))
		return { retry: true, waitMs };
	return fail();
}

/**
 * One call of the RingReady API: the item's credential, the destination check (the credential's
 * `authenticate`), retries with backoff (429 honours Retry-After), the response's shape, and errors
 * that say what to do, with the key taken out of anything the server said. Redirects are reported,
 * never followed, so the key stays with the Base URL's origin.
 */
export async function apiRequest(
	session: RequestSession,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions,
): Promise<unknown> {
	const { itemIndex } = options;
	const { node, policy, deadline } = session;
	const isWrite = method !== 'GET';
	const startedAt = Date.now();
	const retryEnd = session.retryEndFromNow();
	const endpoint = `${method} ${API_PREFIX}${path}`;
	const canWait = (ms: number) => Date.now() + ms < retryEnd;
	const stopSignal = executionCancelSignal(session.context);
	let account: ResolvedCredential | undefined;
	/** What ends this request before (another) attempt: the run failed, the user stopped it, its account is stopped. */
	const checkRun = () => {
		if (stopSignal?.aborted)
			throw stoppedError(node, { endpoint, isWrite, sent: false, itemIndex });
		if (session.isCancelled || options.startIf?.() === false) throw new RunCancelledError();
		const stoppedBy = account && session.stoppedBy(account.key);
		if (stoppedBy) throw notSentBecause(node, stoppedBy, itemIndex);
	};
	/** A failure that every request of this account would meet: the others are not sent. */
	const stopAccount = (error: RingReadyError) => {
		if (account) session.stopAccount(account.key, error);
		return error;
	};
	// Serialised here: n8n's HTTP layer drops keys such as "__proto__" and "constructor" from object
	// bodies, and those are legitimate FAQ questions.
	const body = options.body === undefined ? undefined : JSON.stringify(options.body);
	let url = '';
	try {
		for (let attempt = 1; ; attempt++) {
			let timeoutMs = policy.requestTimeoutMs;
			let attemptStartedAt = Date.now();
			let outcome: AttemptOutcome;
			const answer = await send(
				session,
				async () => {
					if (!session.hasTimeForRequest())
						throw outOfTimeError(node, endpoint, attempt - 1, itemIndex);
					// Read once a slot is free, so a thousand queued requests don't hold back the next list page.
					account ??= await session.resolve(itemIndex);
					url ||= `${baseUrlOf(session, account, itemIndex)}${API_PREFIX}${path}`;
					checkRun();
					timeoutMs = Math.min(policy.requestTimeoutMs, Math.floor(session.timeLeftMs()));
					attemptStartedAt = Date.now();
					const headers = body === undefined ? undefined : { 'Content-Type': 'application/json' };
					const qs = withoutEmpty(options.qs);
					return { method, url, qs, body, headers, credential: account.decrypted, timeoutMs };
				},
				(response) => response,
				options.first,
			);
			if (answer instanceof ExchangeFailed) {
				if (answer.reason === 'stopped')
					throw stoppedError(node, { endpoint, isWrite, sent: true, itemIndex });
				if (isTimeout(answer.code) && deadline !== undefined && !session.hasTimeForRequest())
					throw outOfTimeError(node, endpoint, attempt, itemIndex);
				outcome = { code: answer.code };
			} else {
				const status = answer.statusCode;
				if (status >= 200 && status < 300) {
					session.throttle.succeeded();
					session.succeeded();
					const problem = options.expect?.(answer.body);
					if (problem !== undefined)
						throw unexpectedResponseError(node, endpoint, problem, isWrite, itemIndex);
					options.onResponse?.(answer.headers);
					return answer.body;
				}
				if (status >= 300 && status < 400) {
					const { location } = answer.headers;
					throw redirectError(node, { status, location, url, endpoint, itemIndex });
				}
				outcome = { status, askedWaitMs: retryAfterMs(answer.headers['retry-after']) };
			}
			const { status, askedWaitMs } = { askedWaitMs: undefined, ...outcome };
			const down =
				countsAsOutage(outcome, isWrite) && session.failedAttempt(attemptStartedAt) === 'down';
			const decision = decideRetry({
				outcome,
				attempt,
				maxAttempts: policy.maxAttempts,
				isWrite,
				retryWrite: options.retryWrite !== false,
				down,
				waitMs:
					status === 429
						? session.waitBeforeRetryMs(askedWaitMs, attempt)
						: (askedWaitMs ?? session.backoffMs(attempt)),
				windowMs: retryEnd - startedAt,
				canWait,
			});
			if (decision.retry) {
				if (status === 429) session.throttle.throttled(decision.waitMs);
				checkRun();
				await sleep(decision.waitMs);
				continue;
			}
			if (decision.waitTooLong) {
				const maxWaitMs = policy.maxRetryMs;
				throw stopAccount(
					waitTooLongError(node, {
						status: status!,
						askedWaitMs: askedWaitMs!,
						maxWaitMs,
						endpoint,
						isWrite,
						itemIndex,
					}),
				);
			}
			const failure =
				outcome.status === undefined
					? connectionError(node, {
							code: outcome.code,
							url,
							attempts: attempt,
							itemIndex,
							isWrite,
							timeoutMs,
						})
					: responseError(node, {
							status: outcome.status,
							body: answer instanceof ExchangeFailed ? undefined : answer.body,
							method,
							path,
							attempt,
							itemIndex,
							notApplied: decision.notApplied,
							askedWaitMs,
						});
			if (status === 401) throw stopAccount(failure);
			throw down ? stopAccount(unavailable(failure)) : failure;
		}
	} catch (error) {
		throw withoutKey(error, account?.decrypted.data?.apiKey);
	}
}

function unavailable(error: RingReadyError): RingReadyError {
	error.serviceWide = 'unavailable';
	return error;
}

/**
 * The item's Base URL as an origin, resolved once per credential (its `authenticate` checks each
 * request's final URL against it); a bad Base URL is refused with its own message.
 */
export function baseUrlOf(
	session: RequestSession,
	account: ResolvedCredential,
	itemIndex: number | undefined,
): string {
	try {
		account.baseUrl ??= resolveBaseUrl(account.decrypted.data?.baseUrl);
		return account.baseUrl;
	} catch (error) {
		throw new NodeOperationError(session.node, (error as Error).message, {
			itemIndex,
			description: 'Fix the Base URL in the RingReady API credential.',
		});
	}
}

function withoutEmpty(query: IDataObject | undefined): IDataObject | undefined {
	if (!query) return undefined;
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== null && value !== '') kept[key] = value;
	}
	return kept;
}

export function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	if (!Number.isFinite(ms)) return undefined;
	return Math.max(0, ms);
}

/** The whole body, or why not: more than maxBytes, the time limit, or a broken connection. */
export async function readBody(
	body: unknown,
	maxBytes: number,
	signal: AbortSignal,
): Promise<Buffer | 'tooLarge' | 'aborted' | Error> {
	if (Buffer.isBuffer(body)) return body.length > maxBytes ? 'tooLarge' : body;
	if (!isStream(body)) return new Error('no body');
	return await new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (outcome: Buffer | 'tooLarge' | 'aborted' | Error) => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', onAbort);
			if (!(outcome instanceof Buffer)) {
				body.removeAllListeners();
				body.on('error', () => undefined);
				body.destroy();
			}
			resolve(outcome);
		};
		const onAbort = () => finish('aborted');
		if (signal.aborted) return finish('aborted');
		signal.addEventListener('abort', onAbort, { once: true });
		body.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) finish('tooLarge');
			else chunks.push(chunk);
		});
		body.on('end', () => finish(Buffer.concat(chunks)));
		body.on('error', (error: Error) => finish(signal.aborted ? 'aborted' : error));
		body.on('close', () => finish(signal.aborted ? 'aborted' : new Error('closed early')));
	});
}
