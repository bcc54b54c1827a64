/**
 * What the node does when the network or the server misbehaves. Every case
 * runs through n8n-core (test/harness) against the sandbox over real HTTP; misbehaviour comes from
 * the sandbox's scripted responses, redirects and faults.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { RingReadyApi } from '../../credentials/RingReadyApi.credentials';
import { getAccount } from '../../nodes/RingReady/shared/api';
import { RequestSession, type RetryPolicy } from '../../nodes/RingReady/transport';
import { executeNode, secretPaths, testCredential } from '../harness';
import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';
import { apiRequests, failure, op, probe, run, runError, script, useSandbox } from './fixture';
import type { Parameters } from './fixture';

const ctx = useSandbox();
/** A second server on another origin (another port): where a hostile redirect points. */
let elsewhere: Sandbox;
beforeAll(async () => {
	elsewhere = await startSandbox({ port: 0, controls: true });
});
afterAll(async () => {
	await elsewhere?.close();
});
beforeEach(() => elsewhere?.control.reset());

const AGENT = 7;
const faqOf = (id: number) => ctx.sandbox.control.agent(id)!.faq ?? {};
const agentPath = (id: number) => `/api/v1/agents/${id}`;
const upsert = (id: number, ...pairs: Array<[string, string]>) =>
	op('faq', 'upsert', id, {
		entries: { entry: pairs.map(([question, answer]) => ({ question, answer })) },
	});

describe('redirects: the key never leaves the Base URL origin', () => {
	const target = (path: string) => `${elsewhere.url}${path}`;
	const redirectedMessage = (path: string) =>
		`The Base URL redirected the request to ${elsewhere.url}${path}; the API key was not sent there`;

	it.each([
		['GET', 302, op('agent', 'get', AGENT)],
		['PATCH', 307, op('agent', 'update', AGENT, { updateFields: { agentGoal: 'Stolen?' } })],
	])(
		'%s answered %s to another origin fails naming where it pointed; nothing reaches it, nothing is written',
		async (method, status, parameters) => {
			const before = ctx.sandbox.control.agent(AGENT);
			const location = target(agentPath(AGENT));
			ctx.sandbox.control.redirect({ path: agentPath(AGENT), method, status, location });
			const error = await runError(parameters);
			expect(error.message).toBe(redirectedMessage(agentPath(AGENT)));
			expect(error.description).toBe(
				`RingReady answered HTTP ${status} to ${method} /api/v1/agents/${AGENT}, pointing to ${location}. Redirects are not followed, so that the API key never leaves the Base URL's address. Set the Base URL in the RingReady API credential to the address the API answers on (https://www.ring-ready.com unless RingReady support gave you another).`,
			);
			expect(elsewhere.control.requests().log).toEqual([]);
			expect(ctx.sandbox.control.agent(AGENT)).toEqual(before);
			expect(apiRequests().map((r) => `${r.method} ${r.status}`)).toEqual([`${method} ${status}`]);
			expect(secretPaths(error, ctx.sandbox.keys.readWrite)).toEqual([]);
		},
	);

	it.each([301, 302, 303, 307, 308])(
		'the credential test fails on a %s and never reports success',
		async (status) => {
			ctx.sandbox.control.redirect({
				path: '/api/v1/whoami',
				status,
				location: target('/api/v1/whoami'),
			});
			const result = await testCredential(new RingReadyApi(), { ...ctx.credentials() });
			expect(result).toMatchObject({
				status: 'Error',
				message:
					'The Base URL answered with a redirect to another address. The API key is never sent on to another address: set the Base URL to the address the RingReady API answers on (https://www.ring-ready.com unless RingReady support gave you another).',
			});
			expect(elsewhere.control.requests().log).toEqual([]);
		},
	);
});

