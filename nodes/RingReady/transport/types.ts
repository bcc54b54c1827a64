import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { REQUEST_TIMEOUT_MS } from '../../../credentials/RingReadyApi.credentials';

/** What every request path shares and nothing of the transport depends on: no imports back. */
export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

/** How long and how often a request is tried. A session carries one (tests give theirs a short one). */
export interface RetryPolicy {
	/** Attempts for 5xx answers and dropped connections; a 429 is retried while its waits fit in maxRetryMs. */
	maxAttempts: number;
	baseDelayMs: number;
	maxBackoffMs: number;
	/** Cap on the growing wait between 429s; a longer Retry-After is waited in full when it fits in maxRetryMs. */
	maxRetryAfterMs: number;
	/** No retry (nor its wait) starts later than this after the first attempt. */
	maxRetryMs: number;
	/** Each attempt's own limit (n8n's default would be 300 s). */
	requestTimeoutMs: number;
	/** Below this much time left before a deadline, a request is not started. */
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
