/** GET /api/v1/agents, GET and PATCH /api/v1/agents/{id} (docs/ringready-api.md), every row of the PATCH table. */
import { startSandbox, type AgentDetail, type Sandbox } from '../sandbox';
import { call, expectError } from './helpers';

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
const patchRaw = (raw: string) => call(sb, '/api/v1/agents/7', { method: 'PATCH', key, raw });
const getAgent = async (id = 7): Promise<AgentDetail> =>
	(await call(sb, `/api/v1/agents/${id}`, { key })).body;

const AVA = {
	id: 7,
	phone_number: '+15551234567',
	agent_name: 'Ava',
	business_name: 'Acme Plumbing',
	subscription_type: 'growth',
	created_at: '2026-01-12T09:30:00Z',
};

test('GET /agents: {agents: [{id, phone_number, agent_name, business_name, subscription_type, created_at}]}', async () => {
	const res = await call(sb, '/api/v1/agents', { key });
	expect(res.body.agents[0]).toEqual(AVA);
});

test('GET /agents/7: the full shape of the reference (field order: openapi.test.ts)', async () => {
	const a = await getAgent(7);
	const expected = {
		id: 7,
		phone_number: AVA.phone_number,
		subscription_type: AVA.subscription_type,
		agent_name: AVA.agent_name,
		voice: 'friendly',
		greeting_message: 'Thanks for calling Acme — how can I help?',
		agent_goal: 'Qualify leads and book consultations.',
		business_name: AVA.business_name,
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
		created_at: AVA.created_at,
	};
	expect(a).toEqual(expected);
});

test('PATCH changes only the sent fields, lists them in the order sent; the agents list follows', async () => {
	const [before, other] = [await getAgent(7), await getAgent(8)];
	const sent = { greeting_message: 'Hi!', faq: { 'Q?': 'A.' }, business_name: 'Acme & Drains' };
	expect(await patch(sent)).toMatchObject({
		status: 200,
		body: { id: 7, updated: Object.keys(sent) },
	});
	expect(await getAgent(7)).toEqual({ ...before, ...sent });
	expect(await getAgent(8)).toEqual(other);
	const agents = (await call(sb, '/api/v1/agents', { key })).body.agents;
	expect(agents[0].business_name).toBe('Acme & Drains');
	const b = await patch({ faq: { 'Do you see hamsters?': 'Yes.' } }, 21, sb.keys.otherAccount);
	expect([b.status, sb.control.agent(21)!.faq]).toEqual([200, { 'Do you see hamsters?': 'Yes.' }]);
});

test('FAQ keys are arbitrary strings (__proto__, constructor…) that count toward the limits', async () => {
	const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Normal?'];
	const raw = `{"faq":{${names.map((n) => `"${n}":"${n} answer"`).join(',')}}}`;
	expect((await patchRaw(raw)).status).toBe(200);
	const got = await call(sb, '/api/v1/agents/7', { key });
	expect(got.text).toContain('"__proto__":"__proto__ answer"');
	for (const faq of [got.body.faq, sb.control.agent(7)!.faq]) {
		expect(Object.keys(faq)).toEqual(names);
		expect(Object.getOwnPropertyDescriptor(faq, '__proto__')?.value).toBe('__proto__ answer');
	}
	const entries = Array.from({ length: 49 }, (_, i) => `"Q${i}?":"A"`).join(',');
	const over = await patchRaw(`{"faq":{"__proto__":"x",${entries},"toString":"y"}}`);
	expectError(over, 422, /at most 50 entries \(got 51\)/);
});

