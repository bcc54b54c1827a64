/**
 * The transport: the one way this package talks to RingReady. A caller builds a RequestSession for
 * its run (node run, poll, list search) and sends its requests with it (the endpoints are in
 * shared/api.ts).
 */
export {
	networkErrorCode,
	networkFailureText,
	SSRF_ADVICE,
	SSRF_BLOCKED,
	withoutKey,
} from './errors';
export {
	API_PREFIX,
	apiRequest,
	baseUrlOf,
	ExchangeFailed,
	executionCancelSignal,
	header,
	readBody,
	RequestSession,
	RETRY_POLICY,
	RunCancelledError,
	send,
	TRANSCRIPT_CONCURRENCY,
} from './http';
export type {
	Answer,
	ApiRequestOptions,
	RequestOptions,
	ResolvedCredential,
	RetryPolicy,
	RingReadyFunctions,
	SessionOptions,
	ShapeCheck,
} from './http';
