/**
 * The `RingReady API` credential, tested the way n8n tests a credential when the user saves it
 * (CredentialsTester: its `test` request run through n8n-core's RoutingNode, `authenticate`
 * applied, failures mapped through its `rules`) against the local sandbox over HTTP.
 */
import { RingReadyApi } from '../credentials/RingReadyApi.credentials';
import { logsToText, testCredential } from './harness';
import { apiRequests, useSandbox } from './node/fixture';

const credential = new RingReadyApi();
const ctx = useSandbox();

/** Runs the credential test and checks the key shows up neither in the message nor in n8n's logs. */
async function runTest(apiKey: string, baseUrl = ctx.sandbox.url) {
	const result = await testCredential(credential, { apiKey, baseUrl });
	expect(result.message).not.toContain(apiKey);
	expect(logsToText(result.logs)).not.toContain(apiKey);
	return result;
}

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
	it.each(['readWrite', 'readOnly', 'writeOnly', 'otherAccount'] as const)(
		'a %s key passes (whoami needs no scope), with one GET /api/v1/whoami carrying that key',
		async (key) => {
			expect(await runTest(ctx.sandbox.keys[key])).toMatchObject({ status: 'OK' });
			const log = apiRequests();
			expect(log).toHaveLength(1);
			expect(log[0]).toMatchObject({ method: 'GET', path: '/api/v1/whoami', status: 200 });
			expect(ctx.sandbox.keys[key].startsWith(String(log[0].key).replace(/…$/, ''))).toBe(true);
		},
	);

	it.each([
		['a revoked key', 'revoked'],
		['a made-up rr_live_ key', 'rr_live_0000000000000000000000000000dead'],
		['garbage', 'not a key at all'],
		['a key with the wrong prefix', 'sk_live_1234567890abcdef'],
	])('%s fails with a message saying the key is invalid or revoked', async (_label, key) => {
		const result = await runTest(key === 'revoked' ? ctx.sandbox.keys.revoked : key);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/invalid or (has been )?revoked/i);
		// n8n-core retries a 401 once after preAuthentication, so n8n itself may send the test twice.
		expect(apiRequests().every((r) => r.path === '/api/v1/whoami' && r.status === 401)).toBe(true);
	});

	it('refuses a non-HTTPS remote base URL before sending anything, and never puts the key in a failure message', async () => {
		const key = 'rr_live_secret_should_never_leak_4242';
		const port = new URL(ctx.sandbox.url).port;
		// No internet here: had a request been attempted, the error would be a DNS/connection code.
		// 0.0.0.0 is not a loopback name, but a connection to it would reach the sandbox.
		for (const baseUrl of ['http://example.com', `http://0.0.0.0:${port}`]) {
			const refused = await runTest(key, baseUrl);
			expect(refused.status).toBe('Error');
			expect(refused.message).toMatch(/https:\/\//);
			expect(refused.message).not.toMatch(/ENOTFOUND|EAI_AGAIN|ECONNREFUSED/);
		}
		expect(apiRequests()).toHaveLength(0);
		for (const baseUrl of [ctx.sandbox.url, `${ctx.sandbox.url}/nope`, 'not a url']) {
			const result = await runTest(key, baseUrl);
			expect(result.status).toBe('Error');
			expect(result.message).not.toContain('secret_should_never_leak');
		}
	});

	it('allows plain http only for loopback hosts (the sandbox via localhost works)', async () => {
		const port = new URL(ctx.sandbox.url).port;
		const result = await runTest(ctx.sandbox.keys.readWrite, `http://localhost:${port}`);
		expect(result.status).toBe('OK');
		// All of 127.0.0.0/8 is this machine: the request is made (nothing listens there, so it fails
		// to connect), not refused for its scheme.
		const second = await runTest(ctx.sandbox.keys.readWrite, `http://127.0.0.2:${port}`);
		expect(second.message).not.toMatch(/https:\/\//);
	});
});
