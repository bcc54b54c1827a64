/**
 * The sandbox controls the trigger's tests need: a conversation whose detail always fails, and a
 * conversation at a given started_at (the past: processed late; the future: a clock gone wrong),
 * with the server's clock in every response's Date header.
 */
import { startSandbox, type ConversationDetail, type Sandbox } from '../sandbox';
import { call } from './helpers';

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
		const timed = async (path: string) => {
			const t0 = performance.now();
			await call(sb, path, { key });
			return performance.now() - t0;
		};
		const [first] = sb.control.conversations('A');
		sb.control.setListLatency(600);
		expect(await timed('/api/v1/conversations?limit=1')).toBeGreaterThanOrEqual(590);
		expect(await timed('/api/v1/whoami')).toBeLessThan(590);
		expect(await timed(`/api/v1/conversations/${first.id}`)).toBeLessThan(590);
		sb.control.setDetailLatency(600);
		expect(await timed(`/api/v1/conversations/${first.id}`)).toBeGreaterThanOrEqual(590);
		sb.control.reset();
		expect(await timed('/api/v1/conversations?limit=1')).toBeLessThan(590);
		expect(await timed(`/api/v1/conversations/${first.id}`)).toBeLessThan(590);
	});
});
