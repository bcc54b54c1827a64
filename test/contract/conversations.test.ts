/** GET /api/v1/conversations and /conversations/{id} (docs/ringready-api.md), held row by row. */
import {
	startSandbox,
	type ConversationDetail,
	type ConversationSummary,
	type Sandbox,
} from '../sandbox';
import { TIMESTAMP_RE, call, flatten, qs, walk } from './helpers';

let sb: Sandbox;
let key: string;
/** Account A, newest (highest id) first. */
let all: ConversationDetail[];

beforeAll(async () => {
	sb = await startSandbox();
	key = sb.keys.readWrite;
	all = sb.control.conversations('A');
});
afterAll(() => sb.close());

const list = (params: Record<string, string | number | undefined>, k = key) =>
	call(sb, `/api/v1/conversations${qs(params)}`, { key: k });

const LIST_FIELDS = [
	'id',
	'channel',
	'agent_id',
	'from',
	'to',
	'caller_name',
	'label',
	'summary',
	'started_at',
	'ended_at',
	'duration_seconds',
	'end_reason',
	'is_archived',
	'is_viewed',
	'web_chat',
];

function expectListItemShape(c: ConversationSummary): void {
	expect(Object.keys(c)).toEqual(LIST_FIELDS);
	expect(Number.isInteger(c.id) && c.id > 0).toBe(true);
	expect(['phone', 'web_chat']).toContain(c.channel);
	expect(Number.isInteger(c.agent_id)).toBe(true);
	expect(c.caller_name === null || typeof c.caller_name === 'string').toBe(true);
	expect(typeof c.label).toBe('string');
	expect(typeof c.summary).toBe('string');
	expect(c.started_at).toMatch(TIMESTAMP_RE);
	expect(c.ended_at).toMatch(TIMESTAMP_RE);
	expect(Number.isInteger(c.duration_seconds)).toBe(true);
	expect(Date.parse(c.ended_at) - Date.parse(c.started_at)).toBe(c.duration_seconds * 1000);
	expect(typeof c.end_reason).toBe('string');
	expect(typeof c.is_archived).toBe('boolean');
	expect(typeof c.is_viewed).toBe('boolean');
	if (c.channel === 'phone') {
		expect(c.from).toMatch(/^\+1\d{10}$/);
		expect(c.to).toMatch(/^\+1\d{10}$/);
		expect(c.web_chat).toBeNull();
	} else {
		expect(c.from).toBeNull();
		expect(c.to).toBeNull();
		expect(Object.keys(c.web_chat!)).toEqual(['device_type', 'origin_url']);
		expect(['desktop', 'mobile', 'tablet']).toContain(c.web_chat!.device_type);
		expect(c.web_chat!.origin_url).toMatch(/^https:\/\//);
	}
}

const matching = (f: { channel?: string; agent_id?: number; sinceMs?: number }) =>
	all.filter(
		(c) =>
			(f.channel === undefined || c.channel === f.channel) &&
			(f.agent_id === undefined || c.agent_id === f.agent_id) &&
			(f.sinceMs === undefined || Date.parse(c.started_at) >= f.sinceMs),
	);

describe('response shape', () => {
	test('default page: {conversations, next_before_id, limit} with limit 50, newest (highest id) first', async () => {
		const res = await list({});
		expect(res.status).toBe(200);
		expect(Object.keys(res.body)).toEqual(['conversations', 'next_before_id', 'limit']);
		expect(res.body.limit).toBe(50);
		expect(res.body.conversations).toHaveLength(50);
		expect(res.body.conversations.map((c: ConversationSummary) => c.id)).toEqual(
			all.slice(0, 50).map((c) => c.id),
		);
		expect(res.body.next_before_id).toBe(res.body.conversations[49].id);
	});

	test('every list item has every documented field with the right type (both channels)', async () => {
		const items = flatten(await walk(sb, key, { limit: 200 }));
		expect(items).toHaveLength(all.length);
		for (const c of items) expectListItemShape(c);
		expect(new Set(items.map((c) => c.channel))).toEqual(new Set(['phone', 'web_chat']));
	});

	test('list items carry no detail-only fields', async () => {
		const res = await list({ limit: 200 });
		for (const c of res.body.conversations) {
			expect(c).not.toHaveProperty('transcript');
			expect(c).not.toHaveProperty('recording_url');
			if (c.web_chat) expect(c.web_chat).not.toHaveProperty('visitor_ip');
		}
	});
});

describe('query parameters', () => {
	describe('limit: 1–200, default 50', () => {
		test.each([1, 2, 50, 199, 200])('limit=%i → that many, echoed', async (limit) => {
			const res = await list({ limit });
			expect(res.status).toBe(200);
			expect(res.body.limit).toBe(limit);
			expect(res.body.conversations).toHaveLength(limit);
		});

		test.each(['0', '201', '-1', '1.5', 'abc', '', ' 5', '1e2', '0x10', '99999999999999999999'])(
			'limit=%j → 422 naming limit',
			async (limit) => {
				const res = await call(sb, `/api/v1/conversations?limit=${encodeURIComponent(limit)}`, {
					key,
				});
				expect(res.status).toBe(422);
				expect(Object.keys(res.body)).toEqual(['detail']);
				expect(res.body.detail).toMatch(/limit/);
			},
		);
	});

	describe('channel: phone or web_chat', () => {
		test.each(['phone', 'web_chat'])(
			'channel=%s returns only that channel, every one of them',
			async (channel) => {
				const items = flatten(await walk(sb, key, { channel, limit: 200 }));
				expect(items.length).toBeGreaterThan(0);
				expect(items.every((c) => c.channel === channel)).toBe(true);
				expect(items.map((c) => c.id)).toEqual(matching({ channel }).map((c) => c.id));
			},
		);

		test.each(['PHONE', 'webchat', 'sms', ''])(
			'channel=%j → 422 naming channel',
			async (channel) => {
				const res = await call(sb, `/api/v1/conversations?channel=${channel}`, { key });
				expect(res.status).toBe(422);
				expect(res.body.detail).toMatch(/channel/);
			},
		);
	});

	describe('agent_id: one receptionist', () => {
		test.each([7, 8, 9, 10])('agent_id=%i', async (agentId) => {
			const items = flatten(await walk(sb, key, { agent_id: agentId, limit: 200 }));
			expect(items.length).toBeGreaterThan(0);
			expect(items.map((c) => c.id)).toEqual(matching({ agent_id: agentId }).map((c) => c.id));
		});

		test("another account's agent or an unknown agent matches nothing (200, not an error)", async () => {
			for (const agentId of [21, 999]) {
				const res = await list({ agent_id: agentId });
				expect(res.status).toBe(200);
				expect(res.body).toEqual({ conversations: [], next_before_id: null, limit: 50 });
			}
		});

		test.each(['0', '-7', '7.0', 'seven', ''])(
			'agent_id=%j → 422 naming agent_id',
			async (agentId) => {
				const res = await call(sb, `/api/v1/conversations?agent_id=${agentId}`, { key });
				expect(res.status).toBe(422);
				expect(res.body.detail).toMatch(/agent_id/);
			},
		);
	});

	describe('since: ISO-8601, inclusive (started_at >= since)', () => {
		test('a conversation exactly at since is included; one second later excludes it', async () => {
			const target = all[Math.floor(all.length / 3)];
			const atMs = Date.parse(target.started_at);
			const at = flatten(await walk(sb, key, { since: target.started_at, limit: 200 }));
			expect(at.map((c) => c.id)).toContain(target.id);
			expect(at.map((c) => c.id)).toEqual(matching({ sinceMs: atMs }).map((c) => c.id));
			expect(at.every((c) => Date.parse(c.started_at) >= atMs)).toBe(true);

			const after = new Date(atMs + 1000).toISOString().replace('.000Z', 'Z');
			const later = flatten(await walk(sb, key, { since: after, limit: 200 }));
			expect(later.map((c) => c.id)).not.toContain(target.id);
			expect(later.map((c) => c.id)).toEqual(matching({ sinceMs: atMs + 1000 }).map((c) => c.id));
		});

		test('a since between seconds (fraction) excludes the earlier second', async () => {
			const target = all[10];
			const ms = Date.parse(target.started_at);
			const res = await list({ since: new Date(ms + 500).toISOString(), limit: 200 });
			expect(res.body.conversations.map((c: ConversationSummary) => c.id)).not.toContain(target.id);
		});

		test('Z, offsets, no seconds, a date alone and lower-case z name the same instants', async () => {
			const target = all[40];
			const ms = Date.parse(target.started_at);
			const expected = matching({ sinceMs: ms }).map((c) => c.id);
			const d = new Date(ms);
			const pad = (n: number) => String(n).padStart(2, '0');
			const plus2 = new Date(ms + 2 * 3600_000);
			const minus0530 = new Date(ms - 5.5 * 3600_000);
			const local = (x: Date) =>
				`${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}T${pad(x.getUTCHours())}:${pad(x.getUTCMinutes())}:${pad(x.getUTCSeconds())}`;
			for (const since of [
				target.started_at,
				target.started_at.toLowerCase().replace('t', 'T'),
				`${local(d)}.000Z`,
				`${local(plus2)}+02:00`,
				`${local(plus2)}+0200`,
				`${local(minus0530)}-05:30`,
				local(d),
			]) {
				const items = flatten(await walk(sb, key, { since, limit: 200 }));
				expect({ since, ids: items.map((c) => c.id) }).toEqual({ since, ids: expected });
			}
			// minutes only and a date alone
			const minute = `${local(d).slice(0, 16)}Z`;
			const byMinute = flatten(await walk(sb, key, { since: minute, limit: 200 }));
			expect(byMinute.map((c) => c.id)).toEqual(
				matching({ sinceMs: Date.parse(minute) }).map((c) => c.id),
			);
			const day = local(d).slice(0, 10);
			const byDay = flatten(await walk(sb, key, { since: day, limit: 200 }));
			expect(byDay.map((c) => c.id)).toEqual(
				matching({ sinceMs: Date.parse(`${day}T00:00:00Z`) }).map((c) => c.id),
			);
		});

		test('a since after everything → empty last page', async () => {
			const res = await list({ since: '2099-01-01T00:00:00Z' });
			expect(res.body).toEqual({ conversations: [], next_before_id: null, limit: 50 });
		});

		test.each([
			'yesterday',
			'2026-13-01T00:00:00Z',
			'2026-02-30T00:00:00Z',
			'2026-06-09T25:00:00Z',
			'2026-06-09T14:03:00 02:00',
			'2026-06-09 14:03:00Z',
			'1717941780',
			'',
		])('since=%j → 422 naming since', async (since) => {
			const res = await call(sb, `/api/v1/conversations?since=${encodeURIComponent(since)}`, {
				key,
			});
			expect(res.status).toBe(422);
			expect(res.body.detail).toMatch(/since/);
		});

		test('an unencoded "+" offset (read as a space) is refused, not misread', async () => {
			const res = await call(sb, '/api/v1/conversations?since=2026-06-09T14:03:00+02:00', { key });
			expect(res.status).toBe(422);
			expect(res.body.detail).toMatch(/since/);
		});
	});

	describe('before_id: ids < before_id', () => {
		test('returns the conversations with smaller ids, newest first', async () => {
			const pivot = all[100].id;
			const res = await list({ before_id: pivot, limit: 20 });
			expect(res.body.conversations.map((c: ConversationSummary) => c.id)).toEqual(
				all
					.filter((c) => c.id < pivot)
					.slice(0, 20)
					.map((c) => c.id),
			);
		});

		test('a before_id that is not an id of this account works as a bound', async () => {
			const bId = sb.control.conversations('B')[5].id;
			const res = await list({ before_id: bId, limit: 200 });
			expect(res.body.conversations.map((c: ConversationSummary) => c.id)).toEqual(
				all
					.filter((c) => c.id < bId)
					.slice(0, 200)
					.map((c) => c.id),
			);
			const huge = await list({ before_id: 10_000_000, limit: 5 });
			expect(huge.body.conversations.map((c: ConversationSummary) => c.id)).toEqual(
				all.slice(0, 5).map((c) => c.id),
			);
		});

		test('before_id=1 → empty, next_before_id null', async () => {
			const res = await list({ before_id: 1 });
			expect(res.body).toEqual({ conversations: [], next_before_id: null, limit: 50 });
		});

		test.each(['0', '-5', 'abc', '3.5', ''])('before_id=%j → 422 naming before_id', async (b) => {
			const res = await call(sb, `/api/v1/conversations?before_id=${b}`, { key });
			expect(res.status).toBe(422);
			expect(res.body.detail).toMatch(/before_id/);
		});
	});

	test('several invalid parameters → one 422 naming each', async () => {
		const res = await call(
			sb,
			'/api/v1/conversations?limit=0&channel=fax&since=soon&agent_id=x&before_id=y',
			{
				key,
			},
		);
		expect(res.status).toBe(422);
		for (const name of ['limit', 'channel', 'since', 'agent_id', 'before_id'])
			expect(res.body.detail).toContain(name);
	});

	test('unknown query parameters are ignored', async () => {
		const res = await list({ foo: 'bar', page: 3, limit: 3 });
		expect(res.status).toBe(200);
		expect(res.body.conversations.map((c: ConversationSummary) => c.id)).toEqual(
			all.slice(0, 3).map((c) => c.id),
		);
	});

	test('a repeated parameter: the last value wins', async () => {
		const res = await call(sb, '/api/v1/conversations?limit=500&limit=3', { key });
		expect(res.status).toBe(200);
		expect(res.body.limit).toBe(3);
	});
});

describe('pagination walks (before_id = next_before_id)', () => {
	const agents = [undefined, 7, 9];
	const channels = [undefined, 'phone', 'web_chat'];
	const combos: Array<{ channel?: string; agent_id?: number; since?: boolean; limit: number }> = [];
	for (const agent_id of agents)
		for (const channel of channels)
			for (const since of [false, true])
				combos.push({ agent_id, channel, since, limit: since ? 7 : 13 });
	combos.push(
		{ limit: 1 },
		{ limit: 200 },
		{ limit: 50 },
		{ limit: 3, channel: 'web_chat', agent_id: 8, since: true },
	);

	test.each(combos)('%j: no duplicates, no gaps, null exactly at the end', async (combo) => {
		const sinceIso = combo.since ? all[Math.floor(all.length * 0.6)].started_at : undefined;
		const expected = matching({
			channel: combo.channel,
			agent_id: combo.agent_id,
			sinceMs: sinceIso ? Date.parse(sinceIso) : undefined,
		}).map((c) => c.id);
		const pages = await walk(sb, key, {
			channel: combo.channel,
			agent_id: combo.agent_id,
			since: sinceIso,
			limit: combo.limit,
		});
		const ids = flatten(pages).map((c) => c.id);
		expect(ids).toEqual(expected);
		expect(new Set(ids).size).toBe(ids.length);
		pages.forEach((p, i) => {
			const last = i === pages.length - 1;
			expect(p.limit).toBe(combo.limit);
			if (!last) {
				expect(p.conversations).toHaveLength(combo.limit);
				expect(p.next_before_id).toBe(p.conversations[p.conversations.length - 1].id);
			} else {
				expect(p.next_before_id).toBeNull();
				expect(p.conversations.length).toBeLessThanOrEqual(combo.limit);
			}
		});
		// Exactly ceil(n / limit) pages (one empty page only when nothing matches).
		expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / combo.limit)));
	});

	test('next_before_id is null on a full last page (total an exact multiple of limit)', async () => {
		const n = matching({ agent_id: 9 }).length;
		const exact = await list({ agent_id: 9, limit: Math.min(n, 200) });
		if (n <= 200) {
			expect(exact.body.conversations).toHaveLength(n);
			expect(exact.body.next_before_id).toBeNull();
		}
		const pages = await walk(sb, key, {
			limit: all.length / 4 === Math.floor(all.length / 4) ? all.length / 4 : 80,
		});
		expect(pages[pages.length - 1].next_before_id).toBeNull();
		expect(pages[pages.length - 1].conversations.length).toBeGreaterThan(0);

		const oneShort = await list({ agent_id: 9, limit: n - 1 });
		expect(oneShort.body.next_before_id).toBe(oneShort.body.conversations[n - 2].id);
		const rest = await list({ agent_id: 9, limit: n - 1, before_id: oneShort.body.next_before_id });
		expect(rest.body.conversations).toHaveLength(1);
		expect(rest.body.next_before_id).toBeNull();
	});
});

