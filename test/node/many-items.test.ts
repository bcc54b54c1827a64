import { secretPaths } from '../harness';
import { RETRY_POLICY } from '../../nodes/RingReady/transport';
import { apiRequests, op, run, runError, useSandbox } from './fixture';

/** Many input items: each with its own account, writes in item order, reads under way early, and a run that stops when it has failed. */
const ctx = useSandbox();
const prefix = (key: string | null) => String(key).slice(0, 12);
const perItemKey = () => ({ apiKey: '={{ $json.key }}', baseUrl: ctx.sandbox.url });
/** The ids of the newest conversations of account A. */
const ids = (count: number) =>
	ctx.sandbox.control
		.conversations()
		.slice(0, count)
		.map((c) => c.id);

it('Account → Get with keys [alpha, bravo, alpha] answers each item from its own account (whoami: user, key prefix, scopes, never the key)', async () => {
	const { readWrite: alpha, otherAccount: bravo } = ctx.sandbox.keys;
	const { json, result } = await run(
		{ resource: 'account', operation: 'get' },
		{ credentials: perItemKey(), items: [alpha, bravo, alpha].map((key) => ({ json: { key } })) },
	);
	expect(json.map((account) => account.api_key_prefix)).toEqual([alpha, bravo, alpha].map(prefix));
	expect(json[0]).toMatchObject({
		user_id: 142,
		auth_method: 'api_key',
		scopes: ['read', 'write'],
	});
	expect(json[1].user_id).not.toBe(142);
	expect(json[2].user_id).toBe(142);
	expect(secretPaths(json, alpha)).toEqual([]);
	expect(secretPaths(json, bravo)).toEqual([]);
	expect(
		apiRequests()
			.map((request) => prefix(request.key))
			.sort(),
	).toEqual([alpha, alpha, bravo].map(prefix).sort());
	expect(result.credentialReads).toBe(3);
});

describe('Agent FAQ → Create or Update with a credential per item', () => {
	const upsert = op('faq', 'upsert', '={{ $json.agent }}', {
		entries: { entry: [{ question: '={{ $json.q }}', answer: 'Yes.' }] },
	});
	const items = () => {
		const agent = ctx.sandbox.agentIds.A[0];
		return [
			{ json: { key: ctx.sandbox.keys.readWrite, agent, q: 'Alpha question?' } },
			{ json: { key: ctx.sandbox.keys.otherAccount, agent, q: 'Bravo question?' } },
		];
	};

	it("an item whose key can't see the agent fails with its own error; the other account's item still saves", async () => {
		const agent = ctx.sandbox.agentIds.A[0];
		const { json } = await run(upsert, {
			credentials: perItemKey(),
			items: items(),
			continueOnFail: true,
		});
		expect(json[0]).toMatchObject({ agent_id: agent, added: ['Alpha question?'], saved: true });
		expect(json[1]).toEqual({
			error: `Agent ${agent} was not found in this RingReady account`,
			description:
				'Check the ID. An API key sees only the agents and conversations of the account that created it.',
		});
		const faq = ctx.sandbox.control.agent(agent)!.faq;
		expect(faq['Alpha question?']).toBe('Yes.');
		expect(faq['Bravo question?']).toBeUndefined();
		const bravo = apiRequests().filter(
			(request) => prefix(request.key) === prefix(ctx.sandbox.keys.otherAccount),
		);
		expect(bravo.map((request) => `${request.method} ${request.status}`)).toEqual(['GET 404']);
		const patches = apiRequests().filter((request) => request.method === 'PATCH');
		expect(patches.map((request) => prefix(request.key))).toEqual([
			prefix(ctx.sandbox.keys.readWrite),
		]);
	});

	it('without Continue On Fail the run fails naming that item, and nothing of it lands anywhere', async () => {
		const agent = ctx.sandbox.agentIds.A[0];
		const error = await runError(upsert, { credentials: perItemKey(), items: items() });
		expect(error.message).toBe(`Agent ${agent} was not found in this RingReady account`);
		expect(error.context?.itemIndex).toBe(1);
		for (const account of ['A', 'B'] as const) {
			for (const stored of ctx.sandbox.control.agents(account)) {
				expect(stored.faq['Bravo question?']).toBeUndefined();
			}
		}
	});
});

