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
	networkErrorCode,
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
import type { ShapeCheck } from './shapes';
import type { RingReadyFunctions } from './types';
import { CREDENTIAL_TYPE, RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from './types';

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
	session: RequestSession,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions,
): Promise<unknown> {
	const { itemIndex } = options;
	const { context, throttle, node, policy, deadline } = session;
	const isWrite = method !== 'GET';
	const startedAt = Date.now();
	const retryEnd = session.retryEndFromNow();
	const endpoint = `${method} ${API_PREFIX}${path}`;
	const stopSignal = executionCancelSignal(context);
	let request: IHttpRequestOptions | undefined;
	let account: ResolvedCredential | undefined;
	const canWait = (ms: number) => Date.now() + ms < retryEnd;
	const stopped = (sent: boolean) => stoppedError(node, { endpoint, isWrite, sent, itemIndex });
	/** What ends this request before (another) attempt: the run failed, the user stopped it, its account is stopped. */
	const checkRun = () => {
		if (stopSignal?.aborted) throw stopped(false);
		if (session.isCancelled || options.startIf?.() === false) throw new RunCancelledError();
		const stoppedBy = account && session.stoppedBy(account.key);
		if (stoppedBy) throw notSentBecause(node, stoppedBy, itemIndex);
	};
	/** A failure that every request of this account would meet: the others are not sent. */
	const stopAccount = (error: NodeApiError) => {
		if (account) session.stopAccount(account.key, error);
		return error;
	};

	for (let attempt = 1; ; attempt++) {
		await throttle.acquire(options.first);
		const timeLeft = session.timeLeftMs();
		let ready = false;
		try {
			if (!session.hasTimeForRequest())
				throw outOfTimeError(node, endpoint, attempt - 1, itemIndex);
			if (!request) {
				// Built once a slot is free, so a thousand queued requests don't hold back the next list page.
				account = await session.resolve(itemIndex);
				request = buildRequest(node, method, path, options, account.decrypted.data ?? {});
			}
			checkRun();
			ready = true;
		} finally {
			if (!ready) throttle.release();
		}
		request.timeout = Math.min(policy.requestTimeoutMs, Math.floor(timeLeft));
		const attemptStartedAt = Date.now();
		/** A failure RingReady may get over: true when the run has seen enough of them in a row to call it down. */
		const outageOver = () => session.failedAttempt(attemptStartedAt) === 'down';
		let response: FullResponse;
		try {
			// The credential read above goes along, so n8n does not read it again for this request.
			response = (await withinTimeLimit(
				context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, request, {
					credentialsDecrypted: account!.decrypted,
				}),
				request.timeout,
			)) as FullResponse;
		} catch (error) {
			if (stopSignal?.aborted) throw stopped(true);
			const code = networkErrorCode(error);
			if (isTimeout(code) && deadline !== undefined && !session.hasTimeForRequest()) {
				throw outOfTimeError(node, endpoint, attempt, itemIndex);
			}
			const retryableCode =
				!isWrite && code !== undefined && RETRYABLE_NETWORK_CODES.includes(code);
			const down = (retryableCode || code === 'ECONNREFUSED') && outageOver();
			if (retryableCode && !down && attempt < policy.maxAttempts) {
				const waitMs = session.backoffMs(attempt);
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
			throttle.release();
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			throttle.succeeded();
			session.succeeded();
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
			: RETRYABLE_STATUSES.includes(status);
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
					maxWaitMs: policy.maxRetryMs,
					endpoint,
					isWrite,
					itemIndex,
				}),
			);
		}
		let waitMs = rateLimited
			? session.waitBeforeRetryMs(askedWaitMs, attempt)
			: (askedWaitMs ?? session.backoffMs(attempt));
		// The random extra on top of the asked wait never makes a wait that fits not fit.
		if (askedWaitMs !== undefined && !canWait(waitMs)) waitMs = askedWaitMs;
		// A 429 is retried for as long as its waits fit in the retry time; other failures a few times.
		if (retryable && !down && (rateLimited || attempt < policy.maxAttempts) && canWait(waitMs)) {
			if (rateLimited) throttle.throttled(waitMs);
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

function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	if (!Number.isFinite(ms)) return undefined;
	return Math.max(0, ms);
}

/** What every endpoint helper takes besides its own arguments. */
export type RequestOptions = Pick<ApiRequestOptions, 'itemIndex' | 'first'>;
