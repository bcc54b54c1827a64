import type { IHttpRequestMethods, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { REQUEST_TIMEOUT_MS } from '../../../credentials/RingReadyApi.credentials';

/**
 * Every error the transport raises, written so a user knows what to do. Built from the response
 * status and the API's `detail` only, and with the key taken out of whatever the server said
 * (`withoutKey`): neither the key nor the request headers can reach them.
 */

/**
 * Why every request of the account fails, when an error is not about one record: 'unauthorized'
 * (the key was rejected), 'wait' (RingReady asked to wait longer than the time left),
 * 'unavailable' (RingReady kept failing, with no success in between), 'stopped' (the user stopped
 * the execution).
 */
export type ServiceWideFailure = 'unauthorized' | 'wait' | 'unavailable' | 'stopped';

export class RingReadyError extends NodeApiError {
	/** No request of the same account can get past this in this run (see ServiceWideFailure). */
	serviceWide?: ServiceWideFailure;

	/** A write whose outcome is unknown: RingReady may have applied it. */
	writeOutcomeUnknown = false;

	/** A write RingReady refused without applying it (429, 503 with Retry-After): the wait it asked for (0: none named). */
	writeRefusedWaitMs?: number;

	/** The wait RingReady asked for, on an error for a wait longer than the time left. */
	askedWaitMs?: number;
}

export function serviceWideFailure(error: unknown): ServiceWideFailure | undefined {
	return error instanceof RingReadyError ? error.serviceWide : undefined;
}

export function writeRefusedWaitMs(error: unknown): number | undefined {
	return error instanceof RingReadyError ? error.writeRefusedWaitMs : undefined;
}

export function isWriteOutcomeUnknown(error: unknown): boolean {
	return error instanceof RingReadyError && error.writeOutcomeUnknown;
}

/**
 * Whether a request failed because of its record (gone, not servable, unreadable) rather than
 * because RingReady was busy, unavailable, unreachable or refused the key, as every request would.
 */
export function isRecordsOwnFailure(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (Number.isInteger(status) && status >= 400)
		return ![401, 403, 408, ...RETRYABLE_STATUSES].includes(status);
	return Boolean((error.errorResponse as { unexpectedResponse?: unknown })?.unexpectedResponse);
}

const REDACTED = '[redacted]';

/**
 * The error with every trace of `key` (as sent, or URL-encoded) replaced, in its message,
 * description and what it keeps of the response: a server may echo the key in any text it sends.
 */
export function withoutKey<T>(error: T, key: unknown): T {
	if (typeof key !== 'string' || key.length < 4 || !(error instanceof Error)) return error;
	const forms = [...new Set([key, encodeURIComponent(key)])];
	const clean = (text: string) => forms.reduce((out, form) => out.split(form).join(REDACTED), text);
	const scrub = (value: unknown, depth = 0): unknown => {
		if (typeof value === 'string') return clean(value);
		if (depth > 4 || !value || typeof value !== 'object') return value;
		if (Array.isArray(value)) return value.map((entry) => scrub(entry, depth + 1));
		if (Object.getPrototypeOf(value) !== Object.prototype) return value;
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
	};
	// Every text it carries: message, stack (written with the message), description, the response kept.
	const target = error as unknown as Record<string, unknown>;
	for (const name of ['message', 'stack', ...Object.keys(error)])
		target[name] = scrub(target[name]);
	return error;
}

/** Our code for a request n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED, n8n 2.x) refused to send. */
export const SSRF_BLOCKED = 'N8N_SSRF_BLOCKED';

/** What an n8n administrator can do about SSRF_BLOCKED. */
export const SSRF_ADVICE =
	'This n8n blocks requests to addresses on its own network (N8N_SSRF_PROTECTION_ENABLED). If the address is right, an n8n administrator can allow it with N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES.';

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	UND_ERR_SOCKET: 'the connection was dropped',
	[SSRF_BLOCKED]: "this n8n's SSRF protection blocks that address",
};

/** The attempt ran out of its own limit (30 s, or less when a deadline left less time). */
export function isTimeout(code: string | undefined): boolean {
	return code === 'ETIMEDOUT' || code === 'ECONNABORTED';
}