describe('writes land in item order', () => {
	const update = op('agent', 'update', '={{ $json.agent }}', {
		updateFields: { greetingMessage: '={{ $json.greeting }}' },
	});

	it('Agent → Update with two items for one agent, the first answered late, and one for another: the last item for an agent wins; other agents are updated side by side', async () => {
		const [one, two] = ctx.sandbox.agentIds.A;
		ctx.sandbox.control.slowDown({ path: `/api/v1/agents/${one}`, method: 'PATCH', holdMs: 250 });
		const { json } = await run(update, {
			items: [
				{ json: { agent: one, greeting: 'First, hello!' } },
				{ json: { agent: two, greeting: 'Hello from two' } },
				{ json: { agent: one, greeting: 'Second, hello!' } },
			],
		});
		expect(json.map((item) => item.error)).toEqual([undefined, undefined, undefined]);
		expect(ctx.sandbox.control.agent(one)!.greeting_message).toBe('Second, hello!');
		expect(ctx.sandbox.control.agent(two)!.greeting_message).toBe('Hello from two');
		const patches = apiRequests().filter((r) => r.method === 'PATCH');
		const [first, second] = patches.filter((r) => r.path.endsWith(`/${one}`));
		const other = patches.find((r) => r.path.endsWith(`/${two}`))!;
		expect(second.started_ms).toBeGreaterThanOrEqual(first.ended_ms!);
		expect(other.ended_ms!).toBeLessThan(first.ended_ms!);
	});

	it('a bad item among the writes stops the node before the first write', async () => {
		const [one] = ctx.sandbox.agentIds.A;
		const error = await runError(update, {
			items: [{ json: { agent: one, greeting: 'Fine' } }, { json: { agent: one, greeting: 42 } }],
		});
		expect(error.message).toBe('Greeting Message must be text [item 1]');
		expect(apiRequests()).toHaveLength(0);
	});
});

describe('many reads in one run: side by side, bounded, in order', () => {
	const getConversation = (options: Record<string, unknown> = {}) =>
		op('conversation', 'get', '={{ $json.id }}', { options });

	it('Conversation → Get for 30 items: never more than Max Concurrency at once, output in input order, the credential read once per item', async () => {
		ctx.sandbox.control.setLatency(40);
		const wanted = ids(30);
		const { json, items, result } = await run(getConversation({ maxConcurrency: 5 }), {
			items: wanted.map((id) => ({ json: { id } })),
		});
		expect(json.map((conversation) => conversation.id)).toEqual(wanted);
		expect(items.map((item) => item.pairedItem)).toEqual(wanted.map((_id, item) => ({ item })));
		expect(result.credentialReads).toBe(30);
		const { peakInFlight, log } = ctx.sandbox.control.requests();
		expect(log).toHaveLength(30);
		expect(peakInFlight).toBeGreaterThan(1);
		expect(peakInFlight).toBeLessThanOrEqual(5);
	});

	it('Get Many with transcripts reads the credential once for all its pages and transcripts', async () => {
		const { json, result } = await run({
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			options: { includeTranscripts: true },
		});
		expect(json.length).toBeGreaterThan(200);
		expect(apiRequests().length).toBeGreaterThan(json.length);
		expect(result.credentialReads).toBe(1);
	});

	it('Agent → Get for the same agent in many items gives every item its answer', async () => {
		const [agentId] = ctx.sandbox.agentIds.A;
		const { json } = await run(op('agent', 'get', agentId), {
			items: Array.from({ length: 12 }, (_v, i) => ({ json: { i } })),
		});
		expect(json).toHaveLength(12);
		expect(json.every((agent) => agent.id === agentId)).toBe(true);
	});

	it('without Continue On Fail, an item RingReady does not find stops the run: the other items are not sent', async () => {
		const error = await runError(getConversation({ maxConcurrency: 1 }), {
			items: [{ json: { id: 999999 } }, ...ids(10).map((id) => ({ json: { id } }))],
		});
		expect(error.message).toBe('Conversation 999999 was not found in this RingReady account');
		expect(error.context?.itemIndex).toBe(0);
		// Max Concurrency 1: at most the request that took the freed slot in the same instant still goes.
		expect(apiRequests().length).toBeLessThanOrEqual(2);
	});
});