describe('Base URL with a path', () => {
	it.each(['/api/v1', '/api/v1/', ' /api/v1// ', '///'])(
		'a Base URL ending in %j works for the node and the credential test',
		async (suffix) => {
			const credentials = {
				...ctx.credentials(),
				baseUrl: `${ctx.sandbox.url}${suffix}`.replace(' /', '/'),
			};
			const { json } = await run(op('agent', 'get', AGENT), { credentials });
			expect(json[0].id).toBe(AGENT);
			expect((await testCredential(new RingReadyApi(), { ...credentials })).status).toBe('OK');
			expect(apiRequests().map((r) => r.path)).toEqual([agentPath(AGENT), '/api/v1/whoami']);
		},
	);

	it.each([
		['/ringready', 'remove "/ringready"'],
		['/api/v2', 'remove "/api/v2"'],
		['/?tenant=1', 'remove "?tenant=1"'],
		['/#top', 'remove "#top"'],
	])(
		'a Base URL with %s is refused before any request, in the node and in the credential test',
		async (suffix, hint) => {
			const credentials = { ...ctx.credentials(), baseUrl: `${ctx.sandbox.url}${suffix}` };
			const message = `The Base URL must be only the address of the RingReady API, such as https://www.ring-ready.com, without a path, query or user name (${hint}).`;
			const error = await runError(op('agent', 'get', AGENT), { credentials });
			expect(error.message).toBe(message);
			expect(error.description).toBe('Fix the Base URL in the RingReady API credential.');
			const result = await testCredential(new RingReadyApi(), { ...credentials });
			expect(result.status).toBe('Error');
			expect(result.message).toContain(message);
			expect(apiRequests()).toEqual([]);
		},
	);
});

describe('every response’s shape is checked, with one message naming the endpoint', () => {
	const conversation = () => ctx.sandbox.control.conversations('A')[0].id;
	const reads: Record<string, () => Parameters> = {
		'Conversation → Get': () => op('conversation', 'get', conversation()),
		'Agent → Get Many': () => ({ resource: 'agent', operation: 'getAll', returnAll: true }),
		'Conversation → Get Many': () => ({ resource: 'conversation', operation: 'getAll', limit: 5 }),
	};
	it.each([
		['Conversation → Get', '{"id": 1, "transcript": [', 'JSON that is cut off or malformed'],
		['Conversation → Get', '<html>Hi</html>', 'a web page (HTML), not the API’s JSON'],
		['Agent → Get Many', '{"items": []}', 'a JSON object with "items"'],
		['Agent → Get Many', '<html></html>', 'a web page (HTML), not the API’s JSON'],
		['Agent → Get Many', '{"agents": [{"name": "x"}]}', 'agent 1 without a valid "id"'],
		['Conversation → Get Many', '{}', ''],
		['Conversation → Get Many', '{"conversations": null}', ''],
		['Conversation → Get Many', '{"conversations": [], "next_before_id": "abc"}', ''],
		['Conversation → Get Many', '[]', ''],
	])(
		'%s answered 200 with %s fails naming the endpoint, instead of returning a string or 0 items',
		async (read, body, got) => {
			const parameters = reads[read]();
			const single = parameters.operation === 'get';
			const path = `/api/v1/${String(parameters.resource)}s${single ? `/${conversation()}` : ''}`;
			script(path, 200, body);
			const error = await runError(parameters);
			expect(error.message).toBe(`RingReady returned an unexpected response to GET ${path}`);
			expect(error.description).toMatch(/^Expected /);
			expect(error.description).toContain(`; got ${got}`);
		},
	);

	it('Account → Get on a web page fails; the credential test does not report success on it', async () => {
		script('/api/v1/whoami', 200, '<html>Shop</html>', {
			headers: { 'Content-Type': 'text/html' },
		});
		const error = await runError({ resource: 'account', operation: 'get' });
		expect(error.message).toBe('RingReady returned an unexpected response to GET /api/v1/whoami');
		for (const body of ['<!doctype html><html>Shop</html>', '', '{"ok": true}']) {
			script('/api/v1/whoami', 200, body, { headers: { 'Content-Type': 'text/html' } });
			const result = await testCredential(new RingReadyApi(), { ...ctx.credentials() });
			expect(result).toMatchObject({
				status: 'Error',
				message:
					'The Base URL answered, but not as the RingReady API does (no account in the answer; perhaps a web page). Use https://www.ring-ready.com unless RingReady support gave you another address.',
			});
		}
	});
});

it.each([
	[
		[
			{ loc: ['body', 'agent_goal'], msg: 'String should have at most 10000 characters' },
			{ loc: ['body', 'faq', 'Hours?'], msg: 'Field required', type: 'missing' },
		],
		'agent_goal: String should have at most 10000 characters; faq.Hours?: Field required',
	],
	[[{ loc: ['query', 'since'], msg: 'Invalid datetime' }], 'since: Invalid datetime'],
	[[{ msg: 'Body must be an object' }], 'Body must be an object'],
	[['plain text entry'], 'plain text entry'],
	[{ code: 'faq_too_large' }, '{"code":"faq_too_large"}'],
])('a FastAPI 422 detail %j is shown as %j, and not sent again', async (detail, shown) => {
	script('/api/v1/whoami', 422, JSON.stringify({ detail }));
	const error = await runError({ resource: 'account', operation: 'get' });
	expect(error.message).toBe(`RingReady rejected the request: ${shown}`);
	expect(apiRequests()).toHaveLength(1);
});

