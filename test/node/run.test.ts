import { apiRequests, byId, run, runError, useSandbox } from './fixture';

/** How a run of many input items behaves: side by side, bounded, in order, one credential read. */
describe('many input items in one run', () => {
	const ctx = useSandbox();
	const conversationIds = (count: number) =>
		ctx.sandbox.control
			.conversations()
			.slice(0, count)
			.map((c) => c.id);
	const getConversation = (options: Record<string, unknown> = {}) => ({
		resource: 'conversation',
		operation: 'get',
		conversationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		options,
	});

	it('Conversation → Get for 30 items runs them side by side, never more than Max Concurrency at once, output in input order', async () => {
		ctx.sandbox.control.setLatency(40);
		const ids = conversationIds(30);
		const { json, items } = await run(getConversation({ maxConcurrency: 5 }), {
			credentials: ctx.credentials(),
			items: ids.map((id) => ({ json: { id } })),
		});
		expect(json.map((conversation) => conversation.id)).toEqual(ids);
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_id, item) => ({ item })));
		const { peakInFlight, log } = ctx.sandbox.control.requests();
		expect(log).toHaveLength(30);
		expect(peakInFlight).toBeGreaterThan(1);
		expect(peakInFlight).toBeLessThanOrEqual(5);
	});

	it('the credential is resolved once per item, and items whose credential is the same share one copy of it', async () => {
		const ids = conversationIds(30);
		const one = await run(getConversation(), {
			credentials: ctx.credentials(),
			items: [{ json: { id: ids[0] } }],
		});
		expect(one.result.credentialReads).toBe(1);
		const many = await run(getConversation(), {
			credentials: ctx.credentials(),
			items: ids.map((id) => ({ json: { id } })),
		});
		expect(many.json.map((conversation) => conversation.id)).toEqual(ids);
		expect(many.result.credentialReads).toBe(30);
		expect(apiRequests(ctx.sandbox)).toHaveLength(31);
	});

	it('Get Many with transcripts reads the credential once for all its pages and transcripts', async () => {
		const { json, result } = await run(
			{
				resource: 'conversation',
				operation: 'getAll',
				returnAll: true,
				options: { includeTranscripts: true },
			},
			{ credentials: ctx.credentials() },
		);
		expect(json.length).toBeGreaterThan(200);
		expect(apiRequests(ctx.sandbox).length).toBeGreaterThan(json.length);
		expect(result.credentialReads).toBe(1);
	});

	it('a credential whose API key is an expression on the item sends each item with its own key, read once per item', async () => {
		const { keys } = ctx.sandbox;
		const itemKeys = [keys.readWrite, keys.otherAccount, keys.readWrite, keys.otherAccount];
		const { json, result } = await run(
			{ resource: 'account', operation: 'get' },
			{
				credentials: { apiKey: '={{ $json.key }}', baseUrl: ctx.sandbox.url },
				items: itemKeys.map((key) => ({ json: { key } })),
			},
		);
		expect(json.map((account) => account.api_key_prefix)).toEqual(
			itemKeys.map((key) => key.slice(0, 12)),
		);
		const sentWith = apiRequests(ctx.sandbox).map((request) => String(request.key).slice(0, 12));
		expect(sentWith.sort()).toEqual(itemKeys.map((key) => key.slice(0, 12)).sort());
		expect(result.credentialReads).toBe(itemKeys.length);
	});

	it('without Continue On Fail, a failing item stops the run: the other items are not sent', async () => {
		const ids = conversationIds(10);
		const error = await runError(getConversation({ maxConcurrency: 1 }), {
			credentials: ctx.credentials(),
			items: [{ json: { id: 999999 } }, ...ids.map((id) => ({ json: { id } }))],
		});
		expect(error.message).toBe('Conversation 999999 was not found in this RingReady account');
		expect(error.context?.itemIndex).toBe(0);
		// Max Concurrency 1: at most the request that took the freed slot in the same instant still goes.
		expect(apiRequests(ctx.sandbox).length).toBeLessThanOrEqual(2);
	});

	it('with Continue On Fail, a failing item becomes an error item in its place and the others succeed', async () => {
		const [first, second] = conversationIds(2);
		const { json, items } = await run(getConversation(), {
			credentials: ctx.credentials(),
			continueOnFail: true,
			items: [{ json: { id: first } }, { json: { id: 999999 } }, { json: { id: second } }],
		});
		expect(json[0].id).toBe(first);
		expect(json[1]).toEqual({
			error: 'Conversation 999999 was not found in this RingReady account',
			description:
				'Check the ID. An API key sees only the agents and conversations of the account that created it.',
		});
		expect(json[2].id).toBe(second);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Agent → Get for the same agent in many items gives every item its answer', async () => {
		const [agentId] = ctx.sandbox.agentIds.A;
		const { json } = await run(
			{ resource: 'agent', operation: 'get', agentId: byId(agentId) },
			{
				credentials: ctx.credentials(),
				items: Array.from({ length: 12 }, (_v, i) => ({ json: { i } })),
			},
		);
		expect(json).toHaveLength(12);
		expect(json.every((agent) => agent.id === agentId)).toBe(true);
	});
});