/** What a failed connection's code means, in words (`otherwise` for codes without words). */
export function networkFailureText(
	code: string | undefined,
	otherwise = 'the request failed',
): string {
	return NETWORK_FAILURES[code ?? ''] ?? otherwise;
}

function failureText(code: string | undefined, timeoutMs: number | undefined): string {
	if (isTimeout(code))
		return `no answer within ${(timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} seconds`;
	return networkFailureText(code);
}

/** The network error code (ECONNRESET, ...) of a failed request, however n8n's HTTP layer wrapped it. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, message, name } = current as {
			code?: unknown;
			message?: unknown;
			name?: unknown;
		};
		if (name === 'SsrfBlockedIpError' || name === 'SsrfBlockedHostnameError') return SSRF_BLOCKED;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
		if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
		if (typeof message === 'string' && /^timeout of \d+ms exceeded/i.test(message))
			return 'ECONNABORTED';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

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

/** Failures after which the server cannot have processed the request: nothing reached it. */
export const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

export function connectionError(
	node: INode,
	failure: {
		code: string | undefined;
		url: string;
		attempts: number;
		itemIndex?: number;
		isWrite: boolean;
		/** The last attempt's time limit. */
		timeoutMs?: number;
	},
): RingReadyError {
	const { code, url, attempts, itemIndex, isWrite, timeoutMs } = failure;
	const origin = new URL(url).origin;
	const uncertain = isWrite && !NOT_SENT_CODES.includes(code ?? '');
	// The raw code stays out of the message: NodeApiError swaps any message naming one for a generic text.
	const error = new RingReadyError(node, { connection: code ?? 'failed' } as JsonObject, {
		message: `Could not reach RingReady at ${origin}: ${failureText(code, timeoutMs)}`,
		description: `${attempts > 1 ? `Tried ${attempts} times. ` : ''}${
			uncertain
				? 'The change may or may not have been saved: it was not sent again, so that it is never applied twice. Check it in RingReady before running again. '
				: ''
		}${
			code === SSRF_BLOCKED
				? `${SSRF_ADVICE.slice(0, -1)}`
				: isTimeout(code)
					? 'RingReady may be slow right now: try again in a few minutes. If it keeps happening, check that the Base URL in the RingReady API credential is right'
					: 'Check that the Base URL in the RingReady API credential is right and that this n8n can reach it'
		}${code ? ` (error code ${code})` : ''}.`,
		itemIndex,
	});
	error.writeOutcomeUnknown = uncertain;
	return error;
}

export function outOfTimeError(
	node: INode,
	endpoint: string,
	attempts: number,
	itemIndex: number | undefined,
): RingReadyError {
	return new RingReadyError(node, { timeout: endpoint } as JsonObject, {
		message: `RingReady did not answer in the time left for ${endpoint}`,
		description: `${
			attempts > 0 ? `Tried ${attempts} time${attempts > 1 ? 's' : ''}; ` : ''
		}the request was stopped so that the run ends within its time budget. Nothing more was sent. Try again; if it keeps happening, RingReady may be slow right now.`,
		itemIndex,
	});
}

export function redirectError(
	node: INode,
	failure: { status: number; location: unknown; url: string; endpoint: string; itemIndex?: number },
): RingReadyError {
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
	return new RingReadyError(node, { status, redirect: target } as JsonObject, {
		message: `The Base URL redirected the request to ${target}; the API key was not sent there`,
		description: `RingReady answered HTTP ${status} to ${endpoint}, pointing to ${target}. Redirects are not followed, so that the API key never leaves the Base URL's address. Set the Base URL in the RingReady API credential to the address the API answers on (https://www.ring-ready.com unless RingReady support gave you another).`,
		httpCode: String(status),
		itemIndex,
	});
}

