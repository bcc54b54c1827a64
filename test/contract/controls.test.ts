/**
 * The sandbox's test controls, over HTTP (/__sandbox/) and in-process, and that they are off by
 * default. Last, the ones the trigger's tests need: a conversation whose detail always fails, a
 * conversation at a given started_at (the past: processed late; the future: a clock gone wrong),
 * with the server's clock in every response's Date header, live and malformed conversations, and
 * slow list pages.
 */
import http from 'http';

import {
	startSandbox,
	type ConversationDetail,
	type RequestLogEntry,
	type Sandbox,
} from '../sandbox';
import { call, flatten, qs, sleep, walk } from './helpers';

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

/**
 * A latency far longer than jest lets a test run (30 s): a response that arrives at all under it
 * was not delayed by it.
 */
const TEN_MINUTES_MS = 600_000;

describe('controls are 404 unless enabled at start', () => {
	test('every control path answers 404 like any unknown path, and does nothing', async () => {
		const off = await startSandbox({ conversationsPerAccount: { A: 10, B: 2 } });
		try {
			const before = off.control.conversations('A').length;
			for (const [method, path, body] of [
				['GET', '/__sandbox', undefined],
				['POST', '/__sandbox/latency', { ms: TEN_MINUTES_MS }],
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
			// answered: the ten-minute latency was not set
			const res = await call(off, '/api/v1/whoami', { key: off.keys.readWrite });
			expect(res.status).toBe(200);
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
	test('POST /__sandbox/latency delays every API response, errors too', async () => {
		expect((await control('/latency', 'POST', { ms: 600 })).status).toBe(200);
		const [res, ms] = await timed(() => call(sb, '/api/v1/whoami', { key }));
		expect(res.status).toBe(200);
		expect(ms).toBeGreaterThanOrEqual(590);
		const [unauthorized, errorMs] = await timed(() => call(sb, '/api/v1/whoami'));
		expect(unauthorized.status).toBe(401);
		expect(errorMs).toBeGreaterThanOrEqual(590);
	});

	test('controls answer while an API response waits out the latency; latency 0 delays nothing', async () => {
		sb.control.setLatency(TEN_MINUTES_MS);
		const waiting = new AbortController();
		const delayed = fetch(`${sb.url}/api/v1/whoami`, {
			headers: { Authorization: `Bearer ${key}` },
			signal: waiting.signal,
		}).catch(() => 'aborted');
		try {
			while (sb.control.requests().log.length === 0) await sleep(5);
			const requests = await control('/requests', 'GET');
			expect(
				requests.body.requests.map(({ path, status }: RequestLogEntry) => ({ path, status })),
			).toEqual([{ path: '/api/v1/whoami', status: null }]); // still in flight
			sb.control.setLatency(0);
			expect((await call(sb, '/api/v1/whoami', { key })).status).toBe(200);
		} finally {
			waiting.abort();
			await delayed;
		}
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
		sb.control.setLatency(TEN_MINUTES_MS);

		expect((await control('/reset', 'POST')).status).toBe(200);
		expect(sb.control.conversations('A').map((c) => c.id)).toEqual(seeded);
		expect(sb.control.agent(7)).toEqual(agent7);
		expect(sb.control.requests()).toEqual({ log: [], peakInFlight: 0, connections: 0 });
		// both answered at once: no rate limit, no fault, no ten-minute latency
		const results = await Promise.all([
			call(sb, '/api/v1/agents', { key }),
			call(sb, '/api/v1/agents', { key }),
		]);
		expect(results.map((r) => r.status)).toEqual([200, 200]);
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

describe('a conversation whose detail always fails', () => {
	test('POST /__sandbox/failing-conversations {id}: its detail answers 500 on every request, nothing else changes', async () => {
		const [failing, other] = sb.control.conversations('A');
		const res = await control('/failing-conversations', 'POST', { id: failing.id });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ failing: { [failing.id]: 500 } });
		for (let i = 0; i < 3; i++) {
			const detail = await call(sb, `/api/v1/conversations/${failing.id}`, { key });
			expect(detail.status).toBe(500);
			expect(detail.body).toEqual({ detail: 'Internal server error' });
		}
		expect((await call(sb, `/api/v1/conversations/${other.id}`, { key })).status).toBe(200);
		const page = await call(sb, '/api/v1/conversations?limit=2', { key });
		expect(page.status).toBe(200);
		expect(page.body.conversations.map((c: { id: number }) => c.id)).toEqual([
			failing.id,
			other.id,
		]);
	});

	test('with a status; GET lists them; DELETE and reset clear them', async () => {
		const [a, b] = sb.control.conversations('A');
		await control('/failing-conversations', 'POST', { id: a.id, status: 503 });
		sb.control.failConversation({ id: b.id });
		expect((await control('/failing-conversations', 'GET')).body).toEqual({
			failing: { [a.id]: 503, [b.id]: 500 },
		});
		expect((await call(sb, `/api/v1/conversations/${a.id}`, { key })).status).toBe(503);
		expect((await control('/failing-conversations', 'DELETE')).body).toEqual({ failing: {} });
		expect((await call(sb, `/api/v1/conversations/${a.id}`, { key })).status).toBe(200);
		sb.control.failConversation({ id: a.id });
		sb.control.reset();
		expect(sb.control.failingConversations()).toEqual({});
	});

	test('invalid bodies are refused with 422', async () => {
		expect((await control('/failing-conversations', 'POST', { id: 'x' })).status).toBe(422);
		expect((await control('/failing-conversations', 'POST', { id: 5, status: 200 })).status).toBe(
			422,
		);
		expect((await control('/failing-conversations', 'POST', { id: 5, extra: true })).status).toBe(
			422,
		);
		expect(() => sb.control.failConversation({ id: 0 })).toThrow(/id/);
	});
});

describe('a conversation at a given started_at', () => {
	test('in the future: listed and served with that started_at, ahead of the Date header', async () => {
		const future = '2036-06-10T12:00:00Z';
		const res = await control('/conversations', 'POST', { count: 1, started_at: future });
		const [created]: ConversationDetail[] = res.body.conversations;
		expect(created.started_at).toBe(future);
		const page = await call(
			sb,
			`/api/v1/conversations?since=${encodeURIComponent('2036-01-01T00:00:00Z')}`,
			{ key },
		);
		expect(page.body.conversations.map((c: ConversationDetail) => c.id)).toEqual([created.id]);
		const serverNow = Date.parse(page.headers.get('date')!);
		expect(Math.abs(serverNow - Date.now())).toBeLessThan(5_000);
		expect(Date.parse(created.started_at)).toBeGreaterThan(serverNow + 9 * 365 * 86_400_000);
	});

	test('in the past: a new, higher id with that older started_at (processed late)', async () => {
		const newestBefore = sb.control.conversations('A')[0];
		const [created] = sb.control.addConversations({ count: 1, startedAt: '2026-06-01T08:00:00Z' });
		expect(created.id).toBeGreaterThan(newestBefore.id);
		expect(created.started_at).toBe('2026-06-01T08:00:00Z');
		const detail = await call(sb, `/api/v1/conversations/${created.id}`, { key });
		expect(detail.body.started_at).toBe('2026-06-01T08:00:00Z');
	});
});

describe('live conversations, malformed records and slow list pages', () => {
	test('a live conversation is listed with ended_at, duration_seconds and end_reason null until it ends', async () => {
		const [live] = sb.control.addConversations({ count: 1, live: true });
		const listed = async () =>
			(await call(sb, '/api/v1/conversations?limit=1', { key })).body.conversations[0];
		expect(await listed()).toMatchObject({
			id: live.id,
			ended_at: null,
			duration_seconds: null,
			end_reason: null,
		});
		const ended = sb.control.endConversation(live.id);
		expect(ended.ended_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		expect(Date.parse(ended.ended_at)).toBeGreaterThanOrEqual(Date.parse(live.started_at));
		expect(await listed()).toMatchObject({
			id: live.id,
			ended_at: ended.ended_at,
			end_reason: 'visitor_ended',
		});
		const detail = await call(sb, `/api/v1/conversations/${live.id}`, { key });
		expect(detail.body.ended_at).toBe(ended.ended_at);
	});

	test('overwriteConversation changes what is sent, in the list and the detail; since still uses the real start', async () => {
		const [odd] = sb.control.addConversations({ count: 1 });
		const since = encodeURIComponent(odd.started_at);
		sb.control.overwriteConversation(odd.id, {
			started_at: '2026-12-03 16:47:00',
			transcript: [null],
		});
		const page = await call(sb, `/api/v1/conversations?since=${since}`, { key });
		expect(page.body.conversations.map((c: { id: number }) => c.id)).toEqual([odd.id]);
		expect(page.body.conversations[0].started_at).toBe('2026-12-03 16:47:00');
		expect(page.body.conversations[0]).not.toHaveProperty('transcript');
		const detail = await call(sb, `/api/v1/conversations/${odd.id}`, { key });
		expect(detail.body).toMatchObject({ started_at: '2026-12-03 16:47:00', transcript: [null] });
	});

	test('setListLatency delays list pages only, setDetailLatency each conversation; reset clears both', async () => {
		const answers = async (path: string) => (await call(sb, path, { key })).status;
		const took = async (path: string) => (await timed(() => call(sb, path, { key })))[1];
		const [first] = sb.control.conversations('A');
		const list = '/api/v1/conversations?limit=1';
		const detail = `/api/v1/conversations/${first.id}`;
		sb.control.setListLatency(600);
		expect(await took(list)).toBeGreaterThanOrEqual(590);
		sb.control.setDetailLatency(600);
		expect(await took(detail)).toBeGreaterThanOrEqual(590);

		// under a ten-minute latency of one kind, the other requests still answer
		sb.control.setDetailLatency(0);
		sb.control.setListLatency(TEN_MINUTES_MS);
		expect([await answers('/api/v1/whoami'), await answers(detail)]).toEqual([200, 200]);
		sb.control.setListLatency(0);
		sb.control.setDetailLatency(TEN_MINUTES_MS);
		expect([await answers('/api/v1/whoami'), await answers(list)]).toEqual([200, 200]);
		sb.control.setListLatency(TEN_MINUTES_MS);
		sb.control.reset();
		expect([await answers(list), await answers(detail)]).toEqual([200, 200]);
	});
});
