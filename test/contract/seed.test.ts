/** The seeded data (test/sandbox/README.md "Data"): deterministic per seed, and what the API's open questions need. */
import { baseTimeFor, startSandbox, type Sandbox } from '../sandbox';
import { TIMESTAMP_RE, call } from './helpers';

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
		const a = await call(s, '/api/v1/conversations', { key: s.keys.readWrite });
		expect([a.body.conversations, a.body.next_before_id]).toEqual([[], null]);
		const b = await call(s, '/api/v1/conversations', { key: s.keys.otherAccount });
		expect([b.body.conversations.length, b.body.next_before_id]).toEqual([1, null]);
		expect(Date.parse(b.body.conversations[0].ended_at)).toBeLessThanOrEqual(baseTimeFor(123));
	} finally {
		await s.close();
	}
});

test('seed 1: 320 + 40 conversations, ids global and contiguous, shared seconds, late ones, realistic content', async () => {
	const sb = await startSandbox();
	try {
		const all = sb.control.conversations('A');
		const b = sb.control.conversations('B').map((c) => c.id);
		expect([all.length, b.length]).toEqual([320, 40]);
		expect(sb.agentIds).toEqual({ A: [7, 8, 9, 10], B: [21, 22] });
		for (const a of sb.control.agents('A')) {
			expect(Object.keys(a.faq).length).toBeGreaterThanOrEqual(3);
			expect(all.some((c) => c.agent_id === a.id)).toBe(true);
		}
		const ids = [...all.map((c) => c.id), ...b].sort((x, y) => x - y);
		expect(ids).toEqual(ids.map((_, i) => i + 1));
		expect(Math.min(...b)).toBeLessThan(all[0].id);

		const bySecond = new Map<string, number>();
		for (const c of all) bySecond.set(c.started_at, (bySecond.get(c.started_at) ?? 0) + 1);
		const groups = [...bySecond.values()].filter((n) => n > 1);
		expect([groups.length >= 3, Math.max(...groups) >= 3]).toEqual([true, true]);
		const ascending = [...all].reverse();
		const late = ascending.filter((c, i) =>
			ascending.slice(0, i).some((e) => e.started_at > c.started_at),
		);
		expect(late.length).toBeGreaterThanOrEqual(3);
		for (const c of all) {
			expect(c.started_at).toMatch(TIMESTAMP_RE);
			expect(Date.parse(c.started_at)).toBeLessThan(Date.now());
		}

		expect(all.filter((c) => c.transcript.length >= 3).length / all.length).toBeGreaterThan(0.8);
		const phones = all.filter((c) => c.channel === 'phone');
		expect(phones.filter((c) => c.recording_url).length / phones.length).toBeGreaterThan(0.8);
		expect([all.some((c) => !c.transcript.length), all.some((c) => !c.caller_name)]).toEqual([
			true,
			true,
		]);
	} finally {
		await sb.close();
	}
});
