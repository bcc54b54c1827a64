import { WRITABLE_AGENT_FIELDS } from '../../nodes/RingReady/shared/contract';
import { logMark, logsSince, logsToText, secretPaths } from '../harness';
import { apiRequests, byId, op, run, runError, useSandbox } from './fixture';

const ctx = useSandbox();

describe('Agent → Get Many / Get', () => {
	it('Get Many returns the account’s agents; Limit cuts the list', async () => {
		const all = await run({ resource: 'agent', operation: 'getAll', returnAll: true });
		expect(all.json.map((a) => a.id)).toEqual(ctx.sandbox.agentIds.A);
		const one = await run({ resource: 'agent', operation: 'getAll', limit: 1 });
		expect(one.json).toEqual([all.json[0]]);
	});

	it.each([
		['By ID', (id: number) => byId(id)],
		[
			'By URL',
			(id: number) => ({
				__rl: true,
				mode: 'url',
				value: `https://www.ring-ready.com/dashboard/agents/${id}`,
			}),
		],
		[
			'From List',
			(id: number) => ({ __rl: true, mode: 'list', value: String(id), cachedResultName: 'Ava' }),
		],
	])('Get %s returns the full agent with its FAQ', async (_mode, locator) => {
		const id = ctx.sandbox.agentIds.A[1];
		const { json } = await run({
			resource: 'agent',
			operation: 'get',
			agentId: locator(id),
			output: 'raw',
		});
		expect(json).toEqual([ctx.sandbox.control.agent(id)]);
		expect(Object.keys(json[0].faq as object).length).toBeGreaterThan(0);
	});

	it('another account’s agent is not found; a read-only key can still read', async () => {
		const foreign = ctx.sandbox.agentIds.B[0];
		const error = await runError(op('agent', 'get', foreign), {
			credentials: ctx.credentials('readOnly'),
		});
		expect(error.message).toBe(`Agent ${foreign} was not found in this RingReady account`);
		expect(error.httpCode).toBe('404');
	});
});

describe('Agent → Update', () => {
	const update = (updateFields: Record<string, unknown>, agentId = byId(7)) => ({
		resource: 'agent',
		operation: 'update',
		agentId,
		updateFields,
	});

	it('accepts every field at its exact limit', async () => {
		const id = ctx.sandbox.agentIds.A[0];
		const fields = {
			agentGoal: 'g'.repeat(WRITABLE_AGENT_FIELDS.agent_goal.maxLength),
			greetingMessage: 'h'.repeat(WRITABLE_AGENT_FIELDS.greeting_message.maxLength),
			businessName: 'n'.repeat(WRITABLE_AGENT_FIELDS.business_name.maxLength),
			businessServices: 's'.repeat(WRITABLE_AGENT_FIELDS.business_services.maxLength),
			businessWebsite: 'w'.repeat(WRITABLE_AGENT_FIELDS.business_website.maxLength),
		};
		const { json } = await run(update(fields, byId(id)));
		expect((json[0].updated as string[]).sort()).toEqual(Object.keys(WRITABLE_AGENT_FIELDS).sort());
	});

	it.each([
		['agentGoal', 'Agent Goal', 10_000],
		['greetingMessage', 'Greeting Message', 500],
		['businessName', 'Business Name', 100],
		['businessServices', 'Business Services', 30_000],
		['businessWebsite', 'Business Website', 400],
	])(
		'%s one character over the limit fails before any request, naming field, size and limit',
		async (field, label, limit) => {
			const error = await runError(update({ [field]: 'x'.repeat(limit + 1) }), {
				items: [{ json: {} }, { json: {} }],
			});
			const size = (limit + 1).toLocaleString('en-US');
			expect(error.message).toBe(
				`${label} is too long: ${size} characters, the limit is ${limit.toLocaleString('en-US')} [item 0]`,
			);
			expect(error.description).toBe(
				`Shorten ${label} to ${limit.toLocaleString('en-US')} characters or fewer.`,
			);
			expect(apiRequests()).toHaveLength(0);
		},
	);

	it.each([
		['agentGoal', 'Agent Goal'],
		['businessName', 'Business Name'],
		['businessServices', 'Business Services'],
	])("blank %s is refused before any request (the API can't blank it)", async (field, label) => {
		const error = await runError(update({ [field]: '   ' }));
		expect(error.message).toBe(`${label} can't be blank [item 0]`);
		expect(apiRequests()).toHaveLength(0);
	});

	it('blank optional fields are allowed (they clear the value)', async () => {
		const id = ctx.sandbox.agentIds.A[0];
		await run(update({ greetingMessage: '' }, byId(id)));
		expect(ctx.sandbox.control.agent(id)!.greeting_message).toBe('');
	});

	it('no fields at all is refused with a hint', async () => {
		const error = await runError(update({}));
		expect(error.message).toBe('No fields to update [item 0]');
		expect(error.description).toMatch(/Update Fields/);
	});

	it.each([
		['Agent → Update', { agentGoal: 'x' }],
		['Agent FAQ → Create or Update', undefined],
	])(
		'%s with a read-only key: a clear "read-only" error, without the key anywhere',
		async (_operation, fields) => {
			const credentials = ctx.credentials('readOnly');
			const id = ctx.sandbox.agentIds.A[0];
			const faqUpsert = op('faq', 'upsert', id, {
				entries: { entry: [{ question: 'Q?', answer: 'A.' }] },
			});
			const error = await runError(fields ? update(fields, byId(id)) : faqUpsert, { credentials });
			expect(error.message).toBe(
				'This API key is read-only: it may not change agents or FAQ entries',
			);
			expect(error.httpCode).toBe('403');
			expect(error.description).toBe(
				'The key has the "read" scope only. Nothing was changed. To update agents or their FAQ, create a key with the write scope in the RingReady dashboard under Profile → API keys and use it in the RingReady API credential.',
			);
			expect(secretPaths(error, credentials.apiKey)).toEqual([]);
		},
	);

	it('with Continue On Fail, a bad item becomes an error item and the others are updated', async () => {
		const id = ctx.sandbox.agentIds.A[0];
		const { items } = await run(update({ businessName: '={{ $json.name }}' }, byId(id)), {
			continueOnFail: true,
			items: [{ json: { name: 'n'.repeat(101) } }, { json: { name: 'Acme Two' } }],
		});
		expect(items).toEqual([
			{
				json: {
					error: 'Business Name is too long: 101 characters, the limit is 100 [item 0]',
					description: 'Shorten Business Name to 100 characters or fewer.',
				},
				pairedItem: { item: 0 },
			},
			{ json: { id, updated: ['business_name'] }, pairedItem: { item: 1 } },
		]);
		expect(ctx.sandbox.control.agent(id)!.business_name).toBe('Acme Two');
	});
});

