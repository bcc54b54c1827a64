/** GET /api/v1/agents, GET and PATCH /api/v1/agents/{id} (docs/ringready-api.md), every row of the PATCH table. */
import { startSandbox, type AgentDetail, type Sandbox } from '../sandbox';
import { TIMESTAMP_RE, call } from './helpers';

let sb: Sandbox;
let key: string;

beforeAll(async () => {
	sb = await startSandbox();
	key = sb.keys.readWrite;
});
afterAll(() => sb.close());
afterEach(() => sb.control.reset());

const patch = (body: unknown, id = 7, k = key) =>
	call(sb, `/api/v1/agents/${id}`, { method: 'PATCH', key: k, body });
const getAgent = async (id = 7): Promise<AgentDetail> =>
	(await call(sb, `/api/v1/agents/${id}`, { key })).body;

/** The agent's text fields, in the order the detail sends them. */
const TEXT_FIELDS = [
	'phone_number',
	'subscription_type',
	'agent_name',
	'voice',
	'greeting_message',
	'agent_goal',
	'business_name',
	'business_website',
	'business_services',
] as const;

const DETAIL_FIELDS = [
	'id',
	...TEXT_FIELDS,
	'faq',
	'appointment_booking',
	'features',
	'is_suspended',
	'created_at',
];

describe('GET /api/v1/agents', () => {
	test('{agents: [{id, phone_number, agent_name, business_name, subscription_type, created_at}]}', async () => {
		const res = await call(sb, '/api/v1/agents', { key });
		expect(res.status).toBe(200);
		expect(Object.keys(res.body)).toEqual(['agents']);
		expect(res.body.agents.length).toBeGreaterThanOrEqual(3);
		for (const a of res.body.agents) {
			expect(Object.keys(a)).toEqual([
				'id',
				'phone_number',
				'agent_name',
				'business_name',
				'subscription_type',
				'created_at',
			]);
			expect(Number.isInteger(a.id)).toBe(true);
			expect(a.phone_number).toMatch(/^\+1\d{10}$/);
			expect(typeof a.agent_name).toBe('string');
			expect(typeof a.business_name).toBe('string');
			expect(typeof a.subscription_type).toBe('string');
			expect(a.created_at).toMatch(TIMESTAMP_RE);
		}
	});

	test('the reference example agent (7, Ava, Acme Plumbing) is there', async () => {
		const res = await call(sb, '/api/v1/agents', { key });
		expect(res.body.agents[0]).toEqual({
			id: 7,
			phone_number: '+15551234567',
			agent_name: 'Ava',
			business_name: 'Acme Plumbing',
			subscription_type: 'growth',
			created_at: '2026-01-12T09:30:00Z',
		});
	});
});

describe('GET /api/v1/agents/{id}', () => {
	test('the full shape of the reference', async () => {
		const a = await getAgent(7);
		expect(Object.keys(a)).toEqual(DETAIL_FIELDS);
		expect(a).toEqual({
			id: 7,
			phone_number: '+15551234567',
			subscription_type: 'growth',
			agent_name: 'Ava',
			voice: 'friendly',
			greeting_message: 'Thanks for calling Acme — how can I help?',
			agent_goal: 'Qualify leads and book consultations.',
			business_name: 'Acme Plumbing',
			business_website: 'https://acme.com',
			business_services: 'Emergency plumbing, water heaters, drain cleaning.',
			faq: expect.objectContaining({
				'Do you offer emergency service?': 'Yes, 24/7.',
				'Do you give free estimates?': 'Yes, on every job.',
			}),
			appointment_booking: {
				sms_enabled: true,
				sms_url: 'https://book.acme.com',
				sms_purpose: 'booking',
			},
			features: {
				web_chat_enabled: true,
				live_context_enabled: false,
				webhook_enabled: false,
				webhook_url: null,
			},
			is_suspended: false,
			created_at: '2026-01-12T09:30:00Z',
		});
	});
});