it('the credential test on a 403 from whoami: the key works for writes but cannot read', async () => {
	script('/api/v1/whoami', 403, '{"detail": "This API key lacks the \\"read\\" scope"}', {
		count: 2,
	});
	const result = await testCredential(new RingReadyApi(), { ...ctx.credentials('writeOnly') });
	expect(result).toMatchObject({
		status: 'Error',
		message:
			'The API key works but may not read (it lacks the "read" scope), so the node could not check it. Reading conversations and agents needs a key with the read scope: create one in the RingReady dashboard under Profile → API keys.',
	});
});

describe('a write is retried only when it certainly was not applied', () => {
	const update = op('agent', 'update', AGENT, { updateFields: { agentGoal: 'Book calls.' } });

	it.each([502, 503, 504, 500])(
		'Agent → Update answered %s is sent once and says it may have been saved',
		async (status) => {
			script(agentPath(AGENT), status, '{"detail": "upstream"}', { method: 'PATCH' });
			const error = await runError(update);
			expect(error.message).toBe(`RingReady is unavailable right now (HTTP ${status})`);
			expect(error.description).toBe(
				'The RingReady service had a problem. The change may or may not have been saved: it was not sent again, so that it is never applied twice. Check it in RingReady before running again.',
			);
			expect(apiRequests().map((r) => r.method)).toEqual(['PATCH']);
		},
	);

	it('a dropped connection on a write is not re-sent', async () => {
		ctx.sandbox.control.injectFaults({ drop: true, count: 1, path: agentPath(AGENT) });
		const error = await runError(update);
		expect(error.message).toBe(
			`Could not reach RingReady at ${ctx.sandbox.url}: the connection was dropped`,
		);
		expect(error.description).toMatch(
			/^The change may or may not have been saved: it was not sent again/,
		);
		expect(apiRequests()).toHaveLength(1);
	});

	it.each([
		['429 with Retry-After', 429, { 'Retry-After': '0' }],
		['503 with Retry-After', 503, { 'Retry-After': '0' }],
	])('%s proves it was not applied: retried and saved', async (_label, status, headers) => {
		script(agentPath(AGENT), status, '{"detail": "busy"}', { method: 'PATCH', headers });
		const { json } = await run(update, { policy: { baseDelayMs: 10, maxBackoffMs: 20 } });
		expect(json).toEqual([{ id: AGENT, updated: ['agent_goal'] }]);
		expect(apiRequests().map((r) => r.status)).toEqual([status, 200]);
	});
});

describe('deadline: a request that cannot finish in time fails cleanly', () => {
	/** A minimal node whose session has a deadline, as the trigger's has within its poll budget. */
	const deadlineNode = (deadlineMs: number) =>
		probe(async function (this: IExecuteFunctions) {
			const session = new RequestSession(this, { deadline: Date.now() + deadlineMs });
			return [[{ json: await getAccount(session) }]];
		});

	const getAccountWithin = (deadlineMs: number) =>
		failure(
			executeNode(deadlineNode(deadlineMs), { parameters: {}, credentials: ctx.credentials() }),
		);

	it('a slow answer is cut at the deadline', async () => {
		ctx.sandbox.control.setLatency(3_000);
		const error = await getAccountWithin(1_000);
		expect(error.message).toBe('RingReady did not answer in the time left for GET /api/v1/whoami');
		expect(error.description).toBe(
			'Tried 1 time; the request was stopped so that the run ends within its time budget. Nothing more was sent. Try again; if it keeps happening, RingReady may be slow right now.',
		);
	});

	it('no Retry-After wait runs past the deadline: the 429 is reported at once, naming the wait', async () => {
		ctx.sandbox.control.injectFaults({ status: 429, retryAfter: 5, count: 1 });
		const error = await getAccountWithin(2_000);
		expect(error.message).toBe('RingReady asked to wait 5 seconds before the next request');
		expect(error.description).toBe(
			'It answered HTTP 429 (too many requests) to GET /api/v1/whoami with Retry-After: 5 seconds. That is longer than this node waits (at most 2 minutes per request), so nothing more was sent. Run the workflow again after that time.',
		);
		expect(apiRequests()).toHaveLength(1);
	});
});