test.each([
	['agent_goal', 10_000, true],
	['greeting_message', 500, false],
	['business_name', 100, true],
	['business_services', 30_000, true],
	['business_website', 400, false],
] as const)(
	'%s: %i code points, not one more; blank only if optional; strings only',
	async (field, max, required) => {
		for (const char of ['a', '😀']) {
			expect((await patch({ [field]: char.repeat(max) })).body).toEqual({
				id: 7,
				updated: [field],
			});
			const over = await patch({ [field]: char.repeat(max + 1) });
			expectError(over, 422, new RegExp(`${field}.*${max}`));
		}
		expect((await getAgent(7))[field]).toBe('😀'.repeat(max));
		for (const blank of ['', '   ', '\n\t ']) {
			const res = await patch({ [field]: blank });
			if (required) expectError(res, 422, `${field} is required and cannot be blank`);
			else expect(res.status).toBe(200);
		}
		for (const value of [42, null, true, ['x'], { text: 'x' }])
			expectError(await patch({ [field]: value }), 422, field);
	},
);

const faqOf = (n: number) =>
	Object.fromEntries(Array.from({ length: n }, (_, i) => [`Question ${i}?`, `Answer ${i}.`]));

test.each<[string, unknown, RegExp | null]>([
	['empty: no questions', {}, null],
	['50 entries', faqOf(50), null],
	['51 entries', faqOf(51), /faq.*50/],
	['a 200-character question', { [`${'q'.repeat(199)}?`]: 'A.' }, null],
	['a 201-character question', { [`${'q'.repeat(200)}?`]: 'A.' }, /faq question.*200/],
	['a 500-character answer', { 'Q?': 'a'.repeat(500) }, null],
	['a 501-character answer', { 'Q?': 'a'.repeat(501) }, /faq answer.*500/],
	['a blank question', { '   ': 'A.' }, /faq question cannot be blank/],
	['an empty question', { '': 'A.' }, /faq question cannot be blank/],
	['a blank answer', { 'Q?': '  ' }, /faq answer .* cannot be blank/],
	['an empty answer', { 'Q?': '' }, /faq answer .* cannot be blank/],
	['a number answer', { 'Q?': 5 }, /faq answer .* must be a string/],
	['a null answer', { 'Q?': null }, /faq answer .* must be a string/],
	['an array', [['Q?', 'A.']], /faq must be an object/],
	['a string', 'Q? A.', /faq must be an object/],
	['null', null, /faq must be an object/],
])('faq: %s', async (_, faq, refused) => {
	const res = await patch({ faq });
	if (refused) expectError(res, 422, refused);
	else expect([res.status, (await getAgent(7)).faq]).toEqual([200, faq]); // replaced whole, not merged
});

test('fields not writable through the API → 422 naming each, "managed in the dashboard"; nothing applied', async () => {
	const before = await getAgent(7);
	for (const field of [
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
	]) {
		const res = await patch({ agent_goal: 'Would change', [field]: 'x' });
		expectError(res, 422, new RegExp(`"${field}".*dashboard`));
	}
	expect(await getAgent(7)).toEqual(before);
	const several = await patch({ voice: 'calm', business_name: '', faq: 'nope' });
	for (const f of ['voice', 'business_name', 'faq']) expect(several.body.detail).toContain(f);
	// Validation comes before lookup: for a missing agent an invalid body is 422, a valid one 404.
	expect([
		(await patch({ voice: 'x' }, 999)).status,
		(await patch({ agent_goal: 'x' }, 999)).status,
	]).toEqual([422, 404]);
});

test.each(
	(
		[
			['{}', 422, /at least one field/],
			['[]', 422, /JSON object/],
			['"agent_goal"', 422, /JSON object/],
			['null', 422, /JSON object/],
			['{"agent_goal": "x",', 422, /valid JSON/],
			['', 422, /valid JSON/],
			['{"__proto__":{"agent_goal":"x"}}', 422, /"__proto__"/],
			[JSON.stringify({ agent_goal: 'x'.repeat(1_100_000) }), 413, /larger than/],
		] as Array<[string, number, RegExp]>
	).map(
		([raw, status, detail]) => [raw.length > 100 ? 'over 1 MB' : raw, status, raw, detail] as const,
	),
)('body %j → %i', async (_, status, raw, detail) => {
	expectError(await patchRaw(raw), status, detail);
});
