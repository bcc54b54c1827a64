/**
 * The sandbox's HTTP controls (/__sandbox/), as a user of `npm run sandbox` drives them
 * (test/sandbox/README.md): off unless enabled, then latency, faults, a rate limit, new
 * conversations (now, in one second, late or in the future), the request log, scripted answers and
 * redirects, conversations whose detail fails, and reset. The in-process-only controls are
 * exercised by the node and trigger tests that use them.
 */
import {
	startSandbox,
	type ConversationDetail,
	type RequestLogEntry,
	type Sandbox,
} from '../sandbox';
import { call, qs } from './helpers';

let sb: Sandbox;
let key: string;

beforeAll(async () => {
	sb = await startSandbox({ controls: true });
	key = sb.keys.readWrite;
});
afterAll(() => sb.close());
afterEach(() => sb.control.reset());

const control = (path: string, method = 'POST', body?: unknown) =>
	call(sb, `/__sandbox${path}`, { method, body });
const whoami = (withKey: string | null = key) => call(sb, '/api/v1/whoami', { key: withKey });

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const t = performance.now();
	const result = await fn();
	return [result, performance.now() - t];
}

/** A latency far longer than jest lets a test run: a response that arrives at all was not delayed by it. */
const TEN_MINUTES_MS = 600_000;

test('controls are off unless enabled at start: every control path answers 404 and does nothing', async () => {
	const off = await startSandbox({ conversationsPerAccount: { A: 10, B: 2 } });
	try {
		for (const [method, path, body] of [
			['GET', '/__sandbox', undefined],
			['POST', '/__sandbox/latency', { ms: TEN_MINUTES_MS }],
			['POST', '/__sandbox/faults', { status: 503, count: 5 }],
			['POST', '/__sandbox/rate-limit', { maxInFlight: 1 }],
			['POST', '/__sandbox/conversations', { count: 3 }],
			['GET', '/__sandbox/requests', undefined],
			['POST', '/__sandbox/reset', undefined],
			['GET', '/__sandbox/keys', undefined],
			['POST', '/__sandbox/script', { path: '/api/v1/whoami', status: 200, body: '' }],
		] as const) {
			const res = await call(off, path, { method, body });
			expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
			expect(res.text).not.toContain('rr_live_');
		}
		expect((await call(off, '/api/v1/whoami', { key: off.keys.readWrite })).status).toBe(200);
		expect(off.control.conversations('A')).toHaveLength(10);
	} finally {
		await off.close();
	}
});

test('enabled: GET /__sandbox lists them and GET /__sandbox/keys gives the demo keys and agents', async () => {
	expect((await control('', 'GET')).status).toBe(200);
	const res = await control('/keys', 'GET');
	expect(res.body).toEqual({ keys: sb.keys, agents: { A: [7, 8, 9, 10], B: [21, 22] } });
	expect((await control('/nope', 'GET')).status).toBe(404);
	expect((await control('/reset', 'GET')).status).toBe(405);
});

test('invalid control bodies are refused with 422', async () => {
	for (const [path, body] of [
		['/latency', { ms: -1 }],
		['/latency', { ms: 10, extra: 1 }],
		['/faults', { status: 200, count: 1 }],
		['/faults', { status: 503 }],
		['/faults', { status: 503, count: 1, path: 'api' }],
		['/rate-limit', { maxInFlight: 0 }],
		['/conversations', { count: 0 }],
		['/conversations', { count: 1, agent_id: 21 }],
		['/conversations', { count: 1, started_at: 'now' }],
		['/script', { path: 'no-slash', status: 200 }],
		['/script', { path: '/x', status: 200, body: 5 }],
		['/redirect', { path: '/x', location: 'http://a/', status: 200 }],
		['/failing-conversations', { id: 'x' }],
		['/failing-conversations', { id: 5, status: 200 }],
	] as const) {
		const res = await control(path, 'POST', body);
		expect({ path, body, status: res.status }).toEqual({ path, body, status: 422 });
	}
});