describe('PATCH /api/v1/agents/{id}: partial update', () => {
	test('only the sent fields change; the answer lists them in the order sent', async () => {
		const before = await getAgent(7);
		const res = await patch({
			greeting_message: 'Hi!',
			faq: { 'Q?': 'A.' },
			agent_goal: 'Book jobs.',
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ id: 7, updated: ['greeting_message', 'faq', 'agent_goal'] });
		const after = await getAgent(7);
		expect(after).toEqual({
			...before,
			greeting_message: 'Hi!',
			faq: { 'Q?': 'A.' },
			agent_goal: 'Book jobs.',
		});
		expect(await getAgent(8)).toEqual(sb.control.agent(8));
	});

	test('the agents list reflects a new business_name', async () => {
		await patch({ business_name: 'Acme Plumbing & Drains' });
		const res = await call(sb, '/api/v1/agents', { key });
		expect(res.body.agents.find((a: { id: number }) => a.id === 7).business_name).toBe(
			'Acme Plumbing & Drains',
		);
	});

	test('a sent faq replaces the whole FAQ (no merge); {} empties it', async () => {
		expect(Object.keys((await getAgent(7)).faq).length).toBeGreaterThan(1);
		await patch({ faq: { 'Only question?': 'Only answer.' } });
		expect((await getAgent(7)).faq).toEqual({ 'Only question?': 'Only answer.' });
		const res = await patch({ faq: {} });
		expect(res.status).toBe(200);
		expect((await getAgent(7)).faq).toEqual({});
	});

	test('FAQ keys are arbitrary strings: __proto__, constructor, toString, hasOwnProperty survive a round trip', async () => {
		const raw =
			'{"faq":{"__proto__":"proto answer","constructor":"ctor answer","toString":"str answer","hasOwnProperty":"own answer","Normal?":"Yes."}}';
		const res = await call(sb, '/api/v1/agents/7', { method: 'PATCH', key, raw });
		expect(res.status).toBe(200);
		const got = await call(sb, '/api/v1/agents/7', { key });
		expect(got.text).toContain('"__proto__":"proto answer"');
		const faq = got.body.faq as Record<string, string>;
		expect(Object.keys(faq)).toEqual([
			'__proto__',
			'constructor',
			'toString',
			'hasOwnProperty',
			'Normal?',
		]);
		expect(Object.getOwnPropertyDescriptor(faq, '__proto__')?.value).toBe('proto answer');
		expect(faq.constructor).toBe('ctor answer');
		const view = sb.control.agent(7)!.faq;
		expect(Object.keys(view)).toEqual([
			'__proto__',
			'constructor',
			'toString',
			'hasOwnProperty',
			'Normal?',
		]);
		expect(Object.getOwnPropertyDescriptor(view, '__proto__')?.value).toBe('proto answer');
		// ...and they count as ordinary questions toward the limits.
		const entries = Array.from({ length: 49 }, (_, i) => `"Q${i}?":"A"`).join(',');
		const over = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key,
			raw: `{"faq":{"__proto__":"x",${entries},"toString":"y"}}`,
		});
		expect(over.status).toBe(422);
		expect(over.body.detail).toMatch(/at most 50 entries \(got 51\)/);
	});

	test('a top-level __proto__ key is a non-writable field, not a prototype', async () => {
		const res = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key,
			raw: '{"__proto__":{"agent_goal":"x"}}',
		});
		expect(res.status).toBe(422);
		expect(res.body.detail).toContain('__proto__');
	});
});

describe('PATCH limits: each field at its limit, and one over', () => {
	const FIELDS = [
		['agent_goal', 10_000, true],
		['greeting_message', 500, false],
		['business_name', 100, true],
		['business_services', 30_000, true],
		['business_website', 400, false],
	] as const;

	test.each(FIELDS)('%s: %i characters → 200, one more → 422 naming it', async (field, max) => {
		const atLimit = 'a'.repeat(max);
		const ok = await patch({ [field]: atLimit });
		expect(ok.status).toBe(200);
		expect(ok.body).toEqual({ id: 7, updated: [field] });
		expect((await getAgent(7))[field]).toBe(atLimit);

		const over = await patch({ [field]: 'b'.repeat(max + 1) });
		expect(over.status).toBe(422);
		expect(over.body.detail).toContain(field);
		expect(over.body.detail).toContain(String(max));
		expect((await getAgent(7))[field]).toBe(atLimit);
	});

	test.each(FIELDS)('%s: characters are code points (an emoji counts once)', async (field, max) => {
		const ok = await patch({ [field]: '😀'.repeat(max) });
		expect(ok.status).toBe(200);
		const over = await patch({ [field]: '😀'.repeat(max + 1) });
		expect(over.status).toBe(422);
	});

	test.each(FIELDS.filter(([, , required]) => required))(
		'%s is required: blank → 422 naming it',
		async (field) => {
			for (const blank of ['', '   ', '\n\t ']) {
				const res = await patch({ [field]: blank });
				expect(res.status).toBe(422);
				expect(res.body.detail).toContain(field);
				expect(res.body.detail).toMatch(/blank/);
			}
			expect((await getAgent(7))[field]).toBe(sb.control.agent(7)![field]);
		},
	);

	test.each(FIELDS.filter(([, , required]) => !required))(
		'%s is optional: "" clears it',
		async (field) => {
			const res = await patch({ [field]: '' });
			expect(res.status).toBe(200);
			expect((await getAgent(7))[field]).toBe('');
		},
	);

	test.each(FIELDS)('%s: wrong types → 422 naming it', async (field) => {
		for (const value of [42, null, true, ['x'], { text: 'x' }]) {
			const res = await patch({ [field]: value });
			expect({ value, status: res.status }).toEqual({ value, status: 422 });
			expect(res.body.detail).toContain(field);
		}
	});
});

