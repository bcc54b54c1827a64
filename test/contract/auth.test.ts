/** Authentication, scopes, account isolation, unknown paths and methods (docs/ringready-api.md: Authentication, Errors). */

import { startSandbox, type Sandbox } from '../sandbox';
import { call } from './helpers';

let sb: Sandbox;
let bConversationId: number;
let aConversationId: number;

beforeAll(async () => {
	sb = await startSandbox();
	aConversationId = sb.control.conversations('A')[0].id;
	bConversationId = sb.control.conversations('B')[0].id;
});
afterAll(() => sb.close());

const READ_PATHS = () => [
	'/api/v1/conversations',
	`/api/v1/conversations/${aConversationId}`,
	'/api/v1/agents',
	'/api/v1/agents/7',
];

describe('demo keys', () => {
	test('look like rr_live_<hex>, are distinct, and are fixed per seed', async () => {
		const keys = Object.values(sb.keys);
		expect(keys).toHaveLength(5);
		for (const key of keys) expect(key).toMatch(/^rr_live_[0-9a-f]{32}$/);
		expect(new Set(keys).size).toBe(5);
		expect(new Set(keys.map((k) => k.slice(0, 12))).size).toBe(5);

		const same = await startSandbox({ seed: 1, conversationsPerAccount: { A: 5, B: 2 } });
		const other = await startSandbox({ seed: 2, conversationsPerAccount: { A: 5, B: 2 } });
		try {
			expect(same.keys).toEqual(sb.keys);
			expect(Object.values(other.keys).some((k) => Object.values(sb.keys).includes(k))).toBe(false);
		} finally {
			await same.close();
			await other.close();
		}
	});
});

describe('GET /api/v1/whoami (any valid key)', () => {
	test.each([
		['readWrite', 142, 'you@example.com', ['read', 'write']],
		['readOnly', 142, 'you@example.com', ['read']],
		['writeOnly', 142, 'you@example.com', ['write']],
		['otherAccount', 207, 'frontdesk@northside-vet.example', ['read', 'write']],
	] as const)('%s key', async (name, userId, email, scopes) => {
		const key = sb.keys[name];
		const res = await call(sb, '/api/v1/whoami', { key });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.body).toEqual({
			user_id: userId,
			email,
			auth_method: 'api_key',
			api_key_prefix: key.slice(0, 12),
			scopes,
		});
		expect(res.body.api_key_prefix).toMatch(/^rr_live_[0-9a-f]{4}$/);
		expect(res.text).not.toContain(key);
	});
});

describe('401: missing, malformed, invalid or revoked key', () => {
	const cases: Array<[string, (s: Sandbox) => Record<string, string>, RegExp]> = [
		['no Authorization header', () => ({}), /missing/i],
		['empty Authorization header', () => ({ Authorization: '' }), /missing/i],
		['"Bearer" with no token', () => ({ Authorization: 'Bearer' }), /malformed/i],
		[
			'Basic scheme',
			(s) => ({ Authorization: `Basic ${Buffer.from(s.keys.readWrite).toString('base64')}` }),
			/malformed/i,
		],
		['bare key without scheme', (s) => ({ Authorization: s.keys.readWrite }), /malformed/i],
		['unknown key', () => ({ Authorization: `Bearer rr_live_${'0'.repeat(32)}` }), /invalid/i],
		[
			'key with a changed character',
			(s) => ({ Authorization: `Bearer ${s.keys.readWrite.slice(0, -1)}x` }),
			/invalid/i,
		],
		['not an rr_live key at all', () => ({ Authorization: 'Bearer hello' }), /invalid/i],
		['revoked key', (s) => ({ Authorization: `Bearer ${s.keys.revoked}` }), /revoked/i],
	];
	test.each(cases)('%s → 401 {detail} on every endpoint', async (_name, headers, detail) => {
		for (const path of ['/api/v1/whoami', ...READ_PATHS()]) {
			const res = await call(sb, path, { headers: headers(sb) });
			expect({ path, status: res.status }).toEqual({ path, status: 401 });
			expect(Object.keys(res.body)).toEqual(['detail']);
			expect(res.body.detail).toMatch(detail);
			expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
		}
		const patch = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			headers: headers(sb),
			body: { agent_goal: 'x' },
		});
		expect(patch.status).toBe(401);
		expect(patch.body.detail).toMatch(detail);
	});

	test('the scheme is case-insensitive', async () => {
		const res = await call(sb, '/api/v1/whoami', {
			headers: { Authorization: `bearer ${sb.keys.readOnly}` },
		});
		expect(res.status).toBe(200);
	});

	test('401 details never echo the key', async () => {
		const res = await call(sb, '/api/v1/whoami', { key: sb.keys.revoked });
		expect(res.text).not.toContain(sb.keys.revoked);
		expect(res.text).not.toContain(sb.keys.revoked.slice(8));
	});
});

