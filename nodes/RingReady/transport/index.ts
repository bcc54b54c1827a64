import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { resolveBaseUrl } from '../../../credentials/RingReadyApi.credentials';
import { API_PREFIX } from '../shared/contract';
import {
	connectionError,
	isTimeout,
	notSentBecause,
	outOfTimeError,
	redirectError,
	responseError,
	SERVICE_WIDE,
	stoppedError,
	unexpectedResponseError,
	waitTooLongError,
} from './errors';
import type { RequestSession, ResolvedCredential } from './session';
import { RunCancelledError } from './session';
import { CREDENTIAL_TYPE, RETRY_POLICY, type RingReadyFunctions } from './policy';
import type { ShapeCheck } from './shapes';

export { CREDENTIAL_TYPE, RETRY_POLICY } from './policy';
export type { RingReadyFunctions } from './policy';

export interface ApiRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	/** The run's shared throttle and credential (see RequestSession); without one, the request is on its own. */
	session?: RequestSession;
	/** With a session: take the next free slot ahead of the queued requests (list pages, FAQ writes). */
	first?: boolean;
	/**
	 * Epoch ms by which the request, its retries and their waits must be over. Each attempt gets
	 * min(30 s, time left); no wait runs past it; a request that cannot finish in time fails with
	 * a clear error instead of starting.
	 */
	deadline?: number;
	/**
	 * Writes only: false sends a write once, even when RingReady refuses it in a way that proves it
	 * was not applied (429, 503 with Retry-After); the error then carries the asked wait (writeRefusedWaitMs),
	 * so that the caller can read again before writing (FAQ writes).
	 */
	retryWrite?: boolean;
	/** Asked just before the request is sent: false leaves it unsent (RunCancelledError). */
	startIf?: () => boolean;
	/** Checks a 2xx body before anyone uses it; names what is wrong, or returns undefined. */
	expect?: ShapeCheck;
	/** Called with the headers of each successful response (the trigger reads the server's clock from Date). */
	onResponse?: (headers: Record<string, string | string[] | undefined>) => void;
}

/** What a caller of the endpoint helpers (agents, conversations, account) may pass on to apiRequest. */
export type RequestContext = Pick<
	ApiRequestOptions,
	'session' | 'first' | 'deadline' | 'startIf' | 'retryWrite'
>;

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

function withoutEmpty(query: IDataObject | undefined): IDataObject | undefined {
	if (!query) return undefined;
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== null && value !== '') kept[key] = value;
	}
	return kept;
}

/** Only these write failures prove the server did not apply the write, so only they are retried. */
function isRetryableWrite(status: number, retryAfter: string | string[] | undefined): boolean {
	return status === 429 || (status === 503 && retryAfter !== undefined);
}

/**
 * The one way this package talks to RingReady: credentials, the destination check, timeouts,
 * retries with backoff (429 honours Retry-After), the response's shape, and errors that say what
 * to do. Redirects are reported, never followed, so the key stays with the Base URL's origin.
 * Errors are built from the response status and the API's `detail` only, so neither the key nor
 * the request headers can reach an error message, a log or an output item.
 */