describe('PATCH faq limits: 50 entries, question 200, answer 500', () => {
	const faqOf = (n: number) =>
		Object.fromEntries(Array.from({ length: n }, (_, i) => [`Question ${i}?`, `Answer ${i}.`]));

	test('50 entries → 200; 51 → 422', async () => {
		expect((await patch({ faq: faqOf(50) })).status).toBe(200);
		expect(Object.keys((await getAgent(7)).faq)).toHaveLength(50);
		const over = await patch({ faq: faqOf(51) });
		expect(over.status).toBe(422);
		expect(over.body.detail).toMatch(/faq/);
		expect(over.body.detail).toMatch(/50/);
		expect(Object.keys((await getAgent(7)).faq)).toHaveLength(50);
	});

	test('question of 200 characters → 200; 201 → 422', async () => {
		expect((await patch({ faq: { [`${'q'.repeat(199)}?`]: 'A.' } })).status).toBe(200);
		const over = await patch({ faq: { [`${'q'.repeat(200)}?`]: 'A.' } });
		expect(over.status).toBe(422);
		expect(over.body.detail).toMatch(/faq question/);
		expect(over.body.detail).toMatch(/200/);
	});

	test('answer of 500 characters → 200; 501 → 422', async () => {
		expect((await patch({ faq: { 'Q?': 'a'.repeat(500) } })).status).toBe(200);
		const over = await patch({ faq: { 'Q?': 'a'.repeat(501) } });
		expect(over.status).toBe(422);
		expect(over.body.detail).toMatch(/faq answer/);
		expect(over.body.detail).toMatch(/500/);
	});

	test('blank questions or answers, non-string answers → 422', async () => {
		for (const faq of [
			{ '': 'A.' },
			{ '   ': 'A.' },
			{ 'Q?': '' },
			{ 'Q?': '  ' },
			{ 'Q?': 5 },
			{ 'Q?': null },
			{ 'Q?': ['A'] },
		]) {
			const res = await patch({ faq });
			expect({ faq, status: res.status }).toEqual({ faq, status: 422 });
			expect(res.body.detail).toMatch(/faq/);
		}
	});

	test('faq must be an object map', async () => {
		for (const faq of [[['Q?', 'A.']], 'Q? A.', null, 3]) {
			const res = await patch({ faq });
			expect({ faq, status: res.status }).toEqual({ faq, status: 422 });
			expect(res.body.detail).toMatch(/faq must be an object/);
		}
	});
});

describe('PATCH: non-writable fields and bad bodies', () => {
	test.each([
		'voice',
		'agent_name',
		'phone_number',
		'subscription_type',
		'features',
		'webhook_url',
		'appointment_booking',
		'sms_enabled',
		'is_suspended',
		'id',
		'created_at',
		'favorite_color',
	])('%s → 422 naming it and saying it is managed in the dashboard', async (field) => {
		const before = await getAgent(7);
		const res = await patch({ agent_goal: 'Would change', [field]: 'x' });
		expect(res.status).toBe(422);
		expect(res.body.detail).toContain(`"${field}"`);
		expect(res.body.detail).toMatch(/dashboard/);
		expect(await getAgent(7)).toEqual(before); // nothing applied
	});

	test('several invalid fields → one 422 naming each', async () => {
		const res = await patch({ voice: 'calm', business_name: '', faq: 'nope' });
		expect(res.status).toBe(422);
		for (const f of ['voice', 'business_name', 'faq']) expect(res.body.detail).toContain(f);
	});

	test.each([
		['{}', /at least one field/],
		['[]', /JSON object/],
		['"agent_goal"', /JSON object/],
		['null', /JSON object/],
		['{"agent_goal": "x",', /valid JSON/],
		['', /valid JSON/],
	])('body %j → 422', async (raw, detail) => {
		const res = await call(sb, '/api/v1/agents/7', { method: 'PATCH', key, raw });
		expect(res.status).toBe(422);
		expect(res.body.detail).toMatch(detail);
	});

	test('a body over 1 MB → 413', async () => {
		const res = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key,
			raw: JSON.stringify({ agent_goal: 'x'.repeat(1_100_000) }),
		});
		expect(res.status).toBe(413);
		expect(Object.keys(res.body)).toEqual(['detail']);
	});

	test('validation comes before lookup: an invalid body for a missing agent is 422, a valid one 404', async () => {
		expect((await patch({ voice: 'x' }, 999)).status).toBe(422);
		expect((await patch({ agent_goal: 'x' }, 999)).status).toBe(404);
	});

	test("B's key PATCHes B's agent", async () => {
		const res = await patch({ faq: { 'Do you see hamsters?': 'Yes.' } }, 21, sb.keys.otherAccount);
		expect(res.status).toBe(200);
		expect(sb.control.agent(21)!.faq).toEqual({ 'Do you see hamsters?': 'Yes.' });
	});
});
