/** The seeded data (test/sandbox/README.md "Data"): deterministic per seed, and what the API's open questions need. */
import { baseTimeFor, startSandbox, type Sandbox } from '../sandbox';
import { TIMESTAMP_RE, call, flatten, walk } from './helpers';

/** The value with the sandbox's two origins (in recording_url) replaced: what the seed decides. */
const originFree = (sb: Sandbox, value: unknown) =>
	JSON.parse(JSON.stringify(value).split(sb.mediaUrl).join('<media>').split(sb.url).join('<api>'));

test('same seed → same keys, data, pages and added conversations; another seed → different ones', async () => {
	const [a, b, c] = await Promise.all([7, 7, 8].map((seed) => startSandbox({ seed })));
	try {
		expect(a.keys).toEqual(b.keys);
		expect(Object.values(c.keys).some((k) => Object.values(a.keys).includes(k))).toBe(false);
		for (const account of ['A', 'B'] as const)
			expect(originFree(a, a.control.conversations(account))).toEqual(
				originFree(b, b.control.conversations(account)),
			);
		expect(a.control.agents('A')).toEqual(b.control.agents('A'));
		const page = (s: Sandbox) =>
			call(s, '/api/v1/conversations?limit=200', { key: s.keys.readOnly });
		expect((await page(a)).text).toBe((await page(b)).text);
		const starts = (s: Sandbox) => s.control.conversations('A').map((x) => x.started_at);
		expect(starts(c)).not.toEqual(starts(a));
		const add = (s: Sandbox) =>
			s.control.addConversations({ count: 5, startedAt: '2026-06-20T12:00:00Z' });
		const added = add(a);
		expect(originFree(a, added)).toEqual(originFree(b, add(b)));
		a.control.reset();
		expect(add(a)).toEqual(added);
	} finally {
		await Promise.all([a, b, c].map((s) => s.close()));
	}
});

test('tiny and empty accounts; started_at before the base time of the seed', async () => {
	const s = await startSandbox({ seed: 123, conversationsPerAccount: { A: 0, B: 1 } });
	try {
		expect((await call(s, '/api/v1/conversations', { key: s.keys.readWrite })).body).toEqual({
			conversations: [],
			next_before_id: null,
			limit: 50,
		});
		const b = await call(s, '/api/v1/conversations', { key: s.keys.otherAccount });
		expect([b.body.conversations.length, b.body.next_before_id]).toEqual([1, null]);
		expect(Date.parse(b.body.conversations[0].ended_at)).toBeLessThanOrEqual(baseTimeFor(123));
	} finally {
		await s.close();
	}
});

describe('seed 1', () => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await startSandbox();
	});
	afterAll(() => sb.close());
	const all = () => sb.control.conversations('A');

	test('320 + 40 conversations, every agent of A with some and an FAQ of 3 or more', () => {
		expect([all().length, sb.control.conversations('B').length]).toEqual([320, 40]);
		expect(sb.agentIds).toEqual({ A: [7, 8, 9, 10], B: [21, 22] });
		for (const a of sb.control.agents('A')) {
			expect(Object.keys(a.faq).length).toBeGreaterThanOrEqual(3);
			expect(all().some((c) => c.agent_id === a.id)).toBe(true);
		}
	});

	test('ids are global, contiguous and interleaved across accounts', () => {
		const b = sb.control.conversations('B').map((c) => c.id);
		const ids = [...all().map((c) => c.id), ...b].sort((x, y) => x - y);
		expect(ids).toEqual(ids.map((_, i) => i + 1));
		expect(Math.min(...b)).toBeLessThan(all()[0].id);
	});

	test('groups share one started_at second; some were processed late; all in the past, UTC, second precision', () => {
		const bySecond = new Map<string, number>();
		for (const c of all()) bySecond.set(c.started_at, (bySecond.get(c.started_at) ?? 0) + 1);
		const groups = [...bySecond.values()].filter((n) => n > 1);
		expect([groups.length >= 3, Math.max(...groups) >= 3]).toEqual([true, true]);
		const ascending = [...all()].reverse();
		const late = ascending.filter((c, i) =>
			ascending.slice(0, i).some((e) => e.started_at > c.started_at),
		);
		expect(late.length).toBeGreaterThanOrEqual(3);
		for (const c of all()) {
			expect(c.started_at).toMatch(TIMESTAMP_RE);
			expect(Date.parse(c.started_at)).toBeLessThan(Date.now());
		}
	});

	test('realistic: most have several turns, most calls a recording; some hang-ups and unknown callers', () => {
		expect(all().filter((c) => c.transcript.length >= 3).length / all().length).toBeGreaterThan(
			0.8,
		);
		const phones = all().filter((c) => c.channel === 'phone');
		expect(phones.filter((c) => c.recording_url).length / phones.length).toBeGreaterThan(0.8);
		expect(all().some((c) => c.transcript.length === 0)).toBe(true);
		expect(all().some((c) => c.caller_name === null)).toBe(true);
	});
});

test('20,000 conversations (as many as the benchmark lists): every one once in a walk, filtered too; a deep before_id', async () => {
	const sb = await startSandbox({ conversationsPerAccount: { A: 20_000 } });
	try {
		const stored = sb.control.conversations('A').map((c) => c.id);
		expect(stored).toHaveLength(20_000);
		const walked = flatten(await walk(sb, sb.keys.readOnly, { limit: 200 }));
		expect(walked.map((c) => c.id)).toEqual(stored);
		const filter = { agent_id: 9, channel: 'phone', limit: 200 };
		const phones9 = sb.control
			.conversations('A')
			.filter((c) => c.agent_id === 9 && c.channel === 'phone');
		expect(flatten(await walk(sb, sb.keys.readOnly, filter)).map((c) => c.id)).toEqual(
			phones9.map((c) => c.id),
		);
		const res = await call(sb, `/api/v1/conversations?before_id=${stored[15_000]}&limit=3`, {
			key: sb.keys.readOnly,
		});
		expect(res.body.conversations.map((c: { id: number }) => c.id)).toEqual(
			stored.slice(15_001, 15_004),
		);
	} finally {
		await sb.close();
	}
});