describe('GET /api/v1/conversations/{id}', () => {
	test('every conversation: the list item plus transcript, recording_url and web_chat.visitor_ip', async () => {
		const items = flatten(await walk(sb, key, { limit: 200 }));
		const sample = items.filter((_, i) => i % 7 === 0);
		for (const item of sample) {
			const res = await call(sb, `/api/v1/conversations/${item.id}`, { key });
			expect(res.status).toBe(200);
			const d = res.body as ConversationDetail;
			expect(Object.keys(d)).toEqual([...LIST_FIELDS, 'transcript', 'recording_url']);
			const { web_chat: listWebChat, ...listRest } = item;
			const { web_chat: detailWebChat, transcript, recording_url: recordingUrl, ...detailRest } = d;
			expect(detailRest).toEqual(listRest);
			expect(Array.isArray(transcript)).toBe(true);
			let prev = -1;
			for (const turn of transcript) {
				expect(Object.keys(turn)).toEqual(['role', 'content', 'elapsed_s']);
				expect(['agent', 'user']).toContain(turn.role);
				expect(typeof turn.content).toBe('string');
				expect(turn.content.length).toBeGreaterThan(0);
				expect(typeof turn.elapsed_s).toBe('number');
				expect(turn.elapsed_s).toBeGreaterThanOrEqual(prev);
				expect(turn.elapsed_s).toBeLessThanOrEqual(d.duration_seconds);
				prev = turn.elapsed_s;
			}
			if (d.channel === 'phone') {
				expect(detailWebChat).toBeNull();
				// The sandbox serves its recordings itself, on its own origin or its media origin.
				if (recordingUrl !== null)
					expect(recordingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/recordings\/\d+\.(mp3|wav)$/);
			} else {
				expect(recordingUrl).toBeNull();
				expect(detailWebChat).toEqual({
					...listWebChat,
					visitor_ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
				});
				expect(Object.keys(detailWebChat!)).toEqual(['device_type', 'origin_url', 'visitor_ip']);
			}
		}
	});

	test('transcripts are realistic: most conversations have several turns; phone calls mostly have recordings', () => {
		const withTurns = all.filter((c) => c.transcript.length >= 3).length;
		expect(withTurns / all.length).toBeGreaterThan(0.8);
		const phones = all.filter((c) => c.channel === 'phone');
		expect(phones.filter((c) => c.recording_url !== null).length / phones.length).toBeGreaterThan(
			0.8,
		);
		expect(all.some((c) => c.transcript.length === 0)).toBe(true); // hang-ups
		expect(all.some((c) => c.caller_name === null)).toBe(true);
	});

	test('the detail matches the in-process view exactly', async () => {
		for (const c of [all[0], all[all.length - 1], all.find((x) => x.channel === 'web_chat')!]) {
			const res = await call(sb, `/api/v1/conversations/${c.id}`, { key });
			expect(res.body).toEqual(JSON.parse(JSON.stringify(c)));
		}
	});
});

