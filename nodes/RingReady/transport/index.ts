import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import {
	REQUEST_TIMEOUT_MS,
	assertSafeDestination,
	resolveBaseUrl,
} from '../../../credentials/RingReadyApi.credentials';
import { API_PREFIX } from '../shared/contract';
import type { RequestSession } from './session';
import { RunCancelledError } from './session';
import type { ShapeCheck } from './shapes';
import type { RequestThrottle } from './throttle';

export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

export const RETRY_POLICY = {
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
	retryableNetworkCodes: ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'EAI_AGAIN'],
} as const;

export interface ApiRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	/** The run's shared throttle and credential (see RequestSession); without one, the request is on its own. */
	session?: RequestSession;
	throttle?: RequestThrottle;
	/** With a throttle: take the next free slot ahead of the queued requests (list pages). */
	first?: boolean;
	/**
	 * Epoch ms by which the request, its retries and their waits must be over. Each attempt gets
	 * min(30 s, time left); no wait runs past it; a request that cannot finish in time fails with
	 * a clear error instead of starting.
	 */
	deadline?: number;
	/** Checks a 2xx body before anyone uses it; names what is wrong, or returns undefined. */
	expect?: ShapeCheck;
	/** Called with the headers of each successful response (the trigger reads the server's clock from Date). */
	onResponse?: (headers: Record<string, string | string[] | undefined>) => void;
}

/** What a caller of the endpoint helpers (agents, conversations, account) may pass on to apiRequest. */
export type RequestContext = Pick<ApiRequestOptions, 'session' | 'throttle' | 'first' | 'deadline'>;

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
	const throttle = options.throttle ?? session?.throttle;
	const node = this.getNode();
	const isWrite = method !== 'GET';
	const retryEnd = Math.min(deadline ?? Number.POSITIVE_INFINITY, Date.now() + RETRY_POLICY.maxRetryMs);
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
				request = buildRequest.call(this, method, path, options, credentialsDecrypted.data ?? {});
			} finally {
				if (!request) throttle?.release();
			}
		}
		if (session?.isCancelled) {
			throttle?.release();
			throw new RunCancelledError();
		}
		request.timeout = Math.min(RETRY_POLICY.requestTimeoutMs, Math.floor(timeLeft));
		let response: FullResponse;
		try {
			// The credential read above goes along, so n8n does not read it again for this request.
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request, {
				credentialsDecrypted,
			})) as FullResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
			if (timedOut && deadline !== undefined && Date.now() >= deadline - RETRY_POLICY.minRequestMs) {
				throw outOfTimeError(node, endpoint, attempt, itemIndex);
			}
			if (!isWrite && code && isRetryableNetworkCode(code) && attempt < RETRY_POLICY.maxAttempts) {
				const waitMs = backoffMs(attempt);
				if (canWait(waitMs)) {
					await sleep(waitMs);
					continue;
				}
			}
			throw connectionError(node, { code, url: request.url, attempts: attempt, itemIndex, isWrite });
		} finally {
			throttle?.release();
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			throttle?.succeeded();
			const problem = options.expect?.(response.body);
			if (problem !== undefined) throw unexpectedResponseError(node, endpoint, problem, isWrite, itemIndex);
			options.onResponse?.(response.headers);
			return response.body;
		}
		if (status >= 300 && status < 400) {
			throw redirectError(node, { status, location: response.headers.location, url: request.url, endpoint, itemIndex });
		}
		const retryAfter = response.headers['retry-after'];
		const retryable = isWrite
			? isRetryableWrite(status, retryAfter)
			: (RETRY_POLICY.retryableStatuses as readonly number[]).includes(status);
		if (retryable && attempt < RETRY_POLICY.maxAttempts) {
			const waitMs = retryAfterMs(retryAfter) ?? backoffMs(attempt);
			if (canWait(waitMs)) {
				if (status === 429) throttle?.throttled(waitMs);
				await sleep(waitMs);
				continue;
			}
		}
		throw responseError(node, {
			status,
			body: response.body,
			method,
			path,
			attempt,
			itemIndex,
			notApplied: isRetryableWrite(status, retryAfter),
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
	this: RingReadyFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions,
	credentials: { baseUrl?: unknown },
): IHttpRequestOptions {
	try {
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
		assertSafeDestination(request, credentials.baseUrl);
		return request;
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			itemIndex: options.itemIndex,
			description: 'Fix the Base URL in the RingReady API credential.',
		});
	}
}

