/**
 * The `RingReady API` credential, tested the way n8n tests a credential when the user saves it
 * (CredentialsTester: its `test` request run through n8n-core's RoutingNode, `authenticate`
 * applied, failures mapped through its `rules`) against the local sandbox over HTTP.
 */
import { RingReadyApi } from '../credentials/RingReadyApi.credentials';
import { logsToText, testCredential } from './harness';
import { startSandbox } from './sandbox';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

const credential = new RingReadyApi();
let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, controls: true });
});

afterAll(async () => {
	await sandbox?.close();
});

beforeEach(() => {
	sandbox.control.clearRequests();
});

function requests() {
	return sandbox.control.requests().log;
}

/** Runs the credential test and checks the key shows up neither in the message nor in n8n's logs. */
async function runTest(apiKey: string, baseUrl: string) {
	const result = await testCredential(credential, { apiKey, baseUrl });
	if (apiKey.length > 0) {
		expect(result.message).not.toContain(apiKey);
		expect(logsToText(result.logs)).not.toContain(apiKey);
	}
	return result;
}

const INVALID_OR_REVOKED = /invalid or (has been )?revoked/i;

it('the credential is "RingReady API": a required password API key and a Base URL, tested with GET /api/v1/whoami', () => {
	expect(credential).toMatchObject({ name: 'ringReadyApi', displayName: 'RingReady API' });
	const [apiKey, baseUrl] = credential.properties;
	expect(credential.properties).toHaveLength(2);
	expect(apiKey).toMatchObject({ name: 'apiKey', type: 'string', required: true, default: '' });
	expect(apiKey.typeOptions?.password).toBe(true);
	expect(apiKey.placeholder).toMatch(/^rr_live_/);
	expect(baseUrl).toMatchObject({
		name: 'baseUrl',
		type: 'string',
		default: 'https://www.ring-ready.com',
	});
	expect(credential.test.request).toMatchObject({ method: 'GET', url: '/api/v1/whoami' });
});

describe('RingReady API credential: test against the sandbox', () => {
	it('a good key passes, with one GET /api/v1/whoami carrying that key', async () => {
		const result = await runTest(sandbox.keys.readWrite, sandbox.url);
		expect(result).toMatchObject({ status: 'OK' });
		const log = requests();
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ method: 'GET', path: '/api/v1/whoami', status: 200 });
		expect(sandbox.keys.readWrite.startsWith(String(log[0].key).replace(/…$/, ''))).toBe(true);
	});

	it('keys with any scope pass (whoami needs no scope)', async () => {
		expect((await runTest(sandbox.keys.readOnly, sandbox.url)).status).toBe('OK');
		expect((await runTest(sandbox.keys.writeOnly, sandbox.url)).status).toBe('OK');
		expect((await runTest(sandbox.keys.otherAccount, sandbox.url)).status).toBe('OK');
	});

	it.each([
		['a revoked key', 'revoked'],
		['a made-up rr_live_ key', 'rr_live_0000000000000000000000000000dead'],
		['garbage', 'not a key at all'],
		['a key with the wrong prefix', 'sk_live_1234567890abcdef'],
	])('%s fails with a message saying the key is invalid or revoked', async (_label, key) => {
		const result = await runTest(key === 'revoked' ? sandbox.keys.revoked : key, sandbox.url);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(INVALID_OR_REVOKED);
		// n8n-core retries a 401 once after preAuthentication, so n8n itself may send the test twice.
		expect(requests().every((r) => r.path === '/api/v1/whoami' && r.status === 401)).toBe(true);
	});

	it('refuses a non-HTTPS remote base URL before sending anything', async () => {
		const key = sandbox.keys.readWrite;
		// No internet here: had a request been attempted, the error would be a DNS/connection code.
		const remote = await runTest(key, 'http://example.com');
		expect(remote.status).toBe('Error');
		expect(remote.message).toMatch(/https:\/\//);
		expect(remote.message).not.toMatch(/ENOTFOUND|EAI_AGAIN|ECONNREFUSED/);

		// 0.0.0.0 is not a loopback name, but a connection to it would reach the sandbox: the
		// sandbox's request log proves nothing was sent.
		const port = new URL(sandbox.url).port;
		const sneaky = await runTest(key, `http://0.0.0.0:${port}`);
		expect(sneaky.status).toBe('Error');
		expect(sneaky.message).toMatch(/https:\/\//);
		expect(requests()).toHaveLength(0);
	});

	it('allows plain http only for loopback hosts (the sandbox via localhost works)', async () => {
		const port = new URL(sandbox.url).port;
		const result = await runTest(sandbox.keys.readWrite, `http://localhost:${port}`);
		expect(result.status).toBe('OK');
		// All of 127.0.0.0/8 is this machine: the request is made (nothing listens there, so it fails
		// to connect), not refused for its scheme.
		const second = await runTest(sandbox.keys.readWrite, `http://127.0.0.2:${port}`);
		expect(second.message).not.toMatch(/https:\/\//);
	});

	it('never puts the key in a failure message', async () => {
		const key = 'rr_live_secret_should_never_leak_4242';
		for (const baseUrl of [sandbox.url, 'http://example.com', `${sandbox.url}/nope`, 'not a url']) {
			const result = await runTest(key, baseUrl);
			expect(result.status).toBe('Error');
			expect(result.message).not.toContain(key);
			expect(result.message).not.toContain('secret_should_never_leak');
		}
	});
});
