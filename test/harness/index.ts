/**
 * Test harness: runs our nodes and credential through n8n-core's real execution code
 * (ExecuteContext, PollContext, LoadOptionsContext, RoutingNode, TriggersAndPollers) over real
 * HTTP. Only what lives in n8n's cli package is rebuilt here (credentials helper, node types,
 * additionalData). See README.md in this folder.
 */
import './env';

export { executeNode } from './execute';
export type { ExecuteNodeOptions, ExecuteNodeResult } from './execute';
export { runPoll, StaticDataNotJsonError } from './poll';
export type { RunPollOptions, RunPollResult } from './poll';
export { runListSearch } from './list-search';
export type { RunListSearchOptions } from './list-search';
export { testCredential } from './credential-test';
export type { CredentialTestResult } from './credential-test';
export {
	HarnessCredentialsHelper,
	registerCredentialType,
	getCredentialType,
} from './credentials-helper';
export { clearLogs, getLogs, logMark, logsSince, logsToText, safeStringify } from './logs';
export type { CapturedLog, LogLevel } from './logs';
export { ensureN8nCore } from './core';
export { setUpNodeRun, setUpWorkflowRun } from './context';
export type { NodeRun, NodeRunOptions, WorkflowRun } from './context';
export {
	PACKAGE_NAME,
	RINGREADY_CREDENTIAL_TYPE,
	START_NODE_NAME,
	fullTypeName,
	latestVersion,
} from './workflow';
export type { TestCredentials } from './workflow';
export { secretPaths } from './secrets';