function backoffMs(attempt: number): number {
	const exponential = Math.min(RETRY_POLICY.maxBackoffMs, RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential * (0.75 + Math.random() * 0.5));
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
		if (typeof message === 'string' && /^timeout of \d+ms exceeded/i.test(message)) return 'ECONNABORTED';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function isRetryableNetworkCode(code: string): boolean {
	return (RETRY_POLICY.retryableNetworkCodes as readonly string[]).includes(code);
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	UND_ERR_SOCKET: 'the connection was dropped',
	ETIMEDOUT: `no answer within ${RETRY_POLICY.requestTimeoutMs / 1000} seconds`,
	ECONNABORTED: `no answer within ${RETRY_POLICY.requestTimeoutMs / 1000} seconds`,
};

/** Failures after which the server cannot have processed the request: nothing reached it. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

/** Set on errors of a write whose outcome is unknown: RingReady may have applied it. */
export const WRITE_OUTCOME_UNKNOWN = 'writeOutcomeUnknown';

export function isWriteOutcomeUnknown(error: unknown): boolean {
	return Boolean((error as { context?: IDataObject })?.context?.[WRITE_OUTCOME_UNKNOWN]);
}

function connectionError(
	node: INode,
	failure: { code: string | undefined; url: string; attempts: number; itemIndex?: number; isWrite: boolean },
): NodeApiError {
	const { code, url, attempts, itemIndex, isWrite } = failure;
	const origin = new URL(url).origin;
	const uncertain = isWrite && !NOT_SENT_CODES.includes(code ?? '');
	// The raw code stays out of the message: NodeApiError swaps any message naming one for a generic text.
	const error = new NodeApiError(node, { connection: code ?? 'failed' } as JsonObject, {
		message: `Could not reach RingReady at ${origin}: ${NETWORK_FAILURES[code ?? ''] ?? 'the request failed'}`,
		description: `${attempts > 1 ? `Tried ${attempts} times. ` : ''}${
			uncertain
				? 'The change may or may not have been saved: it was not sent again, so that it is never applied twice. Check it in RingReady before running again. '
				: ''
		}Check that the Base URL in the RingReady API credential is right and that this n8n can reach it${
			code ? ` (error code ${code})` : ''
		}.`,
		itemIndex,
	});
	if (uncertain) error.context[WRITE_OUTCOME_UNKNOWN] = true;
	return error;
}

function outOfTimeError(node: INode, endpoint: string, attempts: number, itemIndex: number | undefined): NodeApiError {
	return new NodeApiError(node, { timeout: endpoint } as JsonObject, {
		message: `RingReady did not answer in the time left for ${endpoint}`,
		description: `${
			attempts > 0 ? `Tried ${attempts} time${attempts > 1 ? 's' : ''}; ` : ''
		}the request was stopped so that the run ends within its time budget. Nothing more was sent. Try again; if it keeps happening, RingReady may be slow right now.`,
		itemIndex,
	});
}

function redirectError(
	node: INode,
	failure: { status: number; location: unknown; url: string; endpoint: string; itemIndex?: number },
): NodeApiError {
	const { status, url, endpoint, itemIndex } = failure;
	const location = Array.isArray(failure.location) ? failure.location[0] : failure.location;
	let target = 'another address';
	if (typeof location === 'string' && location !== '') {
		try {
			const resolved = new URL(location, url);
			target = `${resolved.origin}${resolved.pathname}`.slice(0, 200);
		} catch {
			target = `"${location.slice(0, 100)}"`;
		}
	}
	return new NodeApiError(node, { status, redirect: target } as JsonObject, {
		message: `The Base URL redirected the request to ${target}; the API key was not sent there`,
		description: `RingReady answered HTTP ${status} to ${endpoint}, pointing to ${target}. Redirects are not followed, so that the API key never leaves the Base URL's address. Set the Base URL in the RingReady API credential to the address the API answers on (https://www.ring-ready.com unless RingReady support gave you another).`,
		httpCode: String(status),
		itemIndex,
	});
}

function unexpectedResponseError(
	node: INode,
	endpoint: string,
	problem: string,
	isWrite: boolean,
	itemIndex: number | undefined,
): NodeApiError {
	const error = new NodeApiError(node, { unexpectedResponse: endpoint } as JsonObject, {
		message: `RingReady returned an unexpected response to ${endpoint}`,
		description: `${problem}. ${
			isWrite ? 'The change may have been saved; check it in RingReady. ' : 'Nothing was changed. '
		}Check the Base URL in the RingReady API credential (https://www.ring-ready.com unless RingReady support gave you another); if it is right, try again later.`,
		itemIndex,
	});
	if (isWrite) error.context[WRITE_OUTCOME_UNKNOWN] = true;
	return error;
}

/** The API's `detail`: a string, or FastAPI's list of `{loc, msg}` turned into "field: message; …". */
export function apiDetail(body: unknown): string | undefined {
	if (!body || typeof body !== 'object' || !('detail' in body)) return undefined;
	const detail = (body as { detail: unknown }).detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) {
		const parts = detail.map((entry) => {
			if (!entry || typeof entry !== 'object') return String(entry);
			const { loc, msg } = entry as { loc?: unknown; msg?: unknown };
			const where = Array.isArray(loc)
				? loc.filter((part) => !['body', 'query', 'path'].includes(String(part))).join('.')
				: '';
			const text = typeof msg === 'string' ? msg : JSON.stringify(entry);
			return where ? `${where}: ${text}` : text;
		});
		if (parts.length > 0) return parts.join('; ');
	}
	return detail === null || detail === undefined ? undefined : JSON.stringify(detail).slice(0, 300);
}

