import { apiRequests, run, runError, useSandbox } from './fixture';

const ctx = useSandbox();

const getMany = (extra: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'getAll',
	...extra,
});

describe('Conversation → Get Many', () => {
	it('Return All walks every page (200 per page) and returns exactly the account’s conversations, newest first', async () => {
		const { json } = await run(getMany({ returnAll: true }));
		const expected = ctx.sandbox.control.conversations('A').map((c) => c.id);
		expect(expected.length).toBeGreaterThan(200);
		expect(json.map((c) => c.id)).toEqual(expected);
		const pages = apiRequests();
		expect(pages.length).toBe(Math.ceil(expected.length / 200));
		expect(pages.every((r) => r.query.limit === '200')).toBe(true);
		expect(pages.slice(1).map((r) => Number(r.query.before_id))).toEqual(
			pages.slice(0, -1).map((_r, i) => json[(i + 1) * 200 - 1].id),
		);
	});

	it.each(['phone', 'web_chat'])(
		'Return All with channel %s equals the sandbox data exactly',
		async (channel) => {
			const { json } = await run(getMany({ returnAll: true, filters: { channel } }));
			const expected = ctx.sandbox.control.conversations('A').filter((c) => c.channel === channel);
			expect(json.map((c) => c.id)).toEqual(expected.map((c) => c.id));
			expect(apiRequests().every((r) => r.query.channel === channel)).toBe(true);
		},
	);

	it('filters by agent (from a dashboard URL) and by since, sent on every page as UTC with Z', async () => {
		const agentId = ctx.sandbox.agentIds.A[0];
		const all = ctx.sandbox.control.conversations('A').filter((c) => c.agent_id === agentId);
		const since = all[Math.floor(all.length * 0.8)].started_at; // an existing timestamp: inclusive
		const { json } = await run(
			getMany({
				returnAll: true,
				filters: {
					agentId: {
						__rl: true,
						mode: 'url',
						value: `https://www.ring-ready.com/dashboard/agents/${agentId}`,
					},
					since: since.replace('Z', '+00:00'),
				},
			}),
		);
		const expected = all.filter((c) => c.started_at >= since).map((c) => c.id);
		expect(expected.length).toBeGreaterThan(0);
		expect(json.map((c) => c.id)).toEqual(expected);
		expect(json.some((c) => c.started_at === since)).toBe(true);
		for (const request of apiRequests()) {
			expect(request.query.agent_id).toBe(String(agentId));
			expect(request.query.since).toBe(since);
		}
	});

	it.each([
		[7, ['7']],
		[250, ['200', '50']],
	])(
		'a limit of %s asks only for what is still needed and stops exactly at the limit',
		async (limit, asked) => {
			const { json } = await run(getMany({ limit }));
			const expected = ctx.sandbox.control.conversations('A').slice(0, limit);
			expect(json.map((c) => c.id)).toEqual(expected.map((c) => c.id));
			expect(apiRequests().map((r) => r.query.limit)).toEqual(asked);
		},
	);

	it('every output item is paired with its input item; each input item runs its own query', async () => {
		const { items } = await run(getMany({ limit: '={{ $json.n }}' }), {
			items: [{ json: { n: 2 } }, { json: { n: 3 } }],
		});
		expect(items.map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 1 },
		]);
	});

	it('Include Transcripts returns the full detail of each conversation, in list order', async () => {
		const { json } = await run(
			getMany({
				limit: 30,
				output: 'raw',
				options: { includeTranscripts: true, maxConcurrency: 5 },
			}),
		);
		const expected = ctx.sandbox.control.conversations('A').slice(0, 30);
		expect(json).toEqual(expected.map((c) => ({ ...c })));
		expect(json.every((c) => Array.isArray(c.transcript) && 'recording_url' in c)).toBe(true);
		expect(ctx.sandbox.control.requests().peakInFlight).toBeLessThanOrEqual(6); // 5 details + 1 list page
	});

	it('recovers from 429 with Retry-After, 503 and a dropped connection', async () => {
		ctx.sandbox.control.injectFaults({ status: 429, retryAfter: 0, count: 1 });
		ctx.sandbox.control.injectFaults({ status: 503, count: 1 });
		ctx.sandbox.control.injectFaults({ drop: true, count: 1 });
		const { json } = await run(getMany({ limit: 10 }), {
			policy: { baseDelayMs: 10, maxBackoffMs: 20 },
		});
		expect(json).toHaveLength(10);
		expect(apiRequests().map((r) => r.status)).toEqual([429, 503, null, 200]);
	});

	it('under a per-key in-flight cap, transcript fetches slow down and all complete', async () => {
		ctx.sandbox.control.setLatency(15);
		ctx.sandbox.control.setRateLimit({ maxInFlight: 3, retryAfter: 0 });
		const { json } = await run(
			getMany({
				limit: 60,
				output: 'raw',
				options: { includeTranscripts: true, maxConcurrency: 20 },
			}),
			{ policy: { baseDelayMs: 10, maxBackoffMs: 20 } },
		);
		expect(json).toHaveLength(60);
		expect(json.every((c) => Array.isArray(c.transcript))).toBe(true);
		const log = apiRequests();
		const throttled = log.filter((r) => r.status === 429).length;
		expect(throttled).toBeGreaterThan(0);
		expect(throttled).toBeLessThan(40); // backed off instead of hammering
	}, 60_000);

	it.each([
		[2, 5, '4 transcripts were'],
		[1, 1, '1 transcript was'],
	])(
		'a transcript that cannot be fetched (list index %s, Max Concurrency %s) fails the run naming the conversation, and says what was fetched',
		async (index, maxConcurrency, fetched) => {
			const target = ctx.sandbox.control.conversations('A')[index].id;
			ctx.sandbox.control.injectFaults({
				status: 500,
				count: 1,
				path: `/api/v1/conversations/${target}`,
			});
			const error = await runError(
				getMany({ limit: 5, options: { includeTranscripts: true, maxConcurrency } }),
			);
			expect(error.message).toBe(
				`Conversation ${target}: RingReady is unavailable right now (HTTP 500)`,
			);
			expect(error.description).toBe(
				`The RingReady service had a problem. Try again in a few minutes. The run stopped at this failure (${fetched} fetched); no further request was sent. Turn on "Continue On Fail" in the node settings to keep the conversations that succeeded.`,
			);
		},
	);
});
