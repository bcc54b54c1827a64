/** GET /api/v1/conversations and /conversations/{id} (docs/ringready-api.md), held row by row. */
import { startSandbox, type ConversationDetail, type Sandbox } from '../sandbox';
import { TIMESTAMP_RE, call, expectError, flatten, qs, walk } from './helpers';

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

const list = (params: Record<string, string | number | undefined>) =>
	call(sb, `/api/v1/conversations${qs(params)}`, { key });
const ids = (items: Array<{ id: number }>) => items.map((c) => c.id);
const walkIds = async (params: Record<string, string | number | undefined>) =>
	ids(flatten(await walk(sb, key, { limit: 200, ...params })));
const matching = (f: { channel?: string; agent_id?: number; sinceMs?: number }) =>
	ids(
		all.filter(
			(c) =>
				(f.channel === undefined || c.channel === f.channel) &&
				(f.agent_id === undefined || c.agent_id === f.agent_id) &&
				(f.sinceMs === undefined || Date.parse(c.started_at) >= f.sinceMs),
		),
	);
const EMPTY = { conversations: [], next_before_id: null, limit: 50 };

test('default page: {conversations, next_before_id, limit: 50}, newest (highest id) first', async () => {
	const res = await list({});
	expect(ids(res.body.conversations)).toEqual(ids(all.slice(0, 50)));
	expect([res.body.limit, res.body.next_before_id]).toEqual([50, all[49].id]);
});

test('every list item: consistent values (shapes and field order: openapi.test.ts)', async () => {
	const items = flatten(await walk(sb, key, { limit: 200 }));
	expect(ids(items)).toEqual(ids(all));
	for (const c of items) {
		const phone = c.channel === 'phone' ? expect.stringMatching(/^\+1\d{10}$/) : null;
		const webChat = {
			device_type: expect.stringMatching(/^(desktop|mobile|tablet)$/),
			origin_url: expect.stringMatching(/^https:\/\//),
		};
		const [started_at, ended_at] = [
			expect.stringMatching(TIMESTAMP_RE),
			expect.stringMatching(TIMESTAMP_RE),
		];
		expect(c).toEqual({
			...c,
			started_at,
			ended_at,
			from: phone,
			to: phone,
			web_chat: phone ? null : webChat,
		});
		expect(Date.parse(c.ended_at) - Date.parse(c.started_at)).toBe(c.duration_seconds * 1000);
	}
	expect(new Set(items.map((c) => c.channel))).toEqual(new Set(['phone', 'web_chat']));
});

test.each([
	['limit', ['0', '201', '-1', '1.5', 'abc', '', ' 5', '1e2', '0x10', '99999999999999999999']],
	['channel', ['PHONE', 'webchat', 'sms', '']],
	['agent_id', ['0', '-7', '7.0', 'seven', '']],
	['before_id', ['0', '-5', 'abc', '3.5', '']],
	[
		'since',
		[
			'yesterday',
			'2026-13-01T00:00:00Z',
			'2026-02-30T00:00:00Z',
			'2026-06-09T25:00:00Z',
			'2026-06-09 14:03:00Z',
			'1717941780',
			'',
			'2026-06-09T14:03:00+02:00', // an unencoded "+" is a space: refused, not misread
		],
	],
])('invalid %s → 422 {detail} naming it', async (name, values) => {
	for (const value of values) {
		expectError(await call(sb, `/api/v1/conversations?${name}=${value}`, { key }), 422, name);
	}
});

test('several invalid parameters → one 422 naming each', async () => {
	const res = await list({
		limit: 0,
		channel: 'fax',
		since: 'soon',
		agent_id: 'x',
		before_id: 'y',
	});
	expect(res.status).toBe(422);
	for (const name of ['limit', 'channel', 'since', 'agent_id', 'before_id'])
		expect(res.body.detail).toContain(name);
});

test('limit 1–200 is echoed; unknown parameters are ignored; a repeated one: the last wins; no match is an empty page', async () => {
	for (const limit of [1, 199, 200])
		expect((await list({ limit })).body.conversations).toHaveLength(limit);
	expect(ids((await list({ foo: 'bar', page: 3, limit: 3 })).body.conversations)).toEqual(
		ids(all.slice(0, 3)),
	);
	expect((await call(sb, '/api/v1/conversations?limit=500&limit=3', { key })).body.limit).toBe(3);
	// An agent of another account, an unknown agent, since after everything, before_id=1: 200, empty.
	for (const params of [
		{ agent_id: 21 },
		{ agent_id: 999 },
		{ since: '2099-01-01T00:00:00Z' },
		{ before_id: 1 },
	])
		expect((await list(params)).body).toEqual(EMPTY);
});

test('since is inclusive (started_at >= since, to the fraction of a second); Z, offsets, no zone, lower case, minutes only and a date alone name the same instants', async () => {
	const ms = Date.parse(all[40].started_at);
	const local = (shiftH: number) => new Date(ms + shiftH * 3600_000).toISOString().slice(0, 19);
	for (const since of [
		all[40].started_at,
		all[40].started_at.toLowerCase().replace('t', 'T'),
		`${local(0)}.000Z`,
		`${local(2)}+02:00`,
		`${local(2)}+0200`,
		`${local(-5.5)}-05:30`,
		local(0),
	])
		expect({ since, ids: await walkIds({ since }) }).toEqual({
			since,
			ids: matching({ sinceMs: ms }),
		});
	for (const [since, at] of [
		[`${local(0).slice(0, 16)}Z`, `${local(0).slice(0, 16)}:00Z`],
		[local(0).slice(0, 10), `${local(0).slice(0, 10)}T00:00:00Z`],
		[`${local(0)}.5Z`, new Date(ms + 1000).toISOString()],
	])
		expect(await walkIds({ since })).toEqual(matching({ sinceMs: Date.parse(at) }));
});

test('before_id: the ids below it, newest first, whether or not it is an id of this account', async () => {
	for (const bound of [all[100].id, sb.control.conversations('B')[5].id, 10_000_000])
		expect(ids((await list({ before_id: bound, limit: 20 })).body.conversations)).toEqual(
			ids(all.filter((c) => c.id < bound).slice(0, 20)),
		);
});

const combos: Array<{ channel?: string; agent_id?: number; since?: boolean; limit: number }> = [
	{ limit: 1 },
	{ limit: 50 },
	{ limit: 3, channel: 'web_chat', agent_id: 8, since: true },
];
for (const agent_id of [undefined, 7, 9, 10])
	for (const channel of [undefined, 'phone', 'web_chat'])
		for (const since of [false, true])
			combos.push({ agent_id, channel, since, limit: since ? 7 : 13 });

test.each(combos)(
	'walk %j: every match once, full pages, null exactly at the end',
	async (combo) => {
		const since = combo.since ? all[Math.floor(all.length * 0.6)].started_at : undefined;
		const expected = matching({ ...combo, sinceMs: since ? Date.parse(since) : undefined });
		const pages = await walk(sb, key, { ...combo, since });
		expect(ids(flatten(pages))).toEqual(expected);
		expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / combo.limit)));
		pages.forEach((p, i) => {
			expect(p.limit).toBe(combo.limit);
			if (i < pages.length - 1) {
				expect(p.conversations).toHaveLength(combo.limit);
				expect(p.next_before_id).toBe(p.conversations[combo.limit - 1].id);
			} else expect(p.next_before_id).toBeNull();
		});
	},
);