describe('seeded data (what the open questions need to be testable)', () => {
	test('accounts, agents and volume', () => {
		expect(all.length).toBe(320);
		expect(sb.control.conversations('B')).toHaveLength(40);
		const agentsA = sb.control.agents('A');
		expect(agentsA.length).toBeGreaterThanOrEqual(3);
		for (const a of agentsA) expect(Object.keys(a.faq).length).toBeGreaterThanOrEqual(3);
		const agentsB = sb.control.agents('B');
		expect(agentsB.length).toBeGreaterThanOrEqual(1);
		expect(agentsB.length).toBeLessThanOrEqual(2);
		for (const a of agentsA) expect(all.some((c) => c.agent_id === a.id)).toBe(true);
	});

	test('ids are global, unique and increasing with creation across accounts', () => {
		const a = all.map((c) => c.id);
		const b = sb.control.conversations('B').map((c) => c.id);
		const ids = [...a, ...b].sort((x, y) => x - y);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids[0]).toBe(1);
		expect(ids[ids.length - 1]).toBe(ids.length); // contiguous: every id belongs to one account
		expect(Math.min(...b)).toBeLessThan(Math.max(...a)); // interleaved
	});

	test('several groups share one started_at second', () => {
		const bySecond = new Map<string, number>();
		for (const c of all) bySecond.set(c.started_at, (bySecond.get(c.started_at) ?? 0) + 1);
		const groups = [...bySecond.values()].filter((n) => n > 1);
		expect(groups.length).toBeGreaterThanOrEqual(3);
		expect(Math.max(...groups)).toBeGreaterThanOrEqual(3);
	});

	test('some were processed late: a higher id than conversations that started after them', () => {
		const ascending = [...all].reverse();
		const late = ascending.filter((c, i) =>
			ascending.slice(0, i).some((earlier) => earlier.started_at > c.started_at),
		);
		expect(late.length).toBeGreaterThanOrEqual(3);
	});

	test('timestamps are in the past, UTC with trailing Z, second precision', () => {
		for (const c of all) {
			expect(c.started_at).toMatch(TIMESTAMP_RE);
			expect(Date.parse(c.started_at)).toBeLessThan(Date.now());
		}
	});
});
