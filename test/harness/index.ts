/** Runs our nodes and credential through n8n-core's real execution code over real HTTP (README.md). */
import './env';

export { executeNode } from './execute';
export { runPoll } from './poll';
export { runListSearch } from './list-search';
export { testCredential } from './credential-test';
export { logMark, logsSince, logsToText } from './logs';
export { latestVersion } from './workflow';
export type { TestCredentials } from './workflow';
export { secretPaths } from './secrets';
