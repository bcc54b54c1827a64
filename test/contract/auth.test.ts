/** Authentication, scopes, account isolation, unknown paths and methods (docs/ringready-api.md: Authentication, Errors). */
import { startSandbox, type Sandbox } from '../sandbox';
import { call, expectError } from './helpers';

let sb: Sandbox;
let aConversation: number;
let bConversation: number;

beforeAll(async () => {
	sb = await startSandbox();
	aConversation = sb.control.conversations('A')[0].id;
	bConversation = sb.control.conversations('B')[0].id;
});
afterAll(() => sb.close());
afterEach(() => sb.control.reset());

const readPaths = () => [
	'/api/v1/conversations',
	`/api/v1/conversations/${aConversation}`,
	'/api/v1/agents',
	'/api/v1/agents/7',
];

test.each([
	['readWrite', 142, 'you@example.com', ['read', 'write']],
	['readOnly', 142, 'you@example.com', ['read']],
	['writeOnly', 142, 'you@example.com', ['write']],
	['otherAccount', 207, 'frontdesk@northside-vet.example', ['read', 'write']],
] as const)(
	'GET /whoami with the %s key: its owner and scopes',
	async (name, userId, email, scopes) => {
		const key = sb.keys[name];
		expect(key).toMatch(/^rr_live_[0-9a-f]{32}$/);
		const res = await call(sb, '/api/v1/whoami', { key });
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect([res.status, res.body]).toEqual([
			200,
			{ user_id: userId, email, auth_method: 'api_key', api_key_prefix: key.slice(0, 12), scopes },
		]);
		expect(res.text).not.toContain(key);
	},
);

test.each<[string, (s: Sandbox) => string | undefined, RegExp]>([
	['no Authorization header', () => undefined, /missing/i],
	['an empty header', () => '', /missing/i],
	['"Bearer" alone', () => 'Bearer', /malformed/i],
	[
		'the Basic scheme',
		(s) => `Basic ${Buffer.from(s.keys.readWrite).toString('base64')}`,
		/malformed/i,
	],
	['a bare key', (s) => s.keys.readWrite, /malformed/i],
	['an unknown key', () => `Bearer rr_live_${'0'.repeat(32)}`, /invalid/i],
	['a key with a changed character', (s) => `Bearer ${s.keys.readWrite.slice(0, -1)}x`, /invalid/i],
	['not an rr_live key', () => 'Bearer hello', /invalid/i],
	['a revoked key', (s) => `Bearer ${s.keys.revoked}`, /revoked/i],
])('%s → 401 {detail} on every endpoint, before the body is read', async (_, header, detail) => {
	const value = header(sb);
	const headers = value === undefined ? undefined : { Authorization: value };
	for (const [method, path] of [
		...['/api/v1/whoami', ...readPaths()].map((p) => ['GET', p]),
		['PATCH', '/api/v1/agents/7'],
	]) {
		const res = await call(sb, path, {
			method,
			headers,
			body: method === 'PATCH' ? {} : undefined,
		});
		expectError(res, 401, detail);
		expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
		expect(res.text).not.toContain(sb.keys.revoked.slice(8));
	}
});

test('the scheme is case-insensitive', async () => {
	const headers = { Authorization: `bearer ${sb.keys.readOnly}` };
	expect((await call(sb, '/api/v1/whoami', { headers })).status).toBe(200);
});

test('403 without the scope (detail names it); nothing changes; a write-only key may PATCH', async () => {
	for (const path of readPaths()) {
		const res = await call(sb, path, { key: sb.keys.writeOnly });
		expectError(res, 403, /"read" scope/);
	}
	const before = sb.control.agent(7);
	const patch = (key: string) =>
		call(sb, '/api/v1/agents/7', { method: 'PATCH', key, body: { greeting_message: 'Hi' } });
	const readOnly = await patch(sb.keys.readOnly);
	expectError(readOnly, 403, /"write" scope/);
	expect(sb.control.agent(7)).toEqual(before);
	expect((await patch(sb.keys.writeOnly)).body).toEqual({ id: 7, updated: ['greeting_message'] });
});

test("another account's data answers exactly as data that does not exist: 404, never 403", async () => {
	const [a, b, c, agents] = [
		sb.keys.readWrite,
		sb.keys.otherAccount,
		'/api/v1/conversations/',
		'/api/v1/agents/',
	];
	const cases = [
		[a, `${c}${bConversation}`, `${c}999999999`],
		[a, `${agents}21`, `${agents}999999`],
		[a, `${agents}22`, `${agents}999999`],
		[b, `${c}${aConversation}`, `${c}999999999`],
		[b, `${agents}7`, `${agents}999999`],
	];
	for (const [key, notMine, missing] of cases) {
		const [a, b] = [await call(sb, notMine, { key }), await call(sb, missing, { key })];
		expect([notMine, a.status, a.body]).toEqual([notMine, 404, b.body]);
		expect(Object.keys(b.body)).toEqual(['detail']);
	}
	const patch = await call(sb, '/api/v1/agents/21', {
		method: 'PATCH',
		key: sb.keys.readWrite,
		body: { agent_goal: 'Hijack' },
	});
	expect(patch.status).toBe(404);
	expect(sb.control.agent(21)!.agent_goal).not.toBe('Hijack');
});

test("lists hold only the key owner's data", async () => {
	const ids = async (path: string, key: string, field: string) =>
		(await call(sb, path, { key })).body[field].map((x: { id: number }) => x.id);
	expect(await ids('/api/v1/agents', sb.keys.readWrite, 'agents')).toEqual([7, 8, 9, 10]);
	expect(await ids('/api/v1/agents', sb.keys.otherAccount, 'agents')).toEqual([21, 22]);
	const list = '/api/v1/conversations?limit=200';
	const own = (account: 'A' | 'B') =>
		sb.control
			.conversations(account)
			.slice(0, 200)
			.map((c) => c.id);
	expect(await ids(list, sb.keys.readWrite, 'conversations')).toEqual(own('A'));
	expect(await ids(list, sb.keys.otherAccount, 'conversations')).toEqual(own('B'));
});

test.each([
	...[
		'/api/v1/conversations/abc',
		'/api/v1/agents/7.5',
		'/api/v1/agents/0',
		'/api/v1/agents/-7',
	].map((path) => [path, 422, /\bid\b/] as const),
	...[
		'/api/v1/nope',
		'/api/v1/conversations/1/extra',
		'/api/v1/conversations/',
		'/api/v1/agents/',
		'//api/v1/whoami',
		'/',
		'/__sandbox/requests',
	].map((path) => [path, 404, /./] as const),
])(
	'%s → %i {detail} (a bad id names it; controls off: /__sandbox is a 404 too)',
	async (path, status, detail) => {
		expectError(await call(sb, path, { key: sb.keys.readWrite }), status, detail);
	},
);

test.each([
	['POST', '/api/v1/conversations', 'GET'],
	['DELETE', '/api/v1/conversations/1', 'GET'],
	['PUT', '/api/v1/agents/7', 'GET, PATCH'],
	['POST', '/api/v1/agents', 'GET'],
	['POST', '/api/v1/whoami', 'GET'],
])('%s %s → 405 with Allow: %s', async (method, path, allow) => {
	const res = await call(sb, path, { method, key: sb.keys.readWrite, body: {} });
	expectError(res, 405);
	expect(res.headers.get('allow')).toBe(allow);
});