test('latency delays every API response, errors too, while the controls still answer', async () => {
	expect((await control('/latency', 'POST', { ms: 300 })).status).toBe(200);
	const [ok, okMs] = await timed(() => whoami());
	const [unauthorized, errorMs] = await timed(() => whoami(null));
	expect([ok.status, unauthorized.status]).toEqual([200, 401]);
	expect(Math.min(okMs, errorMs)).toBeGreaterThanOrEqual(290);
	sb.control.setLatency(TEN_MINUTES_MS);
	expect((await control('/keys', 'GET')).status).toBe(200);
});

test('faults: the next N requests (under a path prefix) get the status and Retry-After, before auth; then normal service', async () => {
	await control('/faults', 'POST', { status: 503, retryAfter: 3, count: 2 });
	const first = await whoami(null);
	expect([first.status, first.headers.get('retry-after'), Object.keys(first.body)]).toEqual([
		503,
		'3',
		['detail'],
	]);
	expect((await whoami()).status).toBe(503);
	expect((await whoami()).status).toBe(200);

	await control('/faults', 'POST', { status: 500, count: 1, path: '/api/v1/conversations/' });
	await control('/faults', 'POST', { status: 502, count: 1, path: '/api/v1/conversations/' });
	const list = await call(sb, '/api/v1/conversations', { key }); // no trailing slash: not matched
	expect(list.status).toBe(200);
	const detail = `/api/v1/conversations/${list.body.conversations[0].id}`;
	const statuses = [];
	for (let i = 0; i < 3; i++) statuses.push((await call(sb, detail, { key })).status);
	expect(statuses).toEqual([500, 502, 200]);

	sb.control.injectFaults({ status: 500, count: 10 });
	await control('/faults', 'DELETE');
	expect((await whoami()).status).toBe(200);
});

test('a dropped fault destroys the connection without an answer', async () => {
	await control('/faults', 'POST', { drop: true, count: 1 });
	await expect(
		fetch(`${sb.url}/api/v1/whoami`, { headers: { Authorization: `Bearer ${key}` } }),
	).rejects.toThrow();
	expect((await whoami()).status).toBe(200);
	expect(sb.control.requests().log.map((e) => [e.dropped, e.status])).toEqual([
		[true, null],
		[false, 200],
	]);
});

test('rate limit: a request while maxInFlight of the same key are in flight gets 429 with Retry-After; keys apart; null clears', async () => {
	sb.control.setLatency(300);
	await control('/rate-limit', 'POST', { maxInFlight: 1, retryAfter: 2 });
	const [a, b, other] = await Promise.all([
		whoami(),
		whoami(),
		call(sb, '/api/v1/whoami', { key: sb.keys.readOnly }),
	]);
	expect([a.status, b.status].sort()).toEqual([200, 429]);
	expect([a, b].find((r) => r.status === 429)!.headers.get('retry-after')).toBe('2');
	expect(other.status).toBe(200);
	await control('/rate-limit', 'POST', { maxInFlight: null });
	expect((await Promise.all([whoami(), whoami()])).map((r) => r.status)).toEqual([200, 200]);
});

test('POST /__sandbox/conversations: new ids, started now, newest first; in one second, for an agent, a channel or account B', async () => {
	const maxId = () =>
		Math.max(
			...sb.control.conversations('A').map((c) => c.id),
			...sb.control.conversations('B').map((c) => c.id),
		);
	const previousMax = maxId();
	const before = Date.now();
	const res = await control('/conversations', 'POST', { count: 3 });
	const created: ConversationDetail[] = res.body.conversations;
	expect(created.map((c) => c.id)).toEqual([previousMax + 1, previousMax + 2, previousMax + 3]);
	const last = Date.parse(created[2].started_at);
	expect(last).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
	expect(last).toBeLessThanOrEqual(Date.now());
	expect(created.map((c) => Date.parse(c.started_at))).toEqual([last - 2000, last - 1000, last]);
	const page = await call(sb, '/api/v1/conversations?limit=3', { key });
	expect(page.body.conversations.map((c: { id: number }) => c.id)).toEqual(
		created.map((c) => c.id).reverse(),
	);
	expect((await call(sb, `/api/v1/conversations/${created[0].id}`, { key })).body).toEqual(
		created[0],
	);

	const chats: ConversationDetail[] = (
		await control('/conversations', 'POST', {
			count: 4,
			same_second: true,
			agent_id: 8,
			channel: 'web_chat',
		})
	).body.conversations;
	expect(new Set(chats.map((c) => c.started_at)).size).toBe(1);
	expect(chats.every((c) => c.agent_id === 8 && c.channel === 'web_chat')).toBe(true);

	const [b] = (await control('/conversations', 'POST', { account: 'B', count: 1 })).body
		.conversations;
	expect(
		(await call(sb, `/api/v1/conversations/${b.id}`, { key: sb.keys.otherAccount })).status,
	).toBe(200);
	expect((await call(sb, `/api/v1/conversations/${b.id}`, { key })).status).toBe(404);
});