describe('API errors', () => {
	it('a revoked key gives "invalid or revoked" and how to fix it; the key appears nowhere', async () => {
		const credentials = ctx.credentials('revoked');
		const error = await runError({ resource: 'account', operation: 'get' }, { credentials });
		expect(error.message).toBe('RingReady rejected the API key: it is invalid or has been revoked');
		expect(error.description).toMatch(/Profile → API keys/);
		expect(error.httpCode).toBe('401');
		expect(secretPaths(error, credentials.apiKey)).toEqual([]);
	});

	it('a write-only key cannot read: "read" scope error', async () => {
		const error = await runError(
			{ resource: 'agent', operation: 'getAll', returnAll: true },
			{ credentials: ctx.credentials('writeOnly') },
		);
		expect(error.message).toBe('The API key lacks the "read" scope needed for this operation');
	});

	it('a 503 that persists is retried up to 6 attempts, then reported', async () => {
		// Waits of a few milliseconds between the attempts (the growing waits would add up to about 15 s).
		ctx.sandbox.control.injectFaults({ status: 503, retryAfter: 0, count: 6 });
		const error503 = await runError(
			{ resource: 'account', operation: 'get' },
			{ policy: { baseDelayMs: 10, maxBackoffMs: 20 } },
		);
		expect(error503.message).toBe('RingReady is unavailable right now (HTTP 503 after 6 attempts)');
		expect(error503.description).toBe(
			'The RingReady service had a problem. Try again in a few minutes.',
		);
		expect(apiRequests().map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503]);
	});

	it('an http:// base URL to a remote host is refused before anything is sent', async () => {
		const error = await runError(
			{ resource: 'account', operation: 'get' },
			{ credentials: { apiKey: ctx.sandbox.keys.readWrite, baseUrl: 'http://example.com' } },
		);
		expect(error.message).toMatch(/must start with https:\/\//);
		expect(secretPaths(error, ctx.sandbox.keys.readWrite)).toEqual([]);
	});

	it('an unreachable base URL says so and names only the origin', async () => {
		const error = await runError(
			{ resource: 'account', operation: 'get' },
			{ credentials: { apiKey: ctx.sandbox.keys.readWrite, baseUrl: 'http://127.0.0.1:1' } },
		);
		expect(error.message).toBe(
			'Could not reach RingReady at http://127.0.0.1:1: the connection was refused',
		);
	});
});

it('the API key never reaches n8n’s logs across successes, retries, API errors and validation errors', async () => {
	const mark = logMark();
	const credentials = ctx.credentials();
	ctx.sandbox.control.injectFaults({ status: 503, count: 1 });
	await run(
		{
			resource: 'conversation',
			operation: 'getAll',
			limit: 3,
			options: { includeTranscripts: true },
		},
		{ credentials },
	);
	await runError(op('agent', 'get', ctx.sandbox.agentIds.B[0]), { credentials });
	await runError(op('agent', 'update', 7, { updateFields: { businessName: '' } }), {
		credentials,
	});
	await runError(
		{ resource: 'account', operation: 'get' },
		{ credentials: ctx.credentials('revoked') },
	);
	const text = logsToText(logsSince(mark));
	expect(text).not.toContain(credentials.apiKey);
	expect(text).not.toContain(ctx.sandbox.keys.revoked);
});
