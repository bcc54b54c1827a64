/** The sandbox's test controls, over HTTP (/__sandbox/) and in-process, and that they are off by default. */
import http from 'http';

import {
	startSandbox,
	type ConversationDetail,
	type RequestLogEntry,
	type Sandbox,
} from '../sandbox';
import { call, flatten, qs, walk } from './helpers';

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

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const t = performance.now();
	const result = await fn();
	return [result, performance.now() - t];
}

describe('controls are 404 unless enabled at start', () => {
	test('every control path answers 404 like any unknown path, and does nothing', async () => {
		const off = await startSandbox({ conversationsPerAccount: { A: 10, B: 2 } });
		try {
			const before = off.control.conversations('A').length;
			for (const [method, path, body] of [
				['GET', '/__sandbox', undefined],
				['POST', '/__sandbox/latency', { ms: 2000 }],
				['POST', '/__sandbox/faults', { status: 503, count: 5 }],
				['DELETE', '/__sandbox/faults', undefined],
				['POST', '/__sandbox/rate-limit', { maxInFlight: 1 }],
				['POST', '/__sandbox/conversations', { count: 3 }],
				['GET', '/__sandbox/requests', undefined],
				['DELETE', '/__sandbox/requests', undefined],
				['POST', '/__sandbox/reset', undefined],
				['GET', '/__sandbox/keys', undefined],
				['POST', '/__sandbox/script', { path: '/api/v1/whoami', status: 200, body: '' }],
				[
					'POST',
					'/__sandbox/redirect',
					{ path: '/api/v1/whoami', location: 'http://127.0.0.1:9/' },
				],
				['DELETE', '/__sandbox/script', undefined],
			] as const) {
				const res = await call(off, path, { method, body });
				expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
				expect(res.text).not.toContain('rr_live_');
			}
			const [res, ms] = await timed(() => call(off, '/api/v1/whoami', { key: off.keys.readWrite }));
			expect(res.status).toBe(200);
			expect(ms).toBeLessThan(1500);
			expect(off.control.conversations('A').length).toBe(before);
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
});

describe('latency', () => {
	test('POST /__sandbox/latency delays every API response; controls themselves are not delayed', async () => {
		expect((await control('/latency', 'POST', { ms: 600 })).status).toBe(200);
		const [res, ms] = await timed(() => call(sb, '/api/v1/whoami', { key }));
		expect(res.status).toBe(200);
		expect(ms).toBeGreaterThanOrEqual(590);
		const [, errMs] = await timed(() => call(sb, '/api/v1/whoami'));
		expect(errMs).toBeGreaterThanOrEqual(590); // errors too
		const [, controlMs] = await timed(() => control('/requests', 'GET'));
		expect(controlMs).toBeLessThan(590);
		sb.control.setLatency(0);
		const [, fast] = await timed(() => call(sb, '/api/v1/whoami', { key }));
		expect(fast).toBeLessThan(590);
	});

	test('the start option latencyMs, which reset() returns to', async () => {
		const slow = await startSandbox({ latencyMs: 200, conversationsPerAccount: { A: 5, B: 1 } });
		try {
			const [, ms] = await timed(() => call(slow, '/api/v1/whoami', { key: slow.keys.readOnly }));
			expect(ms).toBeGreaterThanOrEqual(190);
			slow.control.setLatency(0);
			slow.control.reset();
			const [, again] = await timed(() =>
				call(slow, '/api/v1/whoami', { key: slow.keys.readOnly }),
			);
			expect(again).toBeGreaterThanOrEqual(190);
		} finally {
			await slow.close();
		}
	});

	test('invalid bodies → 422', async () => {
		for (const body of [{ ms: -1 }, { ms: 'slow' }, {}, { ms: 10, extra: 1 }]) {
			expect((await control('/latency', 'POST', body)).status).toBe(422);
		}
		expect(() => sb.control.setLatency(-5)).toThrow(/ms/);
	});
});

describe('faults', () => {
	test('the next N requests get the status, then normal service resumes', async () => {
		expect((await control('/faults', 'POST', { status: 503, count: 2 })).status).toBe(200);
		const a = await call(sb, '/api/v1/agents', { key });
		const b = await call(sb, '/api/v1/conversations', { key });
		const c = await call(sb, '/api/v1/agents', { key });
		expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
		expect(Object.keys(a.body)).toEqual(['detail']);
	});

	test.each([429, 500, 502, 503, 504])('status %i, with Retry-After when given', async (status) => {
		sb.control.injectFaults({ status, retryAfter: 3, count: 1 });
		sb.control.injectFaults({ status, count: 1 });
		const first = await call(sb, '/api/v1/whoami', { key });
		expect(first.status).toBe(status);
		expect(first.headers.get('retry-after')).toBe('3');
		const second = await call(sb, '/api/v1/whoami', { key });
		expect(second.status).toBe(status);
		expect(second.headers.get('retry-after')).toBeNull();
	});

	test('a path prefix limits the fault to matching requests; faults queue in order', async () => {
		await control('/faults', 'POST', { status: 500, count: 1, path: '/api/v1/conversations/' });
		await control('/faults', 'POST', { status: 502, count: 1, path: '/api/v1/conversations/' });
		const list = await call(sb, '/api/v1/conversations', { key }); // no trailing slash: not matched
		const agents = await call(sb, '/api/v1/agents', { key });
		expect([list.status, agents.status]).toEqual([200, 200]);
		const id = list.body.conversations[0].id;
		const d1 = await call(sb, `/api/v1/conversations/${id}`, { key });
		const d2 = await call(sb, `/api/v1/conversations/${id}`, { key });
		const d3 = await call(sb, `/api/v1/conversations/${id}`, { key });
		expect([d1.status, d2.status, d3.status]).toEqual([500, 502, 200]);
	});

	test('faults come before auth (they stand for a gateway in front of the service)', async () => {
		sb.control.injectFaults({ status: 502, count: 1 });
		expect((await call(sb, '/api/v1/whoami')).status).toBe(502);
		expect((await call(sb, '/api/v1/whoami')).status).toBe(401);
	});

	test('drop: the connection is destroyed without an answer, for N requests', async () => {
		await control('/faults', 'POST', { drop: true, count: 2 });
		await expect(
			fetch(`${sb.url}/api/v1/whoami`, { headers: { Authorization: `Bearer ${key}` } }),
		).rejects.toThrow();
		await expect(
			fetch(`${sb.url}/api/v1/agents`, { headers: { Authorization: `Bearer ${key}` } }),
		).rejects.toThrow();
		expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
		const { log } = sb.control.requests();
		expect(log.slice(0, 2).map((e) => [e.dropped, e.status])).toEqual([
			[true, null],
			[true, null],
		]);
		expect(log[2].status).toBe(200);
	});

	test('DELETE /__sandbox/faults clears the queue', async () => {
		sb.control.injectFaults({ status: 500, count: 10 });
		await control('/faults', 'DELETE');
		expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
	});

	test('invalid fault specs → 422', async () => {
		for (const body of [
			{ count: 1 },
			{ status: 200, count: 1 },
			{ status: 503 },
			{ status: 503, count: 0 },
			{ status: 503, count: 1, path: 'api' },
		]) {
			expect({ body, status: (await control('/faults', 'POST', body)).status }).toEqual({
				body,
				status: 422,
			});
		}
		expect(() => sb.control.injectFaults({ count: 1 })).toThrow(/status/);
	});
});

describe('rate limit (per key, in flight)', () => {
	test('a request arriving while maxInFlight of the same key are in flight gets 429 with Retry-After', async () => {
		sb.control.setLatency(800);
		await control('/rate-limit', 'POST', { maxInFlight: 2, retryAfter: 2 });
		const results = await Promise.all(
			Array.from({ length: 5 }, () => call(sb, '/api/v1/whoami', { key })),
		);
		const statuses = results.map((r) => r.status).sort();
		expect(statuses).toEqual([200, 200, 429, 429, 429]);
		for (const r of results.filter((x) => x.status === 429)) {
			expect(r.headers.get('retry-after')).toBe('2');
			expect(Object.keys(r.body)).toEqual(['detail']);
		}
	});

	test('keys are limited separately; sequential requests never hit the limit; null clears', async () => {
		sb.control.setLatency(600);
		sb.control.setRateLimit({ maxInFlight: 1 });
		const [a, b] = await Promise.all([
			call(sb, '/api/v1/whoami', { key: sb.keys.readWrite }),
			call(sb, '/api/v1/whoami', { key: sb.keys.readOnly }),
		]);
		expect([a.status, b.status]).toEqual([200, 200]);
		for (let i = 0; i < 3; i++)
			expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
		const busy = await Promise.all([
			call(sb, '/api/v1/whoami', { key }),
			call(sb, '/api/v1/whoami', { key }),
		]);
		expect(busy.map((r) => r.status).sort()).toEqual([200, 429]);
		expect(busy.find((r) => r.status === 429)!.headers.get('retry-after')).toBe('1'); // default
		await control('/rate-limit', 'POST', { maxInFlight: null });
		const free = await Promise.all(
			Array.from({ length: 4 }, () => call(sb, '/api/v1/whoami', { key })),
		);
		expect(free.every((r) => r.status === 200)).toBe(true);
	});

	test('invalid specs → 422', async () => {
		for (const body of [{ maxInFlight: 0 }, { maxInFlight: 1.5 }, {}, { maxInFlight: 'many' }]) {
			expect((await control('/rate-limit', 'POST', body)).status).toBe(422);
		}
	});
});

describe('add conversations now', () => {
	const maxId = () =>
		Math.max(
			...sb.control.conversations('A').map((c) => c.id),
			...sb.control.conversations('B').map((c) => c.id),
		);

	test('POST /__sandbox/conversations {count}: new ids, started now (second precision), newest first in the list', async () => {
		const previousMax = maxId();
		const before = Date.now();
		const res = await control('/conversations', 'POST', { count: 3 });
		const after = Date.now();
		expect(res.status).toBe(200);
		const created: ConversationDetail[] = res.body.conversations;
		expect(created.map((c) => c.id)).toEqual([previousMax + 1, previousMax + 2, previousMax + 3]);
		// default: the last one created starts now, the others one second apart before it
		const last = Date.parse(created[2].started_at);
		expect(last).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
		expect(last).toBeLessThanOrEqual(after);
		expect(created.map((c) => Date.parse(c.started_at))).toEqual([last - 2000, last - 1000, last]);
		for (const c of created) {
			expect(c.transcript).toEqual(expect.any(Array));
			expect(c.is_viewed).toBe(false);
			expect([7, 8, 9]).toContain(c.agent_id); // active agents of A
		}
		const page = await call(sb, '/api/v1/conversations?limit=3', { key });
		expect(page.body.conversations.map((c: { id: number }) => c.id)).toEqual([
			previousMax + 3,
			previousMax + 2,
			previousMax + 1,
		]);
		const detail = await call(sb, `/api/v1/conversations/${created[0].id}`, { key });
		expect(detail.body).toEqual(created[0]);
	});

	test('same_second: all start in one second', async () => {
		const res = await control('/conversations', 'POST', {
			count: 4,
			same_second: true,
			agent_id: 8,
			channel: 'web_chat',
		});
		const created: ConversationDetail[] = res.body.conversations;
		expect(new Set(created.map((c) => c.started_at)).size).toBe(1);
		for (const c of created) {
			expect(c.agent_id).toBe(8);
			expect(c.channel).toBe('web_chat');
			expect(c.web_chat?.visitor_ip).toEqual(expect.any(String));
		}
	});

	test('a past started_at simulates a late-processed call: newest id, old start; since still finds it', async () => {
		const oldStart = '2026-06-01T10:00:00Z';
		const [c] = sb.control.addConversations({
			count: 1,
			startedAt: oldStart,
			channel: 'phone',
			agentId: 9,
		});
		expect(c.started_at).toBe(oldStart);
		expect(c.id).toBe(maxId());
		expect(c.channel).toBe('phone');
		const newer = sb.control
			.conversations('A')
			.filter((x) => x.id < c.id && x.started_at > oldStart);
		expect(newer.length).toBeGreaterThan(0);
		const page = await call(sb, `/api/v1/conversations${qs({ since: oldStart, limit: 1 })}`, {
			key,
		});
		expect(page.body.conversations[0].id).toBe(c.id);
		const all = flatten(await walk(sb, key, { since: oldStart, limit: 200 }));
		expect(all.filter((x) => x.id === c.id)).toHaveLength(1);
	});

	test('account B: visible to B only; ids stay global', async () => {
		const [c] = (await control('/conversations', 'POST', { account: 'B', count: 1 })).body
			.conversations;
		expect([21, 22]).toContain(c.agent_id);
		expect(
			(await call(sb, `/api/v1/conversations/${c.id}`, { key: sb.keys.otherAccount })).status,
		).toBe(200);
		expect((await call(sb, `/api/v1/conversations/${c.id}`, { key })).status).toBe(404);
		const [a] = sb.control.addConversations({ count: 1 });
		expect(a.id).toBe(c.id + 1);
	});

	test('invalid requests → 422', async () => {
		for (const body of [
			{ count: 0 },
			{},
			{ count: 1, agent_id: 21 },
			{ count: 1, account: 'C' },
			{ count: 1, channel: 'sms' },
			{ count: 1, started_at: 'now' },
			{ count: 1, color: 'red' },
		]) {
			const res = await control('/conversations', 'POST', body);
			expect({ body, status: res.status }).toEqual({ body, status: 422 });
		}
		expect(() => sb.control.addConversations({ count: 1, agentId: 7, account: 'B' })).toThrow(
			/agent/,
		);
	});
});

describe('request log', () => {
	test('entries in arrival order with method, path, query, status, key prefix and times; controls not logged', async () => {
		await control('/requests', 'DELETE');
		await call(sb, '/api/v1/conversations?limit=5&channel=phone', { key });
		await call(sb, '/api/v1/agents/7', { method: 'PATCH', key, body: { agent_goal: 'Logged.' } });
		await call(sb, '/api/v1/whoami');
		await call(sb, '/api/v1/whoami', { key: 'rr_live_not_a_real_key_at_all' });
		const res = await control('/requests', 'GET');
		expect(Object.keys(res.body)).toEqual(['requests', 'peak_in_flight', 'connections']);
		const log: RequestLogEntry[] = res.body.requests;
		expect(log.map((e) => [e.seq, e.method, e.path, e.status])).toEqual([
			[1, 'GET', '/api/v1/conversations', 200],
			[2, 'PATCH', '/api/v1/agents/7', 200],
			[3, 'GET', '/api/v1/whoami', 401],
			[4, 'GET', '/api/v1/whoami', 401],
		]);
		expect(log[0].query).toEqual({ limit: '5', channel: 'phone' });
		expect(log[1].query).toEqual({});
		expect(log[0].key).toBe(`${key.slice(0, 12)}…`);
		expect(log[2].key).toBeNull();
		expect(log[3].key).toBe('rr_live_not_…');
		for (const e of log) {
			expect(e.dropped).toBe(false);
			expect(e.ended_ms!).toBeGreaterThanOrEqual(e.started_ms);
		}
		for (let i = 1; i < log.length; i++)
			expect(log[i].started_ms).toBeGreaterThanOrEqual(log[i - 1].ended_ms!);
		expect(JSON.stringify(res.body)).not.toContain(key);
	});

	test('peak_in_flight counts concurrent API requests; DELETE clears the log and the peak', async () => {
		sb.control.clearRequests();
		sb.control.setLatency(600);
		await Promise.all(
			Array.from({ length: 4 }, (_, i) => call(sb, `/api/v1/agents/${7 + i}`, { key })),
		);
		await call(sb, '/api/v1/whoami', { key });
		expect((await control('/requests', 'GET')).body.peak_in_flight).toBe(4);
		expect(sb.control.requests().peakInFlight).toBe(4);
		const cleared = await control('/requests', 'DELETE');
		expect(cleared.body).toEqual({ requests: [], peak_in_flight: 0, connections: 0 });
		await call(sb, '/api/v1/whoami', { key });
		const again = sb.control.requests();
		expect(again.peakInFlight).toBe(1);
		expect(again.log.map((e) => e.seq)).toEqual([1]);
	});

	test('in-process requests() returns copies', async () => {
		sb.control.clearRequests();
		await call(sb, '/api/v1/whoami', { key });
		const { log } = sb.control.requests();
		log[0].status = 999;
		expect(sb.control.requests().log[0].status).toBe(200);
	});
});

describe('reset', () => {
	test('POST /__sandbox/reset restores data, latency, faults, rate limit and log', async () => {
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
		sb.control.setLatency(1000);

		expect((await control('/reset', 'POST')).status).toBe(200);
		expect(sb.control.conversations('A').map((c) => c.id)).toEqual(seeded);
		expect(sb.control.agent(7)).toEqual(agent7);
		expect(sb.control.requests()).toEqual({ log: [], peakInFlight: 0, connections: 0 });
		const [results, ms] = await timed(() =>
			Promise.all([call(sb, '/api/v1/agents', { key }), call(sb, '/api/v1/agents', { key })]),
		);
		expect(results.map((r) => r.status)).toEqual([200, 200]);
		expect(ms).toBeLessThan(1000);
		// new conversations continue from the seeded ids again
		const [c] = sb.control.addConversations({ count: 1 });
		expect(c.id).toBe(Math.max(...seeded, ...sb.control.conversations('B').map((x) => x.id)) + 1);
	});
});

describe('keep-alive', () => {
	test('sequential requests reuse one socket, also across error and fault responses', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = (path: string, auth = true) =>
			new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
				const req = http.get(
					`${sb.url}${path}`,
					{ agent, headers: auth ? { Authorization: `Bearer ${key}` } : {} },
					(res) => {
						res.resume();
						res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
					},
				);
				req.on('error', reject);
			});
		try {
			sb.control.clearRequests();
			sb.control.injectFaults({ status: 503, count: 1, path: '/api/v1/agents' });
			const results = [
				await get('/api/v1/whoami'),
				await get('/api/v1/agents'),
				await get('/api/v1/whoami', false),
				await get('/api/v1/nope'),
				await get('/api/v1/conversations?limit=200'),
			];
			expect(results.map((r) => r.status)).toEqual([200, 503, 401, 404, 200]);
			expect(results.map((r) => r.reused)).toEqual([false, true, true, true, true]);
			expect(sb.control.requests().connections).toBe(1);
		} finally {
			agent.destroy();
		}
	});
});