describe('time limits: each attempt, the retries, and what a 429 asks', () => {
	// The limits in use (30 s per attempt, no retry later than 2 minutes after the first attempt)
	// are shortened by the run's retry policy, so that the behaviour is seen in seconds.
	/** Account → Get while whoami answers 429 `count` times first. */
	const getAccountAfter429s = async (
		fault: { count: number; retryAfter: number },
		policy?: Partial<RetryPolicy>,
	) => {
		ctx.sandbox.control.injectFaults({ status: 429, path: '/api/v1/whoami', ...fault });
		return await run({ resource: 'account', operation: 'get' }, { policy });
	};

	it('a 503 that keeps asking to wait is tried again only while the wait ends within the cap', async () => {
		ctx.sandbox.control.injectFaults({
			status: 503,
			retryAfter: 1,
			count: 10,
			path: '/api/v1/whoami',
		});
		const error = await runError(
			{ resource: 'account', operation: 'get' },
			{ policy: { maxRetryMs: 1_800 } },
		);
		// Attempts at about 0 and 1 s; a third would start after the cap (1.8 s).
		expect(apiRequests()).toHaveLength(2);
		expect(error.message).toBe('RingReady is unavailable right now (HTTP 503 after 2 attempts)');
		expect(error.description).toBe(
			'The RingReady service had a problem. Try again in a few minutes.',
		);
	});

	it('a 429 waits at least as long as Retry-After asks', async () => {
		const { json } = await getAccountAfter429s({ count: 1, retryAfter: 1 });
		expect(json[0].user_id).toBe(142);
		const [refused, retried] = apiRequests();
		const waitedMs = retried.started_ms - refused.ended_ms!;
		expect(waitedMs).toBeGreaterThanOrEqual(1_000);
	});

	it('a 429 that keeps coming is retried past 6 attempts while the waits fit in the retry time', async () => {
		const { json } = await getAccountAfter429s(
			{ count: 9, retryAfter: 0 },
			{ baseDelayMs: 20, maxBackoffMs: 40 },
		);
		expect(json[0].user_id).toBe(142);
		expect(apiRequests().map((r) => r.status)).toEqual([...Array(9).fill(429), 200]);
	});

	it('an answer slower than the attempt limit is cut, tried again, and reported when the cap is near', async () => {
		ctx.sandbox.control.setLatency(1_000);
		const error = await runError(
			{ resource: 'account', operation: 'get' },
			{ policy: { requestTimeoutMs: 300, maxRetryMs: 1_500 } },
		);
		expect(apiRequests()).toHaveLength(2);
		expect(error.message).toBe(
			`Could not reach RingReady at ${ctx.sandbox.url}: no answer within 0.3 seconds`,
		);
		expect(error.description).toBe(
			'Tried 2 times. RingReady may be slow right now: try again in a few minutes. If it keeps happening, check that the Base URL in the RingReady API credential is right (error code ECONNABORTED).',
		);
	});
});

describe('an FAQ is written only from a read that is really the agent with its FAQ', () => {
	const unexpected = (problem: string) =>
		`${problem}. Nothing was changed. Check the Base URL in the RingReady API credential (https://www.ring-ready.com unless RingReady support gave you another); if it is right, try again later.`;

	it.each([
		['an empty body', '', 'Expected agent 7 with its FAQ; got an empty response'],
		[
			'JSON without faq',
			'{"id": 7, "agent_name": "Ava"}',
			'Expected agent 7 with its FAQ; got an agent without "faq"',
		],
		['another agent', '{"id": 8, "faq": {}}', 'Expected agent 7 with its FAQ; got agent 8'],
		[
			'a list as faq',
			'{"id": 7, "faq": []}',
			'Expected agent 7 with its FAQ; got "faq" that is a list',
		],
	])('a 200 with %s fails the agent’s group and writes nothing', async (_label, body, problem) => {
		const before = faqOf(AGENT);
		script(agentPath(AGENT), 200, body, { method: 'GET' });
		const error = await runError(upsert(AGENT, ['New?', 'Yes.']));
		expect(error.message).toBe(
			`RingReady returned an unexpected response to GET /api/v1/agents/${AGENT}`,
		);
		expect(error.description).toBe(unexpected(problem));
		expect(apiRequests().map((r) => r.method)).toEqual(['GET']);
		expect(faqOf(AGENT)).toEqual(before);
	});

	it('"faq": null is an agent with no FAQ yet: the new entries become its FAQ', async () => {
		const agent = ctx.sandbox.control.agent(AGENT)!;
		const body = JSON.stringify({ ...agent, faq: null });
		script(agentPath(AGENT), 200, body, { method: 'GET', count: 2 });
		const { json } = await run(upsert(AGENT, ['First?', 'Yes.']));
		expect(json[0]).toMatchObject({ added: ['First?'], entry_count: 1, saved: true });
		expect(faqOf(AGENT)).toEqual({ 'First?': 'Yes.' });
	});
});

