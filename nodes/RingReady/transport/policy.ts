import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { REQUEST_TIMEOUT_MS } from '../../../credentials/RingReadyApi.credentials';

/** What every request path shares and nothing of the transport depends on: no imports back. */
export type RingReadyFunctions = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'ringReadyApi';

export const RETRY_POLICY = {
	/** Attempts for 5xx answers and dropped connections; a 429 is retried while its waits fit in maxRetryMs. */
	maxAttempts: 6,
	baseDelayMs: 500,
	maxBackoffMs: 8_000,
	/** Cap on the growing wait between 429s; a longer Retry-After is waited in full when it fits in maxRetryMs. */
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
