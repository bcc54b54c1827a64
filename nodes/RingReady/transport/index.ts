import type {
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
import { API_PREFIX } from '../shared/contract';
import {
	connectionError,
	isTimeout,
	outOfTimeError,
	redirectError,
	responseError,
	unexpectedResponseError,
} from './errors';
import type { RequestSession } from './session';
import { RunCancelledError } from './session';
import type { ShapeCheck } from './shapes';

export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

export const RETRY_POLICY = {
	/** Attempts for 5xx answers and dropped connections; a 429 is retried while its waits fit in maxRetryMs. */
	maxAttempts: 6,
	baseDelayMs: 500,
	maxBackoffMs: 8_000,
	maxRetryAfterMs: 60_000,
	/** No retry (nor its wait) starts later than this after the first attempt. */
	maxRetryMs: 120_000,
	/** Each attempt's own limit (n8n's default would be 300 s). */
	requestTimeoutMs: REQUEST_TIMEOUT_MS,
	/** Below this much time left before a deadline, a request is not started. */
	minRequestMs: 500,
	retryableStatuses: [429, 502, 503, 504],
	/** Connection failures after the request may have left; refused or unresolvable hosts are not retried. */
	retryableNetworkCodes: [
		'ECONNRESET',
		'EPIPE',
		'ETIMEDOUT',
		'ECONNABORTED',
		'UND_ERR_SOCKET',
		'EAI_AGAIN',
	],
} as const;

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
	const retryEnd = Math.min(
		deadline ?? Number.POSITIVE_INFINITY,
		Date.now() + RETRY_POLICY.maxRetryMs,
	);
	const endpoint = `${method} ${API_PREFIX}${path}`;
	let request: IHttpRequestOptions | undefined;
	let credentialsDecrypted: ICredentialsDecrypted | undefined;
	const canWait = (ms: number) => Date.now() + ms < retryEnd;

	for (let attempt = 1; ; attempt++) {
		await throttle?.acquire(options.first);
		const timeLeft = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - Date.now();
		if (timeLeft < RETRY_POLICY.minRequestMs) {
			throttle?.release();
			throw outOfTimeError(node, endpoint, attempt - 1, itemIndex);
		}
		if (!request) {
			// Built once a slot is free, so a thousand queued requests don't hold back the next list page.
			try {
				credentialsDecrypted = await readCredentials.call(this, session, itemIndex);
				request = buildRequest(node, method, path, options, credentialsDecrypted.data ?? {});
			} finally {
				if (!request) throttle?.release();
			}
		}
		if (session?.isCancelled || options.startIf?.() === false) {
			throttle?.release();
			throw new RunCancelledError();
		}
		request.timeout = Math.min(RETRY_POLICY.requestTimeoutMs, Math.floor(timeLeft));
		let response: FullResponse;
		try {
			// The credential read above goes along, so n8n does not read it again for this request.
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				request,
				{
					credentialsDecrypted,
				},
			)) as FullResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			if (
				isTimeout(code) &&
				deadline !== undefined &&
				Date.now() >= deadline - RETRY_POLICY.minRequestMs
			) {
				throw outOfTimeError(node, endpoint, attempt, itemIndex);
			}
			if (!isWrite && code && isRetryableNetworkCode(code) && attempt < RETRY_POLICY.maxAttempts) {
				const waitMs = backoffMs(attempt);
				if (canWait(waitMs)) {
					await sleep(waitMs);
					continue;
				}
			}
			throw connectionError(node, {
				code,
				url: request.url,
				attempts: attempt,
				itemIndex,
				isWrite,
				timeoutMs: request.timeout,
			});
		} finally {
			throttle?.release();
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			throttle?.succeeded();
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
		const retryAfter = response.headers['retry-after'];
		const notApplied = isWrite && isRetryableWrite(status, retryAfter);
		const retryable = isWrite
			? notApplied && options.retryWrite !== false
			: (RETRY_POLICY.retryableStatuses as readonly number[]).includes(status);
		const rateLimited = status === 429;
		const askedWaitMs = retryAfterMs(retryAfter);
		const waitMs = rateLimited
			? waitBeforeRetryMs(askedWaitMs, attempt)
			: (askedWaitMs ?? backoffMs(attempt));
		if (rateLimited) throttle?.throttled(waitMs);
		// A 429 is retried for as long as its waits fit in the retry time; other failures a few times.
		if (retryable && (rateLimited || attempt < RETRY_POLICY.maxAttempts) && canWait(waitMs)) {
			await sleep(waitMs);
			continue;
		}
		throw responseError(node, {
			status,
			body: response.body,
			method,
			path,
			attempt,
			itemIndex,
			notApplied,
			askedWaitMs,
		});
	}
}

async function readCredentials(
	this: RingReadyFunctions,
	session: RequestSession | undefined,
	itemIndex: number | undefined,
): Promise<ICredentialsDecrypted> {
	if (session) return await session.credentials(itemIndex);
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	const data = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	return { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data };
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
	return Math.min(RETRY_POLICY.maxRetryAfterMs, Math.round(base * (1 + Math.random() * 0.25)));
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
	if (!Number.isFinite(ms)) return undefined;
	return Math.min(RETRY_POLICY.maxRetryAfterMs, Math.max(0, ms));
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