describe('read → merge → re-read → write, back to back per agent', () => {
	it('a colleague’s edit made after the first read is kept: merged again on the fresh copy', async () => {
		const agent = ctx.sandbox.control.agent(AGENT)!;
		const current = faqOf(AGENT);
		const [colleagues] = Object.keys(current);
		// The first read is stale: it does not have the colleague's entry yet.
		const stale = Object.fromEntries(
			Object.entries(current).filter(([question]) => question !== colleagues),
		);
		script(agentPath(AGENT), 200, JSON.stringify({ ...agent, faq: stale }), { method: 'GET' });
		const { json } = await run(upsert(AGENT, ['Mine?', 'Yes.']));
		expect(faqOf(AGENT)).toEqual({ ...current, 'Mine?': 'Yes.' });
		expect(json[0]).toMatchObject({
			added: ['Mine?'],
			saved: true,
			entry_count: Object.keys(current).length + 1,
		});
		expect(apiRequests().map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'PATCH']);
	});

	it('an FAQ that keeps changing between reads is not written (bounded by the retry time)', async () => {
		const agent = ctx.sandbox.control.agent(AGENT)!;
		for (let n = 1; n <= 300; n++) {
			script(
				agentPath(AGENT),
				200,
				JSON.stringify({ ...agent, faq: { [`Version ${n}?`]: 'Yes.' } }),
				{ method: 'GET' },
			);
		}
		const before = faqOf(AGENT);
		const error = await runError(upsert(AGENT, ['Mine?', 'Yes.']), {
			// Shortened from 2 minutes and 0.5–8 s waits, so that the bound is reached in a moment.
			policy: { maxRetryMs: 600, baseDelayMs: 20, maxBackoffMs: 40 },
		});
		const methods = apiRequests().map((r) => r.method);
		expect(methods.every((method) => method === 'GET')).toBe(true);
		// A read and a re-read, then after each further change a wait, a read and a re-read.
		const changes = (methods.length + 1) / 2;
		expect(changes).toBeGreaterThan(5);
		expect(error.message).toBe(
			`The FAQ of agent ${AGENT} kept changing while this node was saving it [item 0]`,
		);
		expect(error.description).toBe(
			`Someone else saved it ${changes} times between this node's reads, for 0.6 seconds. Nothing was written by this node; run it again when the other edits are done.`,
		);
		ctx.sandbox.control.clearScripted();
		expect(faqOf(AGENT)).toEqual(before);
	});
});

it('an FAQ write whose outcome is unknown is re-read and merged again, never re-sent blindly', async () => {
	const before = faqOf(AGENT);
	script(agentPath(AGENT), 502, '', { method: 'PATCH' });
	const { json } = await run(upsert(AGENT, ['Mine?', 'Yes.']));
	expect(json[0]).toMatchObject({ added: ['Mine?'], saved: true });
	expect(faqOf(AGENT)).toEqual({ ...before, 'Mine?': 'Yes.' });
	expect(apiRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
		'GET 200',
		'GET 200',
		'PATCH 502',
		'GET 200',
		'GET 200',
		'PATCH 200',
	]);
});

