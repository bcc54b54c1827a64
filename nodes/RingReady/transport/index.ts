/**
 * The transport: the one way this package talks to RingReady. A caller builds a RequestSession for
 * its run (node run, poll, list search) and calls the endpoint helpers with it.
 */
export {
	conversationPages,
	getAccount,
	getAgent,
	getConversation,
	getConversationPage,
	listAgents,
	updateAgent,
} from './api';
export {
	networkErrorCode,
	networkFailureText,
	SSRF_ADVICE,
	SSRF_BLOCKED,
	withoutKey,
} from './errors';
export {
	baseUrlOf,
	ExchangeFailed,
	executionCancelSignal,
	header,
	readBody,
	send,
} from './http';
export type { Answer, RequestOptions } from './http';
export { RequestSession, RunCancelledError, RETRY_POLICY, RETRYABLE_STATUSES } from './session';
export type {
	ResolvedCredential,
	RetryPolicy,
	RingReadyFunctions,
	SessionOptions,
} from './session';
