/**
 * The one request primitive (transport/http.ts `send`): its time limit aborts the request and closes
 * its connection; Max Concurrency bounds the requests open at once, time-outs included; the key
 * never comes back through what the server says; the one retry rule a run meets only by chance.
 * Through n8n-core against the sandbox over real HTTP (the sandbox counts open sockets and requests in flight).
 */
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { RingReadyTrigger } from '../../nodes/RingReadyTrigger/RingReadyTrigger.node';

import { decideRetry } from '../../nodes/RingReady/transport/http';
import { runPoll, secretPaths } from '../harness';
import { apiRequests, op, run, runError, useSandbox, script } from './fixture';

const ctx = useSandbox();
const AGENT = 7;

/** Waits until the sandbox has no connection open (or `ms` passed) and returns what is open. */
async function openAfter(ms: number) {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		const open = ctx.sandbox.openSockets();
		if (open.api + open.media === 0) break;
		await sleep(20);
	}
	return ctx.sandbox.openSockets();
}

describe('a timed-out request is aborted', () => {
	/** Three phone calls with recordings; their ids. */
	const calls = () =>
		ctx.sandbox.control
			.conversations('A')
			.filter((c) => c.recording_url)
			.slice(0, 3);
	const getEach = (options: Record<string, unknown>) => ({
		resource: 'conversation',
		operation: 'get',
		conversationId: '={{ $json.id }}',
		options: { maxConcurrency: 1, ...options },
	});

	it('Max Concurrency 1 and answers that trickle past the limit: one request in flight at a time, none open after the run', async () => {
		const three = calls();
		// Every answer sends a few bytes every 50 ms: never complete within the 0.3 s limit.
		for (const call of three)
			ctx.sandbox.control.slowDown({
				path: `/api/v1/conversations/${call.id}`,
				trickle: { chunkBytes: 8, everyMs: 50 },
				count: 10,
			});
		const startedAt = Date.now();
		const { json } = await run(getEach({}), {
			items: three.map((call) => ({ json: { id: call.id } })),
			continueOnFail: true,
			policy: { requestTimeoutMs: 300, maxAttempts: 3, baseDelayMs: 10, maxBackoffMs: 20 },
		});
		const tookMs = Date.now() - startedAt;
		expect(json.map((item) => item.error)).toEqual(
			three.map(
				() => `Could not reach RingReady at ${ctx.sandbox.url}: no answer within 0.3 seconds`,
			),
		);
		expect(await openAfter(500)).toEqual({ api: 0, media: 0 });
		const { log, peakInFlight } = ctx.sandbox.control.requests();
		// Tried three times in all, then RingReady counts as down for the run: the others are not sent.
		expect(log).toHaveLength(3);
		expect(peakInFlight).toBe(1);
		// Each request ended (its connection closed) when its limit ran out, not when the server finished.
		for (const entry of log) expect(entry.ended_ms! - entry.started_ms).toBeLessThan(2_000);
		expect(tookMs).toBeLessThan(4_500);
	});

	it('recordings that trickle past the limit: each download is aborted and holds the one slot only while it runs', async () => {
		const three = calls();
		for (const call of three)
			ctx.sandbox.control.recordingAnswer({
				id: call.id,
				answer: 'slow',
				chunkBytes: 16,
				everyMs: 50,
			});
		const { json } = await run(getEach({ downloadRecording: true }), {
			items: three.map((call) => ({ json: { id: call.id } })),
			continueOnFail: true,
			policy: { requestTimeoutMs: 300, maxAttempts: 1 },
		});
		expect(json.map((item) => item.error)).toEqual(
			three.map(
				(call) => `The recording of conversation ${call.id} did not download within 0.3 seconds`,
			),
		);
		expect(await openAfter(500)).toEqual({ api: 0, media: 0 });
		const spans = [
			...ctx.sandbox.control.requests().log,
			...ctx.sandbox.control.recordingRequests(),
		]
			.map((entry) => [entry.started_ms, entry.ended_ms ?? Infinity] as const)
			.sort((a, b) => a[0] - b[0]);
		expect(spans).toHaveLength(6);
		// Never two requests open at once (API calls and downloads share the throttle).
		for (let i = 1; i < spans.length; i++)
			expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1] - 5);
	});

	it('Stop aborts the requests under way: "The execution was stopped", connections closed at once, nothing more sent', async () => {
		const ids = calls().map((call) => call.id);
		for (const id of ids)
			ctx.sandbox.control.slowDown({
				path: `/api/v1/conversations/${id}`,
				trickle: { chunkBytes: 8, everyMs: 200 },
			});
		const stop = new AbortController();
		const running = runError(getEach({ maxConcurrency: 2 }), {
			items: ids.map((id) => ({ json: { id } })),
			abortSignal: stop.signal,
		});
		while (apiRequests().length < 2) await sleep(20);
		stop.abort();
		const error = await running;
		expect(error.message).toBe('The execution was stopped');
		expect(error.description).toBe(
			`GET /api/v1/conversations/${ids[0]} was under way when the execution was stopped; its answer was not read. Nothing more was sent.`,
		);
		expect(await openAfter(300)).toEqual({ api: 0, media: 0 });
		expect(apiRequests()).toHaveLength(2);
	});

	it('Stop while a recording downloads: "The execution was stopped", nothing stored, its connection closed', async () => {
		const [call] = calls();
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'slow',
			chunkBytes: 16,
			everyMs: 200,
		});
		const stop = new AbortController();
		const running = runError(getEach({ downloadRecording: true }), {
			items: [{ json: { id: call.id } }],
			abortSignal: stop.signal,
		});
		while (ctx.sandbox.control.recordingRequests().length < 1) await sleep(20);
		await sleep(250); // the first bytes of the recording have been read
		stop.abort();
		const error = await running;
		expect(error.message).toBe('The execution was stopped');
		expect(error.description).toBe(
			`The download of the recording of conversation ${call.id} was under way; nothing was stored.`,
		);
		expect(await openAfter(300)).toEqual({ api: 0, media: 0 });
	});
});