describe('403: valid key without the required scope', () => {
	test('write-only key cannot read (detail names the read scope)', async () => {
		for (const path of READ_PATHS()) {
			const res = await call(sb, path, { key: sb.keys.writeOnly });
			expect({ path, status: res.status }).toEqual({ path, status: 403 });
			expect(res.body.detail).toMatch(/"read" scope/);
		}
	});

	test('read-only key cannot PATCH (detail names the write scope), and nothing changes', async () => {
		const before = sb.control.agent(7)!;
		const res = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key: sb.keys.readOnly,
			body: { agent_goal: 'Changed by a read-only key' },
		});
		expect(res.status).toBe(403);
		expect(res.body.detail).toMatch(/"write" scope/);
		expect(sb.control.agent(7)).toEqual(before);
	});

	test('write-only key can PATCH', async () => {
		const res = await call(sb, '/api/v1/agents/8', {
			method: 'PATCH',
			key: sb.keys.writeOnly,
			body: { greeting_message: 'Hello from a write-only key' },
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ id: 8, updated: ['greeting_message'] });
		sb.control.reset();
	});

	test('auth comes first: a revoked key is 401 even with an invalid body', async () => {
		const res = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key: sb.keys.revoked,
			body: {},
		});
		expect(res.status).toBe(401);
	});
});

describe("404: another account's data is invisible (never 403)", () => {
	test("account A cannot see B's conversation or agent", async () => {
		for (const path of [
			`/api/v1/conversations/${bConversationId}`,
			'/api/v1/agents/21',
			'/api/v1/agents/22',
		]) {
			const res = await call(sb, path, { key: sb.keys.readWrite });
			expect({ path, status: res.status }).toEqual({ path, status: 404 });
			expect(Object.keys(res.body)).toEqual(['detail']);
		}
		const patch = await call(sb, '/api/v1/agents/21', {
			method: 'PATCH',
			key: sb.keys.readWrite,
			body: { agent_goal: 'Hijack' },
		});
		expect(patch.status).toBe(404);
		expect(sb.control.agent(21)!.agent_goal).not.toBe('Hijack');
	});

	test("account B cannot see A's conversation or agent", async () => {
		for (const path of [`/api/v1/conversations/${aConversationId}`, '/api/v1/agents/7']) {
			const res = await call(sb, path, { key: sb.keys.otherAccount });
			expect(res.status).toBe(404);
		}
	});

	test('the same detail for "not yours" and "does not exist"', async () => {
		const notMine = await call(sb, '/api/v1/agents/21', { key: sb.keys.readWrite });
		const missing = await call(sb, '/api/v1/agents/999999', { key: sb.keys.readWrite });
		expect(missing.status).toBe(404);
		expect(notMine.body).toEqual(missing.body);
		const c1 = await call(sb, `/api/v1/conversations/${bConversationId}`, {
			key: sb.keys.readWrite,
		});
		const c2 = await call(sb, '/api/v1/conversations/999999999', { key: sb.keys.readWrite });
		expect(c2.status).toBe(404);
		expect(c1.body).toEqual(c2.body);
	});

	test("lists contain only the key owner's data", async () => {
		const a = await call(sb, '/api/v1/agents', { key: sb.keys.readWrite });
		const b = await call(sb, '/api/v1/agents', { key: sb.keys.otherAccount });
		expect(a.body.agents.map((x: { id: number }) => x.id)).toEqual([7, 8, 9, 10]);
		expect(b.body.agents.map((x: { id: number }) => x.id)).toEqual([21, 22]);
		const bIds = new Set(sb.control.conversations('B').map((c) => c.id));
		const page = await call(sb, '/api/v1/conversations?limit=200', { key: sb.keys.readWrite });
		expect(page.body.conversations.some((c: { id: number }) => bIds.has(c.id))).toBe(false);
		const bPage = await call(sb, '/api/v1/conversations?limit=200', { key: sb.keys.otherAccount });
		expect(bPage.body.conversations.length).toBe(bIds.size);
		expect(bPage.body.conversations.every((c: { id: number }) => bIds.has(c.id))).toBe(true);
	});

	test('non-integer ids are 422 naming id', async () => {
		for (const path of [
			'/api/v1/conversations/abc',
			'/api/v1/agents/7.5',
			'/api/v1/agents/0',
			'/api/v1/agents/-7',
		]) {
			const res = await call(sb, path, { key: sb.keys.readWrite });
			expect({ path, status: res.status }).toEqual({ path, status: 422 });
			expect(res.body.detail).toMatch(/\bid\b/);
		}
	});
});

describe('unknown paths and methods', () => {
	test.each([
		'/api/v1/nope',
		'/api/v2/whoami',
		'/api/v1/conversations/1/extra',
		'/api/v1/conversations/',
		'/api/v1/agents/',
		'//api/v1/whoami',
		'/',
		'/__sandbox/requests',
	])('%s → 404 {detail}', async (path) => {
		const res = await call(sb, path, { key: sb.keys.readWrite });
		expect(res.status).toBe(404);
		expect(Object.keys(res.body)).toEqual(['detail']);
	});

	test.each([
		['POST', '/api/v1/conversations', 'GET'],
		['DELETE', '/api/v1/conversations/1', 'GET'],
		['PATCH', '/api/v1/conversations/1', 'GET'],
		['PUT', '/api/v1/agents/7', 'GET, PATCH'],
		['DELETE', '/api/v1/agents/7', 'GET, PATCH'],
		['POST', '/api/v1/agents', 'GET'],
		['POST', '/api/v1/whoami', 'GET'],
	])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
		const res = await call(sb, path, { method, key: sb.keys.readWrite, body: {} });
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toBe(allow);
		expect(Object.keys(res.body)).toEqual(['detail']);
	});
});