it('an FAQ write that keeps ending with an unknown outcome is tried 3 times, each after a fresh read', async () => {
	const before = faqOf(AGENT);
	for (let n = 0; n < 5; n++) {
		script(agentPath(AGENT), 502, '', { method: 'PATCH' });
	}
	const error = await runError(upsert(AGENT, ['Mine?', 'Yes.']));
	const readThenWrite = ['GET 200', 'GET 200', 'PATCH 502'];
	expect(apiRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
		...readThenWrite,
		...readThenWrite,
		...readThenWrite,
		'GET 200',
	]);
	expect(error.message).toBe(`The FAQ of agent ${AGENT} could not be saved [item 0]`);
	expect(error.description).toBe(
		'3 writes in a row failed without saying whether RingReady applied them (the last: RingReady is unavailable right now (HTTP 502)). After each, the FAQ was read again and did not hold the change. Nothing more was sent; try again in a few minutes.',
	);
	expect(faqOf(AGENT)).toEqual(before);
	ctx.sandbox.control.clearScripted();
});

describe('FAQ questions match after trimming, for read, merge and delete alike', () => {
	async function storeSpacedQuestion() {
		const response = await fetch(`${ctx.sandbox.url}${agentPath(AGENT)}`, {
			method: 'PATCH',
			headers: {
				Authorization: `Bearer ${ctx.sandbox.keys.readWrite}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify({ faq: { '  Open on Sundays?  ': 'No.', 'Parking?': 'Yes.' } }),
		});
		expect(response.status).toBe(200);
		ctx.sandbox.control.clearRequests();
	}

	it('Get Many shows the trimmed question; Delete with it removes the stored one', async () => {
		await storeSpacedQuestion();
		const { json } = await run(op('faq', 'getAll', AGENT));
		expect(json).toEqual([
			{ question: 'Open on Sundays?', answer: 'No.' },
			{ question: 'Parking?', answer: 'Yes.' },
		]);
		const deleted = await run(op('faq', 'delete', AGENT, { questions: ['Open on Sundays?'] }));
		expect(deleted.json[0]).toMatchObject({
			removed: ['Open on Sundays?'],
			not_found: [],
			saved: true,
		});
		expect(faqOf(AGENT)).toEqual({ 'Parking?': 'Yes.' });
	});

	it('an unchanged answer under a spaced question causes no write', async () => {
		await storeSpacedQuestion();
		const { json } = await run(upsert(AGENT, ['Open on Sundays?', 'No.']));
		expect(json[0]).toMatchObject({ unchanged: ['Open on Sundays?'], saved: false });
		expect(apiRequests().map((r) => r.method)).toEqual(['GET']);
	});
});

describe('listing conversations: pagination and filters', () => {
	it('a conversation repeated on the next page is returned once', async () => {
		const all = ctx.sandbox.control.conversations('A');
		const [a, b] = all;
		const page = {
			conversations: [a, b].map(({ transcript: _t, recording_url: _r, ...summary }) => summary),
			next_before_id: b.id + 1,
			limit: 200,
		};
		script('/api/v1/conversations', 200, JSON.stringify(page));
		const { json } = await run({
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(json.map((c) => c.id)).toEqual(all.map((c) => c.id));
		expect(apiRequests()[1].query.before_id).toBe(String(b.id + 1));
	});

	it('an empty page with a cursor keeps paging instead of ending Return All', async () => {
		const all = ctx.sandbox.control.conversations('A');
		script(
			'/api/v1/conversations',
			200,
			JSON.stringify({ conversations: [], next_before_id: all[0].id + 1, limit: 200 }),
		);
		const { json } = await run({
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(json).toHaveLength(all.length);
	});

	it('empty pages whose cursor does not decrease stop with the cursor error', async () => {
		const body = JSON.stringify({ conversations: [], next_before_id: 500, limit: 200 });
		script('/api/v1/conversations', 200, body, { count: 2 });
		const error = await runError({
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
		});
		expect(error.message).toBe('RingReady returned a pagination cursor that does not move forward');
		expect(apiRequests()).toHaveLength(2);
	});

	it.each([
		['2026-06-10T07:03:20.123Z', '2026-06-10T07:03:21Z'],
		['2026-06-10T07:03:20.000Z', '2026-06-10T07:03:20Z'],
		['2026-06-10T07:03:59.999Z', '2026-06-10T07:04:00Z'],
		// no zone: the workflow's time zone (UTC in tests); from an expression
		['={{ "2026-01-02T03:04:05" }}', '2026-01-02T03:04:05Z'],
	])('Since %s is sent as %s (whole seconds, rounded up, UTC)', async (since, sent) => {
		await run({ resource: 'conversation', operation: 'getAll', limit: 1, filters: { since } });
		expect(apiRequests()[0].query.since).toBe(sent);
	});
});
