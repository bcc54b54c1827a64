import { runListSearch } from '../harness';
import { apiRequests, byId, node, op, run, runError, useSandbox, script } from './fixture';

const ctx = useSandbox();
const agentA = () => ctx.sandbox.agentIds.A[0];

describe('Agent FAQ values that are not text are refused before any request', () => {
	const upsert = op('faq', 'upsert', 1, {
		entries: { entry: [{ question: 'Do you open on Sundays?', answer: '={{ $json.answer }}' }] },
	});

	it.each([
		['an object', { hours: '24/7' }],
		['a list', ['Yes', '24/7']],
		['a number', 42],
		['true', true],
	])('an answer from an expression that gives %s', async (_what, answer) => {
		const error = await runError(
			{ ...upsert, agentId: byId(agentA()) },
			{ items: [{ json: { answer: 'Yes.' } }, { json: { answer } }] },
		);
		expect(error.message).toBe('FAQ entry 1 answer must be text [item 1]');
		expect(error.description).toBe('Set FAQ entry 1 answer to a text value.');
		expect(error.context?.itemIndex).toBe(1);
		expect(apiRequests()).toHaveLength(0);
	});

	it('a question that is a number fails as an error item with Continue On Fail; the text one is saved', async () => {
		const id = agentA();
		const { json } = await run(
			op('faq', 'upsert', id, {
				entries: { entry: [{ question: '={{ $json.q }}', answer: 'Yes.' }] },
			}),
			{ continueOnFail: true, items: [{ json: { q: 42 } }, { json: { q: 'Is there parking?' } }] },
		);
		expect(json[0]).toEqual({
			error: 'FAQ entry 1 question must be text [item 0]',
			description: 'Set FAQ entry 1 question to a text value.',
		});
		expect(json[1]).toMatchObject({ added: ['Is there parking?'], saved: true });
		expect(ctx.sandbox.control.agent(id)!.faq['42']).toBeUndefined();
	});

	it.each([
		['a number', 42, 'Question 1'],
		['an object', { q: 'Parking?' }, 'Question 1'],
		['a list holding a number', ['Parking?', 7], 'Question 2'],
	])(
		'Delete: a question from an expression that gives %s is refused, nothing deleted',
		async (_what, question, label) => {
			const id = agentA();
			const before = ctx.sandbox.control.agent(id)!.faq;
			const { json } = await run(op('faq', 'delete', id, { questions: ['={{ $json.q }}'] }), {
				continueOnFail: true,
				items: [{ json: { q: question } }],
			});
			expect(json[0]).toEqual({
				error: `${label} must be text [item 0]`,
				description: `Set ${label} to a text value.`,
			});
			expect(ctx.sandbox.control.agent(id)!.faq).toEqual(before);
			expect(apiRequests()).toHaveLength(0);
		},
	);
});

describe('Agent "By URL" takes only an agent page', () => {
	const byUrl = (url: string) => ({ __rl: true, mode: 'url', value: url });

	it.each([
		'https://www.ring-ready.com/dashboard/agents/8/agent/7',
		'https://www.ring-ready.com/dashboard/agents/7abc',
		'https://www.ring-ready.com/dashboard/settings?from=/agents/7',
	])('%s is refused before any request', async (url) => {
		const error = await runError({ resource: 'agent', operation: 'get', agentId: byUrl(url) });
		expect(error.message).toBe(
			`Agent URL is not the address of an agent's page: "${url}" [item 0]`,
		);
		expect(error.description).toBe(
			"Paste the address of the agent's page in the RingReady dashboard, e.g. https://www.ring-ready.com/dashboard/agents/7, or give the agent's numeric ID.",
		);
		expect(apiRequests()).toHaveLength(0);
	});

	it('an agent page with a query after it gives that agent, not one named in the query', async () => {
		const [id, other] = ctx.sandbox.agentIds.A;
		const { json } = await run({
			resource: 'agent',
			operation: 'get',
			agentId: byUrl(`https://www.ring-ready.com/dashboard/agents/${id}?from=/agents/${other}`),
		});
		expect(json[0].id).toBe(id);
		const { json: plain } = await run({
			resource: 'agent',
			operation: 'get',
			agentId: byUrl(`https://ring-ready.com/agents/${other}/`),
		});
		expect(plain[0].id).toBe(other);
	});
});

const update = () =>
	op('agent', 'update', agentA(), { updateFields: { greetingMessage: 'Hello!' } });

it.each([
	['429 with Retry-After: 86400', '24 hours', 429],
	['503 with Retry-After: a date two hours ahead', '2 hours', 503],
])('Agent → Update answered %s fails at once, naming the wait', async (_case, wait, status) => {
	const retryAfter = status === 429 ? '86400' : new Date(Date.now() + 7_200_000).toUTCString();
	script(`/api/v1/agents/${agentA()}`, status, '{"detail": "Busy"}', {
		method: 'PATCH',
		headers: { 'Retry-After': retryAfter },
	});
	const error = await runError(update());
	expect(error.message).toBe(`RingReady asked to wait ${wait} before the next request`);
	if (status === 429)
		expect(error.description).toBe(
			`It answered HTTP 429 (too many requests) to PATCH /api/v1/agents/${agentA()} with Retry-After: 24 hours. That is longer than this node waits (at most 2 minutes per request), so nothing more was sent and nothing was changed. Run the workflow again after that time.`,
		);
	expect(apiRequests()).toHaveLength(1);
});

it('From List: a caller far down the conversations is found on the first search', async () => {
	const all = ctx.sandbox.control.conversations();
	const target = all.slice(60).find((c) => {
		const name = c.caller_name ?? '';
		return name !== '' && all.filter((o) => (o.caller_name ?? '').includes(name)).length === 1;
	})!;
	const page = await runListSearch(node, 'searchConversations', {
		credentials: ctx.credentials(),
		filter: target.caller_name!,
	});
	expect(page.results.map((r) => r.value)).toEqual([String(target.id)]);
	const listed = apiRequests().reduce((sum, r) => sum + Number(r.query.limit), 0);
	expect(listed).toBeGreaterThan(60);
});
