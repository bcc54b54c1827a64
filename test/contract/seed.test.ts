/** Deterministic seeding, and listing 20,000 conversations (how fast: bench case 5). */
import { baseTimeFor, startSandbox, type Sandbox } from '../sandbox';
import { call, walk } from './helpers';

/** The value with the sandbox's two origins (in recording_url) replaced: what the seed decides. */
function originFree(sb: Sandbox, value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value).split(sb.mediaUrl).join('<media>').split(sb.url).join('<api>'),
	);
}

describe('determinism', () => {
	test('same seed → same data and keys; another seed → different data', async () => {
		const a = await startSandbox({ seed: 7 });
		const b = await startSandbox({ seed: 7 });
		const c = await startSandbox({ seed: 8 });
		try {
			expect(a.keys).toEqual(b.keys);
			expect(originFree(a, a.control.conversations('A'))).toEqual(
				originFree(b, b.control.conversations('A')),
			);
			expect(originFree(a, a.control.conversations('B'))).toEqual(
				originFree(b, b.control.conversations('B')),
			);
			expect(a.control.agents('A')).toEqual(b.control.agents('A'));
			// same page over HTTP, byte for byte
			const pa = await call(a, '/api/v1/conversations?limit=200', { key: a.keys.readOnly });
			const pb = await call(b, '/api/v1/conversations?limit=200', { key: b.keys.readOnly });
			expect(pa.text).toBe(pb.text);

			expect(c.keys.readWrite).not.toBe(a.keys.readWrite);
			expect(c.control.conversations('A').map((x) => x.started_at)).not.toEqual(
				a.control.conversations('A').map((x) => x.started_at),
			);
			// Added conversations are deterministic too (except their default started_at = now).
			const strip = (x: { started_at: string; ended_at: string }) => ({
				...x,
				started_at: '',
				ended_at: '',
			});
			const addedA = a.control.addConversations({ count: 5, startedAt: '2026-06-20T12:00:00Z' });
			const addedB = b.control.addConversations({ count: 5, startedAt: '2026-06-20T12:00:00Z' });
			expect(originFree(a, addedA)).toEqual(originFree(b, addedB));
			a.control.reset();
			expect(a.control.addConversations({ count: 5, startedAt: '2026-06-20T12:00:00Z' })).toEqual(
				addedA,
			);
			expect(originFree(b, strip(b.control.addConversations({ count: 1 })[0]))).toEqual(
				originFree(a, strip(a.control.addConversations({ count: 1 })[0])),
			);
		} finally {
			await Promise.all([a.close(), b.close(), c.close()]);
		}
	});

	test('seeded started_at values are before the base time derived from the seed', async () => {
		const s = await startSandbox({ seed: 123, conversationsPerAccount: { A: 100, B: 10 } });
		try {
			const base = baseTimeFor(123);
			for (const c of [...s.control.conversations('A'), ...s.control.conversations('B')]) {
				expect(Date.parse(c.ended_at)).toBeLessThanOrEqual(base);
			}
		} finally {
			await s.close();
		}
	});

	test('tiny and empty accounts work', async () => {
		const s = await startSandbox({ conversationsPerAccount: { A: 0, B: 1 } });
		try {
			const res = await call(s, '/api/v1/conversations', { key: s.keys.readWrite });
			expect(res.body).toEqual({ conversations: [], next_before_id: null, limit: 50 });
			const b = await call(s, '/api/v1/conversations', { key: s.keys.otherAccount });
			expect(b.body.conversations).toHaveLength(1);
			expect(b.body.next_before_id).toBeNull();
		} finally {
			await s.close();
		}
	});
});

describe('20,000 conversations (as many as the benchmark lists)', () => {
	let sb: Sandbox;

	beforeAll(async () => {
		sb = await startSandbox({ conversationsPerAccount: { A: 20_000 } });
	});
	afterAll(() => sb.close());

	test('a walk of 200-item pages returns every conversation once, newest first; a filtered walk stays exact', async () => {
		const key = sb.keys.readOnly;
		const stored = sb.control.conversations('A');
		expect(stored).toHaveLength(20_000);
		const pages = await walk(sb, key, { limit: 200 });
		expect(pages).toHaveLength(100);
		expect(pages.flatMap((p) => p.conversations).map((c) => c.id)).toEqual(stored.map((c) => c.id));
		// with a selective filter, the "is there more" scan stays exact
		const filtered = await walk(sb, key, { agent_id: 9, channel: 'phone', limit: 200 });
		const expected = stored.filter((c) => c.agent_id === 9 && c.channel === 'phone');
		expect(filtered.flatMap((p) => p.conversations).map((c) => c.id)).toEqual(
			expected.map((c) => c.id),
		);
	});

	test('a deep before_id answers the conversations right after it', async () => {
		const ids = sb.control.conversations('A').map((c) => c.id);
		const pivot = ids[15_000];
		const res = await call(sb, `/api/v1/conversations?before_id=${pivot}&limit=3`, {
			key: sb.keys.readOnly,
		});
		expect(res.body.conversations.map((c: { id: number }) => c.id)).toEqual(
			ids.slice(15_001, 15_004),
		);
	});
});
