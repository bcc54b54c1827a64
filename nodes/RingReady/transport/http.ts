import type {
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { resolveBaseUrl } from '../../../credentials/RingReadyApi.credentials';
import {
	connectionError,
	isTimeout,
	networkErrorCode,
	notSentBecause,
	outOfTimeError,
	redirectError,
	responseError,
	stoppedError,
	unexpectedResponseError,
	waitTooLongError,
	withoutKey,
	type RingReadyError,
} from './errors';
import type { RequestSession, ResolvedCredential, RingReadyFunctions } from './session';
import {
	CREDENTIAL_TYPE,
	RETRYABLE_NETWORK_CODES,
	RETRYABLE_STATUSES,
	RunCancelledError,
} from './session';

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