test('next_before_id is null on a full last page, and set on a page one short of the end', async () => {
	const n = matching({ agent_id: 9 }).length;
	const exact = await list({ agent_id: 9, limit: n });
	expect([exact.body.conversations.length, exact.body.next_before_id]).toEqual([n, null]);
	const short = await list({ agent_id: 9, limit: n - 1 });
	expect(short.body.next_before_id).toBe(short.body.conversations[n - 2].id);
	const rest = await list({ agent_id: 9, limit: n - 1, before_id: short.body.next_before_id });
	expect([rest.body.conversations.length, rest.body.next_before_id]).toEqual([1, null]);
});

test('the detail: the list item plus transcript, recording_url and web_chat.visitor_ip', async () => {
	const items = flatten(await walk(sb, key, { limit: 200 })).filter((_, i) => i % 7 === 0);
	for (const item of items) {
		const res = await call(sb, `/api/v1/conversations/${item.id}`, { key });
		const d: ConversationDetail = res.body;
		const { web_chat, transcript, recording_url, ...rest } = d;
		expect({ ...rest, web_chat: item.web_chat }).toEqual(item);
		let prev = -1;
		for (const turn of transcript) {
			expect(['agent', 'user']).toContain(turn.role);
			expect(turn.content).not.toBe('');
			expect(turn.elapsed_s).toBeGreaterThanOrEqual(prev);
			expect(turn.elapsed_s).toBeLessThanOrEqual(d.duration_seconds);
			prev = turn.elapsed_s;
		}
		if (d.channel === 'phone') expect(web_chat).toBeNull();
		else {
			expect(recording_url).toBeNull();
			expect(web_chat).toEqual({
				...item.web_chat,
				visitor_ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
			});
		}
	}
	const chat = all.find((x) => x.channel === 'web_chat')!;
	for (const c of [all[0], all[all.length - 1], chat])
		expect((await call(sb, `/api/v1/conversations/${c.id}`, { key })).body).toEqual(
			JSON.parse(JSON.stringify(c)),
		);
});
