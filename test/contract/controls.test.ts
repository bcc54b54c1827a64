/**
 * The HTTP controls a user of `npm run sandbox` drives (test/sandbox/README.md "Controls"): the demo
 * keys, new conversations, the request log, reset. The fault-injection controls are pinned by the
 * node and trigger tests that use them; with controls off, /__sandbox is a 404 (auth.test.ts).
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

const control = async (method: string, path: string, body?: unknown) =>
	(await call(sb, `/__sandbox${path}`, { method, body })).body;

test('GET /__sandbox/keys; POST /__sandbox/conversations: new ids started now, newest first, served; for account B', async () => {
	expect(await control('GET', '/keys')).toEqual({
		keys: sb.keys,
		agents: { A: [7, 8, 9, 10], B: [21, 22] },
	});
	const newest = sb.control.conversations('A')[0].id;
	const before = Math.floor(Date.now() / 1000) * 1000;
	const created: ConversationDetail[] = (await control('POST', '/conversations', { count: 3 }))
		.conversations;
	const last = Date.parse(created[2].started_at);
	expect(last >= before && last <= Date.now()).toBe(true);
	expect(created.map((c) => Date.parse(c.started_at))).toEqual([last - 2000, last - 1000, last]);
	const page = await call(sb, '/api/v1/conversations?limit=3', { key });
	expect(page.body.conversations.map((c: ConversationDetail) => c.id)).toEqual(
		created.map((c) => c.id).reverse(),
	);
	expect(created[0].id).toBeGreaterThan(newest);
	expect((await call(sb, `/api/v1/conversations/${created[0].id}`, { key })).body).toEqual(
		created[0],
	);
	const [b] = (
		await control('POST', '/conversations', { account: 'B', count: 1, channel: 'web_chat' })
	).conversations;
	expect(b.channel).toBe('web_chat');
	expect(
		(await call(sb, `/api/v1/conversations/${b.id}`, { key: sb.keys.otherAccount })).status,
	).toBe(200);
	expect(
		(
			await call(sb, '/__sandbox/conversations', {
				method: 'POST',
				body: { count: 1, agent_id: 21 },
			})
		).status,
	).toBe(422);
});

test('GET /__sandbox/requests: the API requests with the key prefix, never the key; POST /__sandbox/reset restores data and clears it', async () => {
	await control('POST', '/reset');
	await call(sb, '/api/v1/agents/7', { method: 'PATCH', key, body: { agent_goal: 'Logged.' } });
	const res = await control('GET', '/requests');
	expect(res.requests).toEqual([
		expect.objectContaining({
			seq: 1,
			method: 'PATCH',
			path: '/api/v1/agents/7',
			status: 200,
			key: `${key.slice(0, 12)}…`,
		}),
	]);
	expect(JSON.stringify(res)).not.toContain(key);
	await control('POST', '/reset');
	expect(sb.control.agent(7)!.agent_goal).toBe('Qualify leads and book consultations.');
	expect((await control('GET', '/requests')).requests).toEqual([]);
});