describe('scripted responses and redirects', () => {
	test('the next request to exactly that path gets the raw status, headers and body; then the API answers again', async () => {
		const res = await control('/script', 'POST', {
			path: '/api/v1/agents/7',
			method: 'GET',
			status: 200,
			headers: { 'Content-Type': 'text/html' },
			body: '<html><body>Welcome</body></html>',
		});
		expect(res.status).toBe(200);
		expect(res.body.queued).toEqual([
			{
				path: '/api/v1/agents/7',
				method: 'GET',
				status: 200,
				headers: { 'Content-Type': 'text/html' },
				body: '<html><body>Welcome</body></html>',
				count: 1,
			},
		]);
		// Another path and another method are not affected.
		expect((await call(sb, '/api/v1/agents/70', { key })).status).toBe(404);
		expect((await call(sb, '/api/v1/agents/7', { key, method: 'PATCH', body: {} })).status).toBe(
			422,
		);

		const scripted = await call(sb, '/api/v1/agents/7', { key });
		expect(scripted.status).toBe(200);
		expect(scripted.headers.get('content-type')).toBe('text/html');
		expect(scripted.text).toBe('<html><body>Welcome</body></html>');
		const next = await call(sb, '/api/v1/agents/7', { key });
		expect(next.body.id).toBe(7);
		expect(sb.control.requests().log.map((r) => r.status)).toEqual([404, 422, 200, 200]);
	});

	test('count, an empty body (JSON content type by default), truncated JSON; DELETE and reset clear them', async () => {
		sb.control.scriptResponse({ path: '/api/v1/whoami', status: 200, body: '', count: 2 });
		for (let i = 0; i < 2; i++) {
			const res = await call(sb, '/api/v1/whoami', { key });
			expect([res.status, res.text, res.headers.get('content-type')]).toEqual([
				200,
				'',
				'application/json',
			]);
		}
		expect((await call(sb, '/api/v1/whoami', { key })).body.user_id).toBe(142);

		sb.control.scriptResponse({ path: '/api/v1/whoami', status: 200, body: '{"user_id": 14' });
		expect((await call(sb, '/api/v1/whoami', { key })).text).toBe('{"user_id": 14');

		sb.control.scriptResponse({ path: '/api/v1/whoami', status: 500 });
		expect((await control('/script', 'DELETE')).body).toEqual({ queued: [] });
		expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
		sb.control.redirect({ path: '/api/v1/whoami', location: 'https://example.com/' });
		sb.control.reset();
		expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
	});

	test('a redirect answers 302 (or the given 3xx) with Location and an empty body', async () => {
		const res = await control('/redirect', 'POST', {
			path: '/api/v1/agents',
			location: 'http://127.0.0.1:9/api/v1/agents',
			status: 307,
		});
		expect(res.status).toBe(200);
		const redirected = await fetch(`${sb.url}/api/v1/agents`, {
			headers: { Authorization: `Bearer ${key}` },
			redirect: 'manual',
		});
		expect(redirected.status).toBe(307);
		expect(redirected.headers.get('location')).toBe('http://127.0.0.1:9/api/v1/agents');
		expect(await redirected.text()).toBe('');
		sb.control.redirect({ path: '/api/v1/agents', location: '/elsewhere' });
		const plain = await fetch(`${sb.url}/api/v1/agents`, { redirect: 'manual' });
		expect(plain.status).toBe(302);
	});

	test('invalid specs are refused with 422 over HTTP and throw in process', async () => {
		for (const body of [
			{ path: 'no-slash', status: 200 },
			{ path: '/x', status: 99 },
			{ path: '/x', status: 200, body: 5 },
			{ path: '/x', status: 200, extra: true },
		]) {
			expect((await control('/script', 'POST', body)).status).toBe(422);
		}
		expect(
			(await control('/redirect', 'POST', { path: '/x', location: 'http://a/', status: 200 }))
				.status,
		).toBe(422);
		expect((await control('/redirect', 'POST', { path: '/x' })).status).toBe(422);
		expect(() => sb.control.scriptResponse({ path: '/x', status: 1000 })).toThrow();
		expect(() => sb.control.redirect({ path: '/x', location: '' })).toThrow();
	});
});