export function unexpectedResponseError(
	node: INode,
	endpoint: string,
	problem: string,
	isWrite: boolean,
	itemIndex: number | undefined,
): RingReadyError {
	const error = new RingReadyError(node, { unexpectedResponse: endpoint } as JsonObject, {
		message: `RingReady returned an unexpected response to ${endpoint}`,
		description: `${problem}. ${
			isWrite ? 'The change may have been saved; check it in RingReady. ' : 'Nothing was changed. '
		}Check the Base URL in the RingReady API credential (https://www.ring-ready.com unless RingReady support gave you another); if it is right, try again later.`,
		itemIndex,
	});
	error.writeOutcomeUnknown = isWrite;
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

export function responseError(
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
		/** How long RingReady asked to wait before trying again (its Retry-After), if it said. */
		askedWaitMs?: number;
	},
): RingReadyError {
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
	const error = new RingReadyError(node, { status, detail: detail ?? null } as JsonObject, {
		message,
		description,
		httpCode: String(status),
		itemIndex,
	});
	error.writeOutcomeUnknown = uncertain;
	if (status === 401) error.serviceWide = 'unauthorized';
	if (isWrite && failure.notApplied) error.writeRefusedWaitMs = failure.askedWaitMs ?? 0;
	return error;
}

/** "45 seconds", "5 minutes", "2 hours", "24 hours". */
export function waitText(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	const format = (value: number, unit: string) => {
		const rounded = Math.round(value * 10) / 10;
		return `${rounded} ${unit}${rounded === 1 ? '' : 's'}`;
	};
	if (seconds >= 3600) return format(seconds / 3600, 'hour');
	if (seconds >= 120) return format(seconds / 60, 'minute');
	return format(seconds, 'second');
}

const STATUS_MEANING: Record<number, string> = {
	429: 'too many requests',
	502: 'bad gateway',
	503: 'unavailable',
	504: 'gateway timeout',
};

export function waitTooLongError(
	node: INode,
	failure: {
		status: number;
		askedWaitMs: number;
		maxWaitMs: number;
		endpoint: string;
		isWrite: boolean;
		itemIndex?: number;
	},
): RingReadyError {
	const { status, endpoint, isWrite, itemIndex } = failure;
	const asked = waitText(failure.askedWaitMs);
	const meaning = STATUS_MEANING[status] ? ` (${STATUS_MEANING[status]})` : '';
	const error = new RingReadyError(
		node,
		{ status, retryAfterMs: failure.askedWaitMs } as JsonObject,
		{
			message: `RingReady asked to wait ${asked} before the next request`,
			description: `It answered HTTP ${status}${meaning} to ${endpoint} with Retry-After: ${asked}. That is longer than this node waits (at most ${waitText(failure.maxWaitMs)} per request), so nothing more was sent${
				isWrite ? ' and nothing was changed' : ''
			}. Run the workflow again after that time.`,
			httpCode: String(status),
			itemIndex,
		},
	);
	error.serviceWide = 'wait';
	error.askedWaitMs = failure.askedWaitMs;
	if (isWrite) error.writeRefusedWaitMs = failure.askedWaitMs;
	return error;
}

export function stoppedError(
	node: INode,
	failure: { endpoint: string; isWrite: boolean; sent: boolean; itemIndex?: number },
): RingReadyError {
	const { endpoint, isWrite, sent, itemIndex } = failure;
	const error = new RingReadyError(node, { stopped: endpoint } as JsonObject, {
		message: 'The execution was stopped',
		description: `${
			sent
				? `${endpoint} was under way when the execution was stopped; its answer was not read.`
				: `${endpoint} was not sent.`
		}${
			isWrite && sent
				? ' The change may or may not have been saved: check it in RingReady before running again.'
				: ''
		} Nothing more was sent.`,
		itemIndex,
	});
	error.serviceWide = 'stopped';
	error.writeOutcomeUnknown = isWrite && sent;
	return error;
}

/**
 * The error that stopped an account, as the error of another item or request that was then not
 * sent: same message, a description that says so, the same markers.
 */
export function notSentBecause(node: INode, cause: Error, itemIndex?: number): RingReadyError {
	const { description, httpCode } = cause as NodeApiError;
	const error = new RingReadyError(node, { notSent: true } as JsonObject, {
		message: cause.message,
		description:
			`${description ?? ''} This request was not sent: an earlier request of this run already got this answer.`.trim(),
		httpCode: httpCode ?? undefined,
		itemIndex,
	});
	if (cause instanceof RingReadyError) {
		error.serviceWide = cause.serviceWide;
		error.askedWaitMs = cause.askedWaitMs;
		error.writeRefusedWaitMs = cause.writeRefusedWaitMs;
	}
	return error;
}
