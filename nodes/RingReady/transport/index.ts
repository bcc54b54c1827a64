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
export type { RequestOptions } from './http';
export { fetchRecording } from './recording';
export type { AudioCheck, RecordingFile, RecordingFunctions } from './recording';
export { RequestSession, RunCancelledError, RETRY_POLICY, RETRYABLE_STATUSES } from './session';
export type {
	ResolvedCredential,
	RetryPolicy,
	RingReadyFunctions,
	SessionOptions,
} from './session';