export async function apiRequest(
	this: RingReadyFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions = {},
): Promise<unknown> {
	const { itemIndex, session, deadline } = options;
	const throttle = session?.throttle;
	const node = session?.node ?? this.getNode();
	const isWrite = method !== 'GET';
	const startedAt = Date.now();
	const retryEnd = Math.min(
		deadline ?? Number.POSITIVE_INFINITY,
		startedAt + RETRY_POLICY.maxRetryMs,
	);
	const endpoint = `${method} ${API_PREFIX}${path}`;
	const stopSignal = executionCancelSignal(this);
	let request: IHttpRequestOptions | undefined;
	let account: ResolvedCredential | undefined;
	const canWait = (ms: number) => Date.now() + ms < retryEnd;
	const stopped = (sent: boolean) => stoppedError(node, { endpoint, isWrite, sent, itemIndex });
	/** What ends this request before (another) attempt: the run failed, the user stopped it, its account is stopped. */
	const checkRun = () => {
		if (stopSignal?.aborted) throw stopped(false);
		if (session?.isCancelled || options.startIf?.() === false) throw new RunCancelledError();
		const stoppedBy = account && session?.stoppedBy(account.key);
		if (stoppedBy) throw notSentBecause(node, stoppedBy, itemIndex);
	};
	/** A failure that every request of this account would meet: the others are not sent. */
	const stopAccount = (error: NodeApiError) => {
		if (session && account) session.stopAccount(account.key, error);
		return error;
	};

	for (let attempt = 1; ; attempt++) {
		await throttle?.acquire(options.first);
		const timeLeft = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
		let ready = false;
		try {
			if (timeLeft < RETRY_POLICY.minRequestMs)
				throw outOfTimeError(node, endpoint, attempt - 1, itemIndex);
			if (!request) {
				// Built once a slot is free, so a thousand queued requests don't hold back the next list page.
				account = await readCredentials.call(this, session, itemIndex);
				request = buildRequest(node, method, path, options, account.decrypted.data ?? {});
			}
			checkRun();
			ready = true;
		} finally {
			if (!ready) throttle?.release();
		}
		request.timeout = Math.min(RETRY_POLICY.requestTimeoutMs, Math.floor(timeLeft));
		const attemptStartedAt = Date.now();
		/** A failure RingReady may get over: true when the run has seen enough of them in a row to call it down. */
		const outageOver = () => session?.failedAttempt(attemptStartedAt) === 'down';
		let response: FullResponse;
		try {
			// The credential read above goes along, so n8n does not read it again for this request.
			response = (await withinTimeLimit(
				this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request, {
					credentialsDecrypted: account!.decrypted,
				}),
				request.timeout,
			)) as FullResponse;
		} catch (error) {
			if (stopSignal?.aborted) throw stopped(true);
			const code = networkErrorCode(error);
			if (
				isTimeout(code) &&
				deadline !== undefined &&
				Date.now() >= deadline - RETRY_POLICY.minRequestMs
			) {
				throw outOfTimeError(node, endpoint, attempt, itemIndex);
			}
			const retryableCode = !isWrite && code !== undefined && isRetryableNetworkCode(code);
			const down = (retryableCode || code === 'ECONNREFUSED') && outageOver();
			if (retryableCode && !down && attempt < RETRY_POLICY.maxAttempts) {
				const waitMs = backoffMs(attempt);
				if (canWait(waitMs)) {
					checkRun();
					await sleep(waitMs);
					continue;
				}
			}
			const failure = connectionError(node, {
				code,
				url: request.url,
				attempts: attempt,
				itemIndex,
				isWrite,
				timeoutMs: request.timeout,
			});
			throw down ? stopAccount(markUnavailable(failure)) : failure;
		} finally {
			throttle?.release();
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			throttle?.succeeded();
			session?.succeeded();
			const problem = options.expect?.(response.body);
			if (problem !== undefined)
				throw unexpectedResponseError(node, endpoint, problem, isWrite, itemIndex);
			options.onResponse?.(response.headers);
			return response.body;
		}
		if (status >= 300 && status < 400) {
			throw redirectError(node, {
				status,
				location: response.headers.location,
				url: request.url,
				endpoint,
				itemIndex,
			});
		}
		const down =
			status >= 500 &&
			!(isWrite && !isRetryableWrite(status, response.headers['retry-after'])) &&
			outageOver();
		const retryAfter = response.headers['retry-after'];
		const notApplied = isWrite && isRetryableWrite(status, retryAfter);
		const retryable = isWrite
			? notApplied && options.retryWrite !== false
			: (RETRY_POLICY.retryableStatuses as readonly number[]).includes(status);
		const rateLimited = status === 429;
		const askedWaitMs = retryAfterMs(retryAfter);
		if (
			askedWaitMs !== undefined &&
			(retryable || notApplied) &&
			!canWait(askedWaitMs) &&
			(attempt === 1 || askedWaitMs >= retryEnd - startedAt)
		) {
			// Waiting less than RingReady asked would only be refused again, and longer than the time left
			// is not possible: say what it asked for. (A wait that only the retries before it made too long
			// is reported as the failure that kept coming, below.)
			throw stopAccount(
				waitTooLongError(node, {
					status,
					askedWaitMs,
					maxWaitMs: RETRY_POLICY.maxRetryMs,
					endpoint,
					isWrite,
					itemIndex,
				}),
			);
		}
		let waitMs = rateLimited
			? waitBeforeRetryMs(askedWaitMs, attempt)
			: (askedWaitMs ?? backoffMs(attempt));
		// The random extra on top of the asked wait never makes a wait that fits not fit.
		if (askedWaitMs !== undefined && !canWait(waitMs)) waitMs = askedWaitMs;
		// A 429 is retried for as long as its waits fit in the retry time; other failures a few times.
		if (
			retryable &&
			!down &&
			(rateLimited || attempt < RETRY_POLICY.maxAttempts) &&
			canWait(waitMs)
		) {
			if (rateLimited) throttle?.throttled(waitMs);
			checkRun();
			await sleep(waitMs);
			continue;
		}
		const failure = responseError(node, {
			status,
			body: response.body,
			method,
			path,
			attempt,
			itemIndex,
			notApplied,
			askedWaitMs,
		});
		if (status === 401) throw stopAccount(failure);
		if (down) throw stopAccount(markUnavailable(failure));
		throw failure;
	}
}