test('a conversation at a given started_at: in the past a new, higher id that since still finds; in the future ahead of the Date header', async () => {
	const newestBefore = sb.control.conversations('A')[0];
	const past = '2026-06-01T10:00:00Z';
	const [late] = (await control('/conversations', 'POST', { count: 1, started_at: past })).body
		.conversations;
	expect([late.id > newestBefore.id, late.started_at]).toEqual([true, past]);
	const since = await call(sb, `/api/v1/conversations${qs({ since: past, limit: 1 })}`, { key });
	expect(since.body.conversations[0].id).toBe(late.id);

	const future = '2036-06-10T12:00:00Z';
	const [ahead] = (await control('/conversations', 'POST', { count: 1, started_at: future })).body
		.conversations;
	const page = await call(sb, `/api/v1/conversations${qs({ since: '2036-01-01T00:00:00Z' })}`, {
		key,
	});
	expect(page.body.conversations.map((c: ConversationDetail) => [c.id, c.started_at])).toEqual([
		[ahead.id, future],
	]);
	expect(Math.abs(Date.parse(page.headers.get('date')!) - Date.now())).toBeLessThan(5_000);
});

test('the request log: method, path, query, status, key prefix and times in arrival order, the peak in flight; DELETE clears it', async () => {
	sb.control.setLatency(200);
	await Promise.all([7, 8, 9].map((id) => call(sb, `/api/v1/agents/${id}`, { key })));
	sb.control.setLatency(0);
	expect((await control('/requests', 'GET')).body.peak_in_flight).toBe(3);
	await control('/requests', 'DELETE');
	await call(sb, '/api/v1/conversations?limit=5&channel=phone', { key });
	await call(sb, '/api/v1/agents/7', { method: 'PATCH', key, body: { agent_goal: 'Logged.' } });
	await whoami(null);
	const res = await control('/requests', 'GET');
	expect(res.body.peak_in_flight).toBe(1);
	const log: RequestLogEntry[] = res.body.requests;
	expect(log.map((e) => [e.seq, e.method, e.path, e.status, e.key])).toEqual([
		[1, 'GET', '/api/v1/conversations', 200, `${key.slice(0, 12)}…`],
		[2, 'PATCH', '/api/v1/agents/7', 200, `${key.slice(0, 12)}…`],
		[3, 'GET', '/api/v1/whoami', 401, null],
	]);
	expect(log[0].query).toEqual({ limit: '5', channel: 'phone' });
	for (const e of log) expect(e.ended_ms!).toBeGreaterThanOrEqual(e.started_ms);
	expect(JSON.stringify(res.body)).not.toContain(key);
});

test('a scripted answer: the next request to exactly that path gets the raw status, headers and body, count times', async () => {
	const res = await control('/script', 'POST', {
		path: '/api/v1/agents/7',
		method: 'GET',
		status: 200,
		headers: { 'Content-Type': 'text/html' },
		body: '<html><body>Welcome</body></html>',
		count: 2,
	});
	expect(res.status).toBe(200);
	expect((await call(sb, '/api/v1/agents/70', { key })).status).toBe(404);
	expect((await call(sb, '/api/v1/agents/7', { key, method: 'PATCH', body: {} })).status).toBe(422);
	for (let i = 0; i < 2; i++) {
		const scripted = await call(sb, '/api/v1/agents/7', { key });
		expect([scripted.status, scripted.headers.get('content-type'), scripted.text]).toEqual([
			200,
			'text/html',
			'<html><body>Welcome</body></html>',
		]);
	}
	expect((await call(sb, '/api/v1/agents/7', { key })).body.id).toBe(7);

	await control('/script', 'POST', { path: '/api/v1/whoami', status: 200, body: '' });
	const empty = await whoami();
	expect([empty.text, empty.headers.get('content-type')]).toEqual(['', 'application/json']);
	sb.control.scriptResponse({ path: '/api/v1/whoami', status: 500 });
	expect((await control('/script', 'DELETE')).body).toEqual({ queued: [] });
	expect((await whoami()).status).toBe(200);
});

