import type {
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

import { assertSafeDestination } from '../../../credentials/RingReadyApi.credentials';
import { API_PREFIX } from '../shared/contract';
import type { RequestThrottle } from './throttle';

export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

export const RETRY_POLICY = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxBackoffMs: 8_000,
	maxRetryAfterMs: 60_000,
	retryableStatuses: [429, 502, 503, 504],
	/** Connection failures after the request may have left; refused or unresolvable hosts are not retried. */
	retryableNetworkCodes: ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'EAI_AGAIN'],
} as const;

export interface ApiRequestOptions {
	qs?: IDataObject;
	body?: IDataObject;
	itemIndex?: number;
	throttle?: RequestThrottle;
	/** With a throttle: take the next free slot ahead of the queued requests (list pages). */
	first?: boolean;
	// MERGE NOTE (trigger helper): `deadline` is the key helper's (take their definition and its
	// handling in apiRequest); `onResponse` is the trigger's: it reads the server's clock (Date header).
	/** Epoch ms by which the request must have finished. */
	deadline?: number;
	/** Called with the headers of each successful response. */
	onResponse?: (headers: Record<string, string | string[] | undefined>) => void;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

function normalizeBaseUrl(baseUrl: unknown): string {
	return String(baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
}

function withoutEmpty(query: IDataObject | undefined): IDataObject | undefined {
	if (!query) return undefined;
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== null && value !== '') kept[key] = value;
	}
	return kept;
}

/**
 * The one way this package talks to RingReady: credentials, the destination check, retries with
 * backoff (429 honours Retry-After), and errors that say what to do. Errors are built from the
 * response status and the API's `detail` only, so neither the key nor the request headers can
 * reach an error message, a log or an output item.
 */
export async function apiRequest(
	this: RingReadyFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions = {},
): Promise<unknown> {
	const { itemIndex, throttle } = options;
	const node = this.getNode();
	let request: IHttpRequestOptions | undefined;

	for (let attempt = 1; ; attempt++) {
		await throttle?.acquire(options.first);
		if (!request) {
			// Built once a slot is free: n8n loads and decrypts the credential on every read, and a
			// thousand queued transcript fetches reading it up front would hold back the next list page.
			try {
				request = await buildRequest.call(this, method, path, options);
			} finally {
				if (!request) throttle?.release();
			}
		}
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				request,
			)) as FullResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			if (code && isRetryableNetworkCode(code) && attempt < RETRY_POLICY.maxAttempts) {
				await sleep(backoffMs(attempt));
				continue;
			}
			throw connectionError(node, code, request.url, attempt, itemIndex);
		} finally {
			throttle?.release();
		}

		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			throttle?.succeeded();
			options.onResponse?.(response.headers);
			return response.body;
		}
		if (
			(RETRY_POLICY.retryableStatuses as readonly number[]).includes(status) &&
			attempt < RETRY_POLICY.maxAttempts
		) {
			if (status === 429) {
				const waitMs = retryAfterMs(response.headers['retry-after']) ?? backoffMs(attempt);
				throttle?.throttled(waitMs);
				await sleep(waitMs);
			} else {
				await sleep(backoffMs(attempt));
			}
			continue;
		}
		throw responseError(node, { status, body: response.body, method, path, attempt, itemIndex });
	}
}

async function buildRequest(
	this: RingReadyFunctions,
	method: IHttpRequestMethods,
	path: string,
	options: ApiRequestOptions,
): Promise<IHttpRequestOptions> {
	const credentials = await this.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE, options.itemIndex);
	const request: IHttpRequestOptions = {
		method,
		url: `${normalizeBaseUrl(credentials.baseUrl)}${API_PREFIX}${path}`,
		qs: withoutEmpty(options.qs),
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	if (options.body !== undefined) {
		// Serialised here: n8n's HTTP layer drops keys such as "__proto__" and "constructor" from object
		// bodies, and those are legitimate FAQ questions.
		request.body = JSON.stringify(options.body);
		request.headers = { 'Content-Type': 'application/json' };
	}
	try {
		assertSafeDestination(request);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message, {
			itemIndex: options.itemIndex,
			description: 'Fix the Base URL in the RingReady API credential.',
		});
	}
	return request;
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
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection timed out',
};

function connectionError(
	node: INode,
	code: string | undefined,
	url: string,
	attempts: number,
	itemIndex: number | undefined,
): NodeApiError {
	const origin = new URL(url).origin;
	// The raw code stays out of the message: NodeApiError swaps any message naming one for a generic text.
	return new NodeApiError(node, { connection: code ?? 'failed' } as JsonObject, {
		message: `Could not reach RingReady at ${origin}: ${NETWORK_FAILURES[code ?? ''] ?? 'the request failed'}`,
		description: `${attempts > 1 ? `Tried ${attempts} times. ` : ''}Check that the Base URL in the RingReady API credential is right and that this n8n can reach it${
			code ? ` (error code ${code})` : ''
		}.`,
		itemIndex,
	});
}

function apiDetail(body: unknown): string | undefined {
	if (body && typeof body === 'object' && 'detail' in body) {
		const detail = (body as { detail: unknown }).detail;
		return typeof detail === 'string' ? detail : JSON.stringify(detail);
	}
	return undefined;
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
	},
): NodeApiError {
	const { status, body, method, path, attempt, itemIndex } = failure;
	const detail = apiDetail(body);
	let message: string;
	let description: string;
	switch (status) {
		case 401:
			message = 'RingReady rejected the API key: it is invalid or has been revoked';
			description =
				'Create a new key in the RingReady dashboard under Profile → API keys and paste it into the RingReady API credential.';
			break;
		case 403: {
			const scope = method === 'GET' ? 'read' : 'write';
			message = `The API key lacks the "${scope}" scope needed for this operation`;
			description = `Create a key with the ${scope} scope in the RingReady dashboard under Profile → API keys${
				scope === 'write' ? ' (updating an agent or its FAQ needs write)' : ''
			} and use it in the RingReady API credential.`;
			break;
		}
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
					? 'The RingReady service had a problem. Try again in a few minutes.'
					: 'Check the node parameters and try again.';
	}
	return new NodeApiError(node, { status, detail: detail ?? null } as JsonObject, {
		message,
		description,
		httpCode: String(status),
		itemIndex,
	});
}
