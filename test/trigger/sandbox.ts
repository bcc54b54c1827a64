/**
 * The sandbox a trigger test file runs against: importing this starts it before the file's tests,
 * resets it before each test and closes it after them.
 */
import type { TestCredentials } from '../harness';
import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';

export let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, controls: true });
});
afterAll(async () => {
	await sandbox?.close();
});
beforeEach(() => {
	sandbox.control.reset();
});

/** A RingReady API credential for one of the sandbox's keys (of this sandbox or another one). */
export const credentials = (
	key: keyof Sandbox['keys'] = 'readWrite',
	on: Sandbox = sandbox,
): TestCredentials => ({ apiKey: on.keys[key], baseUrl: on.url });