test('a redirect answers 302 (or the given 3xx) with Location and an empty body', async () => {
	await control('/redirect', 'POST', {
		path: '/api/v1/agents',
		location: 'http://127.0.0.1:9/api/v1/agents',
		status: 307,
	});
	const redirected = await fetch(`${sb.url}/api/v1/agents`, {
		headers: { Authorization: `Bearer ${key}` },
		redirect: 'manual',
	});
	expect([redirected.status, redirected.headers.get('location'), await redirected.text()]).toEqual([
		307,
		'http://127.0.0.1:9/api/v1/agents',
		'',
	]);
	await control('/redirect', 'POST', { path: '/api/v1/agents', location: '/elsewhere' });
	expect((await fetch(`${sb.url}/api/v1/agents`, { redirect: 'manual' })).status).toBe(302);
});

test('a failing conversation: its detail answers 500 (or the status) on every request, nothing else changes; GET lists, DELETE clears', async () => {
	const [failing, other, third] = sb.control.conversations('A');
	expect((await control('/failing-conversations', 'POST', { id: failing.id })).status).toBe(200);
	await control('/failing-conversations', 'POST', { id: third.id, status: 503 });
	for (let i = 0; i < 2; i++) {
		const detail = await call(sb, `/api/v1/conversations/${failing.id}`, { key });
		expect([detail.status, detail.body]).toEqual([500, { detail: 'Internal server error' }]);
	}
	expect((await call(sb, `/api/v1/conversations/${third.id}`, { key })).status).toBe(503);
	expect((await call(sb, `/api/v1/conversations/${other.id}`, { key })).status).toBe(200);
	const page = await call(sb, '/api/v1/conversations?limit=2', { key });
	expect(page.body.conversations.map((c: { id: number }) => c.id)).toEqual([failing.id, other.id]);
	expect((await control('/failing-conversations', 'GET')).body).toEqual({
		failing: { [failing.id]: 500, [third.id]: 503 },
	});
	expect((await control('/failing-conversations', 'DELETE')).body).toEqual({ failing: {} });
	expect((await call(sb, `/api/v1/conversations/${failing.id}`, { key })).status).toBe(200);
});

test('POST /__sandbox/reset restores data, latency, faults, rate limit, scripts, failing conversations and the log', async () => {
	const seeded = sb.control.conversations('A').map((c) => c.id);
	const agent7 = sb.control.agent(7);
	sb.control.addConversations({ count: 5 });
	await call(sb, '/api/v1/agents/7', {
		method: 'PATCH',
		key,
		body: { faq: {}, business_name: 'Changed' },
	});
	sb.control.setRateLimit({ maxInFlight: 1 });
	sb.control.injectFaults({ status: 500, count: 100, path: '/api/v1/agents' });
	sb.control.redirect({ path: '/api/v1/whoami', location: 'https://example.com/' });
	sb.control.failConversation({ id: seeded[0] });
	sb.control.setLatency(TEN_MINUTES_MS);

	expect((await control('/reset', 'POST')).status).toBe(200);
	expect(sb.control.conversations('A').map((c) => c.id)).toEqual(seeded);
	expect(sb.control.agent(7)).toEqual(agent7);
	expect(sb.control.requests()).toEqual({ log: [], peakInFlight: 0, connections: 0 });
	const results = await Promise.all([
		call(sb, '/api/v1/agents', { key }),
		call(sb, '/api/v1/agents', { key }),
		whoami(),
		call(sb, `/api/v1/conversations/${seeded[0]}`, { key }),
	]);
	expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
	const [c] = sb.control.addConversations({ count: 1 });
	expect(c.id).toBe(Math.max(...seeded, ...sb.control.conversations('B').map((x) => x.id)) + 1);
});