describe('reads start while later items are still being read', () => {
	// Each item's Conversation parameter takes about 40 ms to evaluate (a slow expression).
	const slowId =
		'={{ (() => { const until = Date.now() + 40; while (Date.now() < until) {} return $json.id; })() }}';
	const getConversation = op('conversation', 'get', slowId);

	it('Conversation → Get for 10 slow items: the first requests are answered before the last item is read, output in input order', async () => {
		const wanted = ids(10);
		const { json, items } = await run(getConversation, {
			items: wanted.map((id) => ({ json: { id } })),
		});
		expect(json.map((conversation) => conversation.id)).toEqual(wanted);
		expect(items.map((item) => item.pairedItem)).toEqual(wanted.map((_id, item) => ({ item })));
		const log = apiRequests();
		// All parameters first would send all ten within a few ms of each other, after about 400 ms.
		expect(log[9].started_ms - log[0].started_ms).toBeGreaterThan(100);
		expect(log[0].ended_ms!).toBeLessThan(log[9].started_ms);
	});

	it('a bad item still fails the run naming its index; later items are neither read nor sent', async () => {
		const wanted = ids(6);
		const error = await runError(getConversation, {
			items: [...wanted.slice(0, 3), 'abc', ...wanted.slice(3)].map((id) => ({ json: { id } })),
		});
		expect(error.message).toBe(
			'Conversation ID must be a positive whole number, got "abc" [item 3]',
		);
		expect(error.context?.itemIndex).toBe(3);
		expect(apiRequests().length).toBeLessThanOrEqual(3);
	});

	it('with Continue On Fail a bad item and one RingReady does not find become error items in their place', async () => {
		const wanted = ids(2);
		const { json, items } = await run(getConversation, {
			continueOnFail: true,
			items: [wanted[0], 'abc', 999999, wanted[1]].map((id) => ({ json: { id } })),
		});
		expect(json.map((item) => item.id ?? item.error)).toEqual([
			wanted[0],
			'Conversation ID must be a positive whole number, got "abc" [item 1]',
			'Conversation 999999 was not found in this RingReady account',
			wanted[1],
		]);
		expect(json[2].description).toBe(
			'Check the ID. An API key sees only the agents and conversations of the account that created it.',
		);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});
});

describe('a run that has failed sends nothing more', () => {
	/** Waits of a few milliseconds between retries, so that RingReady being down is seen at once. */
	const shortWaits = { baseDelayMs: 10, maxBackoffMs: 20 };
	const getMany = (options: Record<string, unknown>) => ({
		resource: 'conversation',
		operation: 'getAll',
		limit: 40,
		output: 'raw',
		options: { includeTranscripts: true, ...options },
	});

	it('a revoked key stops every request of the run at once and says so', async () => {
		ctx.sandbox.control.injectFaults({ status: 401, path: '/api/v1/conversations/', count: 1_000 });
		const error = await runError(getMany({ maxConcurrency: 5 }));
		expect(error.message).toMatch(
			/^Conversation \d+: RingReady rejected the API key: it is invalid or has been revoked$/,
		);
		expect(error.description).toBe(
			'Create a new key in the RingReady dashboard under Profile → API keys and paste it into the RingReady API credential. The run stopped at this failure (0 transcripts were fetched); no further request was sent.',
		);
		expect(apiRequests().length).toBeLessThanOrEqual(1 + 5);
	});

	it('RingReady down: the retries are bounded for the whole run, not per transcript', async () => {
		ctx.sandbox.control.injectFaults({
			status: 503,
			path: '/api/v1/conversations/',
			count: 10_000,
		});
		const { json } = await run(getMany({ maxConcurrency: 2 }), {
			continueOnFail: true,
			policy: shortWaits,
		});
		expect(json).toHaveLength(40);
		expect(
			json.every((item) =>
				/^RingReady is unavailable right now \(HTTP 503/.test(String(item.error)),
			),
		).toBe(true);
		expect(
			json.filter((item) =>
				String(item.description).endsWith(
					'This request was not sent: an earlier request of this run already got this answer.',
				),
			).length,
		).toBeGreaterThanOrEqual(30);
		// The page, then six rounds of at most the two requests under way (Max Concurrency); nothing for the rest.
		expect(apiRequests().length).toBeLessThanOrEqual(1 + 2 * RETRY_POLICY.maxAttempts);
	});

	it('one conversation failing among working ones does not stop the others (Continue On Fail)', async () => {
		const [first, second] = ctx.sandbox.control.conversations();
		ctx.sandbox.control.failConversation({ id: first.id, status: 503 });
		ctx.sandbox.control.failConversation({ id: second.id, status: 503 });
		const { json } = await run(getMany({ maxConcurrency: 2 }), {
			continueOnFail: true,
			policy: shortWaits,
		});
		expect(json.filter((item) => item.error !== undefined)).toHaveLength(2);
		expect(json.filter((item) => Array.isArray(item.transcript))).toHaveLength(38);
	});
});