/** The execution's own cancel signal (the user pressed Stop), where the context has one. */
function executionCancelSignal(context: RingReadyFunctions): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * The attempt's time limit as a wall clock over the whole response. n8n's own timeout restarts
 * with every chunk, so a body that trickles in would never time out.
 */
async function withinTimeLimit<T>(request: Promise<T>, timeoutMs: number): Promise<T> {
	const timer = AbortSignal.timeout(timeoutMs);
	let onTimeout: (() => void) | undefined;
	const timedOut = new Promise<never>((_resolve, reject) => {
		onTimeout = () =>
			reject(
				Object.assign(new Error(`timeout of ${timeoutMs}ms exceeded`), { code: 'ECONNABORTED' }),
			);
		timer.addEventListener('abort', onTimeout, { once: true });
	});
	// The request's own outcome is no longer awaited once the limit has passed.
	request.catch(() => undefined);
	try {
		return await Promise.race([request, timedOut]);
	} finally {
		if (onTimeout) timer.removeEventListener('abort', onTimeout);
	}
}

function markUnavailable(error: NodeApiError): NodeApiError {
	error.context[SERVICE_WIDE] = 'unavailable';
	return error;
}

async function readCredentials(
	this: RingReadyFunctions,
	session: RequestSession | undefined,
	itemIndex: number | undefined,
): Promise<ResolvedCredential> {
	if (session) return await session.resolve(itemIndex);
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	const data = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	return {
		key: '',
		decrypted: {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data,
		},
	};
}

function buildRequest(
	node: INode,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions,
	credentials: { baseUrl?: unknown },
): IHttpRequestOptions {
	try {
		// A bad Base URL is refused here with its own message; the credential's `authenticate` checks
		// the final URL again before the key is added.
		const request: IHttpRequestOptions = {
			method,
			url: `${resolveBaseUrl(credentials.baseUrl)}${API_PREFIX}${path}`,
			qs: withoutEmpty(options.qs),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		};
		if (options.body !== undefined) {
			// Serialised here: n8n's HTTP layer drops keys such as "__proto__" and "constructor" from object
			// bodies, and those are legitimate FAQ questions.
			request.body = JSON.stringify(options.body);
			request.headers = { 'Content-Type': 'application/json' };
		}
		return request;
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			itemIndex: options.itemIndex,
			description: 'Fix the Base URL in the RingReady API credential.',
		});
	}
}

function backoffMs(attempt: number): number {
	const exponential = Math.min(
		RETRY_POLICY.maxBackoffMs,
		RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1),
	);
	return Math.round(exponential * (0.75 + Math.random() * 0.5));
}

/**
 * The wait before trying again after a 429: never shorter than RingReady asked, growing with each
 * refusal like the backoff, and up to a quarter longer at random, so that callers refused together
 * (other executions on the same key) do not all come back at the same moment.
 */
export function waitBeforeRetryMs(askedMs: number | undefined, attempt: number): number {
	const base = Math.max(askedMs ?? 0, backoffMs(attempt));
	const jittered = Math.min(
		RETRY_POLICY.maxRetryAfterMs,
		Math.round(base * (1 + Math.random() * 0.25)),
	);
	return Math.max(askedMs ?? 0, jittered);
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	if (!Number.isFinite(ms)) return undefined;
	return Math.max(0, ms);
}

function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, message } = current as { code?: unknown; message?: unknown };
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
		if (typeof message === 'string' && /^timeout of \d+ms exceeded/i.test(message))
			return 'ECONNABORTED';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function isRetryableNetworkCode(code: string): boolean {
	return (RETRY_POLICY.retryableNetworkCodes as readonly string[]).includes(code);
}
