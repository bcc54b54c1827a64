/**
 * The transport: the one way this package talks to RingReady. A caller builds a RequestSession for
 * its run (node run, poll, list search) and calls the endpoint helpers with it.
 */
export { getAccount } from './account';
export { getAgent, listAgents, updateAgent } from './agents';
export {
	conversationPages,
	fetchConversationDetails,
	getConversation,
	getConversationPage,
} from './conversations';
export type { DetailOutcome } from './conversations';
export { downloadRecording, recordingBinary } from './recording';
export type { RecordingFile, RecordingFunctions } from './recording';
export type { RequestOptions } from './request';
export { RequestSession, RunCancelledError } from './session';
export type { ResolvedCredential, SessionOptions } from './session';
export { CREDENTIAL_TYPE, RETRY_POLICY, RETRYABLE_STATUSES } from './types';
export type { RetryPolicy, RingReadyFunctions } from './types';