function describeTarget(path: string): string {
	const match = /^\/(agents|conversations)\/([^/?]+)/.exec(path);
	if (!match) return 'The requested resource';
	return `${match[1] === 'agents' ? 'Agent' : 'Conversation'} ${decodeURIComponent(match[2])}`;
}

function responseError(
	node: INode,
	failure: {
		status: number;
		body: unknown;
		method: IHttpRequestMethods;
		path: string;
		attempt: number;
		itemIndex?: number;
		/** A write refused in a way that proves it was not applied (429, 503 with Retry-After). */
		notApplied: boolean;
	},
): NodeApiError {
	const { status, body, method, path, attempt, itemIndex } = failure;
	const isWrite = method !== 'GET';
	const uncertain = isWrite && status >= 500 && !failure.notApplied;
	const detail = apiDetail(body);
	let message: string;
	let description: string;
	switch (status) {
		case 401:
			message = 'RingReady rejected the API key: it is invalid or has been revoked';
			description =
				'Create a new key in the RingReady dashboard under Profile → API keys and paste it into the RingReady API credential.';
			break;
		case 403:
			if (isWrite) {
				message = 'This API key is read-only: it may not change agents or FAQ entries';
				description =
					'The key has the "read" scope only. Nothing was changed. To update agents or their FAQ, create a key with the write scope in the RingReady dashboard under Profile → API keys and use it in the RingReady API credential.';
			} else {
				message = 'The API key lacks the "read" scope needed for this operation';
				description =
					'Create a key with the read scope in the RingReady dashboard under Profile → API keys and use it in the RingReady API credential.';
			}
			break;
		case 404:
			message = `${describeTarget(path)} was not found in this RingReady account`;
			description =
				'Check the ID. An API key sees only the agents and conversations of the account that created it.';
			break;
		case 422:
			message = `RingReady rejected the request: ${detail ?? 'invalid request'}`;
			description = 'Fix the value named above and run the node again.';
			break;
		case 429:
			message = `RingReady's rate limit was still exceeded after ${attempt} attempts`;
			description =
				'Lower "Max Concurrency" in the node options, or run the workflow less often, then try again.';
			break;
		default:
			message =
				status >= 500
					? `RingReady is unavailable right now (HTTP ${status}${attempt > 1 ? ` after ${attempt} attempts` : ''})`
					: `RingReady answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
			description =
				status >= 500
					? `The RingReady service had a problem. ${
							uncertain
								? 'The change may or may not have been saved: it was not sent again, so that it is never applied twice. Check it in RingReady before running again.'
								: 'Try again in a few minutes.'
						}`
					: 'Check the node parameters and try again.';
	}
	const error = new NodeApiError(node, { status, detail: detail ?? null } as JsonObject, {
		message,
		description,
		httpCode: String(status),
		itemIndex,
	});
	if (uncertain) error.context[WRITE_OUTCOME_UNKNOWN] = true;
	return error;
}