describe('the key never comes back through what the server says', () => {
	it.each([400, 401, 403, 404, 422, 500])(
		'an answer %s whose detail echoes the key: the error carries it nowhere',
		async (status) => {
			const key = ctx.sandbox.keys.readWrite;
			script(
				`/api/v1/agents/${AGENT}`,
				status,
				JSON.stringify({ detail: `key ${key} is not allowed here (Bearer ${key})` }),
			);
			const error = await runError(op('agent', 'get', AGENT), { policy: { maxAttempts: 1 } });
			expect(secretPaths(error, key)).toEqual([]);
			// What n8n keeps of the response (shown in the error's details, written to its log).
			expect(JSON.stringify((error as { errorResponse?: unknown }).errorResponse)).not.toContain(
				key,
			);
			expect(error.httpCode).toBe(String(status));
			const shownAs = { 400: 'RingReady answered HTTP 400', 422: 'RingReady rejected the request' };
			if (status === 400 || status === 422)
				expect(error.message).toBe(
					`${shownAs[status]}: key [redacted] is not allowed here (Bearer [redacted])`,
				);
		},
	);

	it('with Continue On Fail, the error item does not carry it either', async () => {
		const key = ctx.sandbox.keys.readWrite;
		script(
			`/api/v1/agents/${AGENT}`,
			422,
			JSON.stringify({ detail: [{ loc: ['path', 'id'], msg: `bad ${key}` }] }),
		);
		const { json } = await run(op('agent', 'get', AGENT), { continueOnFail: true });
		expect(JSON.stringify(json)).not.toContain(key);
		expect(json[0].error).toBe('RingReady rejected the request: id: bad [redacted]');
	});
	it('the trigger’s error field (a transcript given up on after 3 polls) does not carry it either', async () => {
		const key = ctx.sandbox.keys.readWrite;
		const staticData: IDataObject = {};
		const poll = async () =>
			(
				await runPoll(new RingReadyTrigger(), {
					typeVersion: 1,
					parameters: { options: { includeTranscript: true } },
					credentials: ctx.credentials(),
					staticData,
				})
			).items?.[0] ?? [];
		await poll();
		const [stuck] = ctx.sandbox.control.addConversations({ count: 2 });
		script(`/api/v1/conversations/${stuck.id}`, 400, JSON.stringify({ detail: `not for ${key}` }), {
			count: 10,
		});
		const emitted = [...(await poll()), ...(await poll()), ...(await poll())].map(
			(item) => item.json,
		);
		expect(emitted.find((item) => item.id === stuck.id)?.error).toBe(
			'The transcript could not be fetched on 3 polls in a row, so this conversation is emitted without it: RingReady answered HTTP 400: not for [redacted]',
		);
		expect(JSON.stringify(emitted)).not.toContain(key);
	});
});

// Which of these cases a run meets depends on the random extra on each wait: pinned here.
it('decideRetry: a Retry-After that does not fit in the time left is reported at once; the random extra never makes a wait that fits not fit', () => {
	const facts = {
		attempt: 1,
		maxAttempts: 3,
		isWrite: false,
		retryWrite: true,
		down: false,
		waitMs: 12_000,
		windowMs: 120_000,
		canWait: (ms: number) => ms < 10_000,
	};
	expect(decideRetry({ ...facts, outcome: { status: 429, askedWaitMs: 60_000 } })).toEqual({
		retry: false,
		waitTooLong: true,
		notApplied: false,
	});
	expect(decideRetry({ ...facts, outcome: { status: 429, askedWaitMs: 9_000 } })).toEqual({
		retry: true,
		waitMs: 9_000,
	});
});
