/**
 * Case 1: Return All with transcripts, N = 1,000, 20 ms latency — our node vs the latency floor,
 * the API reference's example script and n8n's HTTP Request node.
 * Case 2: the same under a per-key in-flight rate limit (429 + Retry-After past the cap).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../test/harness';
import { runExampleScript } from '../example-script';
import { runReferenceClient } from '../reference-client';
import { BenchContext, LATENCY_MS, TRANSCRIPT_N, WORKFLOWS, log, type N8nRun } from '../lib/context';
import { measureRtt, timed } from '../lib/measure';
import { loadRingReady } from '../lib/nodes';
import type { CaseResult, Row, Target } from '../lib/report';
import { summarize, type RequestSummary } from '../lib/stats';
import { HTTP_NODES, OUR_NODE } from '../lib/workflows';

const PAGE = 200;
const CONCURRENCY = 10;
const RATE_LIMIT = { maxInFlight: 5, retryAfter: 1 };

const GET_ALL_WITH_TRANSCRIPTS = {
	resource: 'conversation',
	operation: 'getAll',
	returnAll: true,
	options: { includeTranscripts: true },
};

interface HarnessRun {
	ms: number;
	cpuMs: number;
	items: INodeExecutionData[];
	requests: RequestSummary;
}

/** Every one of the N conversations, once, each with its transcript. */
function completeness(items: Array<{ json: Record<string, unknown> }>, n: number): { complete: boolean; withTranscript: number } {
	const ids = new Set(items.map((item) => item.json.id));
	const withTranscript = items.filter((item) => Array.isArray(item.json.transcript)).length;
	return { complete: items.length === n && ids.size === n && withTranscript === n, withTranscript };
}

async function runOurs(ctx: BenchContext): Promise<HarnessRun> {
	const sandbox = await ctx.transcriptsSandbox();
	const node = loadRingReady();
	await sandbox.clear();
	const { value, ms, cpuMs } = await timed(
		async () =>
			await executeNode(node, {
				parameters: GET_ALL_WITH_TRANSCRIPTS,
				credentials: { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url },
			}),
	);
	return { ms, cpuMs, items: value.output[0] ?? [], requests: summarize(await sandbox.stats()) };
}

/** The run with the median value (the lower middle one for an even count). */
function medianBy<T>(runs: T[], value: (run: T) => number): T {
	const sorted = [...runs].sort((a, b) => value(a) - value(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

const middleOf = (n: number) => (n <= 2 ? `best of ${n}` : `median of ${n}`);

const httpTime = (run: N8nRun) =>
	[HTTP_NODES.list, HTTP_NODES.split, HTTP_NODES.detail].reduce((sum, name) => sum + (run.outcome.nodes[name]?.executionTime ?? Number.NaN), 0);
const ourTime = (run: N8nRun) => run.outcome.nodes[OUR_NODE]?.executionTime ?? Number.NaN;

export async function caseTranscripts(ctx: BenchContext): Promise<CaseResult> {
	const sandbox = await ctx.transcriptsSandbox();
	await sandbox.reset();
	const rtt = await measureRtt(sandbox.url, sandbox.keys.readWrite);
	const pages = Math.ceil(TRANSCRIPT_N / PAGE);
	const rounds = Math.ceil(TRANSCRIPT_N / CONCURRENCY);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;
	const nominalFloorMs = (pages + rounds) * LATENCY_MS;
	const rows: Row[] = [];
	const targets: Target[] = [];
	const notes: string[] = [];

	rows.push({
		subject: 'Latency floor',
		timeMs: floorMs,
		timeKind: 'computed',
		floorRatio: 1,
		note: `${pages} list pages × ${rtt.listMs.toFixed(1)} ms + ${rounds} rounds of ${CONCURRENCY} × ${rtt.detailMs.toFixed(1)} ms (measured RTTs); at exactly ${LATENCY_MS} ms: ${nominalFloorMs} ms`,
	});

	// What this machine can do right now with no n8n in the way (same plan, plain fetch, keep-alive).
	await runReferenceClient(sandbox.url, sandbox.keys.readWrite, CONCURRENCY);
	const referenceRuns: Array<{ ms: number; cpuMs: number; count: number; requests: RequestSummary }> = [];
	for (let i = 0; i < ctx.options.runs; i++) {
		await sandbox.clear();
		const run = await timed(async () => await runReferenceClient(sandbox.url, sandbox.keys.readWrite, CONCURRENCY));
		referenceRuns.push({ ms: run.ms, cpuMs: run.cpuMs, count: run.value.conversations.length, requests: summarize(await sandbox.stats()) });
	}
	const reference = medianBy(referenceRuns, (run) => run.ms);
	rows.push({
		subject: 'Reference client: same plan, plain fetch, no n8n',
		timeMs: reference.ms,
		timeKind: `wall, ${middleOf(referenceRuns.length)}`,
		runsMs: referenceRuns.map((run) => run.ms),
		floorRatio: reference.ms / floorMs,
		items: reference.count,
		requests: reference.requests,
		clientCpuMs: reference.cpuMs,
		note: `concurrency ${CONCURRENCY}, kept-alive connections (TCP conns 0 = all reused from the warm-up): what this machine achieves now`,
	});

	// Ours through n8n-core (harness), in this process. One warm-up run loads and compiles everything.
	log(`case 1: our node through the harness (${ctx.options.runs} runs + warm-up) …`);
	await runOurs(ctx);
	const oursRuns: HarnessRun[] = [];
	for (let i = 0; i < ctx.options.runs; i++) oursRuns.push(await runOurs(ctx));
	const ours = medianBy(oursRuns, (run) => run.ms);
	const oursComplete = oursRuns.every((run) => completeness(run.items, TRANSCRIPT_N).complete);
	rows.push({
		subject: 'RingReady node — harness (n8n-core 2.41, Node 20)',
		timeMs: ours.ms,
		timeKind: `wall, ${middleOf(oursRuns.length)}`,
		runsMs: oursRuns.map((run) => run.ms),
		floorRatio: ours.ms / floorMs,
		items: ours.items.length,
		requests: ours.requests,
		clientCpuMs: ours.cpuMs,
		note: `concurrency ${CONCURRENCY} (default); ${oursComplete ? 'all transcripts' : 'INCOMPLETE'}; client CPU ${Math.round(ours.cpuMs)} ms (${(ours.cpuMs / ours.requests.total).toFixed(2)} ms/request)`,
	});

	// Real n8n: our node and the HTTP Request workflow, alternating.
	const oursN8n: N8nRun[] = [];
	const httpN8n: N8nRun[] = [];
	if (await ctx.n8n()) {
		for (let i = 0; i < ctx.options.n8nRuns; i++) {
			log(`case 1: real n8n run ${i + 1}/${ctx.options.n8nRuns} (HTTP Request workflow, then ours) …`);
			const http = await ctx.executeN8n(WORKFLOWS.httpDefault);
			if (http && Number.isFinite(httpTime(http))) httpN8n.push(http);
			else if (http) notes.push(`A real n8n run of the HTTP Request workflow gave no timing and is left out: ${http.outcome.error ?? http.outcome.status}.`);
			const mine = await ctx.executeN8n(WORKFLOWS.oursTranscripts);
			if (mine && Number.isFinite(ourTime(mine))) oursN8n.push(mine);
			else if (mine) notes.push(`A real n8n run of our workflow gave no timing and is left out: ${mine.outcome.error ?? mine.outcome.status}.`);
		}
	}
	let oursN8nMs: number | undefined;
	let httpMs: number | undefined;
	if (oursN8n.length > 0) {
		const times = oursN8n.map(ourTime);
		const run = medianBy(oursN8n, ourTime);
		oursN8nMs = ourTime(run);
		const node = run.outcome.nodes[OUR_NODE];
		rows.push({
			subject: `RingReady node — real n8n ${ctx.install?.version} (${ctx.install?.nodeVersion})`,
			timeMs: oursN8nMs,
			timeKind: `n8n executionTime, ${middleOf(times.length)}`,
			runsMs: times,
			floorRatio: oursN8nMs / floorMs,
			items: node?.items,
			requests: run.requests,
			note: node?.error ? `error: ${node.error}` : `execution ${run.outcome.status}`,
		});
	}
	if (httpN8n.length > 0) {
		const times = httpN8n.map(httpTime);
		const run = medianBy(httpN8n, httpTime);
		httpMs = httpTime(run);
		const nodes = run.outcome.nodes;
		rows.push({
			subject: `HTTP Request node v4.5 — real n8n ${ctx.install?.version}`,
			timeMs: httpMs,
			timeKind: `n8n executionTime (3 nodes), ${middleOf(times.length)}`,
			runsMs: times,
			floorRatio: httpMs / floorMs,
			items: nodes[HTTP_NODES.detail]?.items,
			requests: run.requests,
			note: `list ${Math.round(nodes[HTTP_NODES.list]?.executionTime ?? NaN)} ms (pagination) + Split Out ${Math.round(
				nodes[HTTP_NODES.split]?.executionTime ?? NaN,
			)} ms + per-item GET ${Math.round(nodes[HTTP_NODES.detail]?.executionTime ?? NaN)} ms; execution ${run.outcome.status}${
				run.outcome.error ? `: ${run.outcome.error}` : ''
			}`,
		});
	}

	// The API reference's example script: pages of 50, one transcript at a time.
	log('case 1: the API reference example script (sequential; about 20 s) …');
	await sandbox.clear();
	const example = await timed(async () => await runExampleScript(sandbox.url, sandbox.keys.readWrite));
	rows.push({
		subject: 'API reference example script (plain fetch, sequential)',
		timeMs: example.ms,
		timeKind: 'wall, 1 run',
		floorRatio: example.ms / floorMs,
		items: example.value.conversations.length,
		requests: summarize(await sandbox.stats()),
		clientCpuMs: example.cpuMs,
		note: 'pages of 50, transcripts one at a time',
	});

	targets.push({
		text: `our node ≤ 1.2× the latency floor at the default concurrency (${CONCURRENCY})`,
		measured: `harness ${(ours.ms / floorMs).toFixed(2)}×${oursN8nMs !== undefined ? `; real n8n ${(oursN8nMs / floorMs).toFixed(2)}×` : ''} (floor ${Math.round(floorMs)} ms; the n8n-free reference client: ${(reference.ms / floorMs).toFixed(2)}×)`,
		pass: ours.ms <= 1.2 * floorMs,
	});
	targets.push({
		text: 'our node ≥ 5× faster than the example script',
		measured: `${(example.ms / ours.ms).toFixed(1)}× (harness)${oursN8nMs !== undefined ? `; ${(example.ms / oursN8nMs).toFixed(1)}× (real n8n)` : ''}`,
		pass: example.ms >= 5 * ours.ms && (oursN8nMs === undefined || example.ms >= 5 * oursN8nMs),
	});
	if (httpMs !== undefined && oursN8nMs !== undefined) {
		targets.push({
			text: 'our node within 1.5× of the HTTP Request node (both in real n8n)',
			measured: `${(oursN8nMs / httpMs).toFixed(2)}× (ours ${Math.round(oursN8nMs)} ms vs ${Math.round(httpMs)} ms)`,
			pass: oursN8nMs <= 1.5 * httpMs,
		});
	} else {
		targets.push({ text: 'our node within 1.5× of the HTTP Request node', measured: ctx.n8nProblem ?? 'not measured', pass: undefined });
	}
	targets.push({ text: 'every conversation once, each with its transcript (all harness runs)', measured: oursComplete ? `${TRANSCRIPT_N} of ${TRANSCRIPT_N}` : 'incomplete', pass: oursComplete });

	notes.push(
		`Client CPU per request: our node through n8n-core ${(ours.cpuMs / ours.requests.total).toFixed(2)} ms, the reference client ${(reference.cpuMs / reference.requests.total).toFixed(2)} ms. n8n-core's request path (a new TCP connection per request, axios, follow-redirects, proxy lookup, credential read) is most of ours; on a busy machine that CPU becomes queueing, so fewer requests are on the wire than the ${CONCURRENCY} slots allow (see "Mean in flight").`,
		`Floor: ⌈N/200⌉ sequential list pages + ⌈N/c⌉ rounds of c detail calls, each at the RTT the bench measured with its own kept-alive fetch (list ${rtt.listMs.toFixed(1)} ms, detail ${rtt.detailMs.toFixed(1)} ms; the sandbox adds ${LATENCY_MS} ms to every answer).`,
		'n8n-core opens a new TCP connection for every request (a new http.Agent per request in @n8n/backend-network), so "TCP conns" equals the request count for our node and for the HTTP Request node; node code cannot change that (no http import allowed).',
	);
	if (ctx.n8nProblem) notes.push(ctx.n8nProblem);
	return {
		id: '1',
		title: `Return All with transcripts, N = ${TRANSCRIPT_N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency`,
		setup: `Sandbox in its own process, account with ${TRANSCRIPT_N} conversations, ${LATENCY_MS} ms added to every answer. Our node: Conversation → Get Many, Return All, Include Transcripts, default Max Concurrency ${CONCURRENCY}. HTTP Request workflow: Manual Trigger → HTTP Request (limit=200, n8n pagination updating before_id from $response.body.next_before_id) → Split Out (conversations) → HTTP Request GET /conversations/{{ $json.id }} per item (default batching: all items at once); Header Auth credential.`,
		rows,
		targets,
		notes,
	};
}

export async function caseRateLimited(ctx: BenchContext): Promise<CaseResult> {
	const sandbox = await ctx.transcriptsSandbox();
	await sandbox.reset();
	const rtt = await measureRtt(sandbox.url, sandbox.keys.readWrite);
	await sandbox.setRateLimit(RATE_LIMIT.maxInFlight, RATE_LIMIT.retryAfter);
	const rows: Row[] = [];
	const targets: Target[] = [];
	const notes: string[] = [];
	// A client that knew the cap: pages one after another, then rounds of maxInFlight details.
	const pages = Math.ceil(TRANSCRIPT_N / PAGE);
	const rounds = Math.ceil(TRANSCRIPT_N / RATE_LIMIT.maxInFlight);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;
	rows.push({
		subject: `Floor at the cap (${RATE_LIMIT.maxInFlight} in flight)`,
		timeMs: floorMs,
		timeKind: 'computed',
		floorRatio: 1,
		note: `${pages} list pages × ${rtt.listMs.toFixed(1)} ms + ${rounds} rounds of ${RATE_LIMIT.maxInFlight} × ${rtt.detailMs.toFixed(1)} ms: a client that knew the limit and never drew a 429`,
	});

	log('case 2: our node through the harness under the rate limit …');
	const ours = await runOurs(ctx);
	const oursCheck = completeness(ours.items, TRANSCRIPT_N);
	rows.push({
		subject: 'RingReady node — harness (n8n-core 2.41, Node 20)',
		timeMs: ours.ms,
		timeKind: 'wall, 1 run',
		floorRatio: ours.ms / floorMs,
		items: ours.items.length,
		requests: ours.requests,
		clientCpuMs: ours.cpuMs,
		note: `${oursCheck.withTranscript} of ${TRANSCRIPT_N} with transcript; concurrency ${CONCURRENCY} (default), throttle halves on 429`,
	});
	targets.push({
		text: 'our node completes with every transcript (harness)',
		measured: `${oursCheck.withTranscript} of ${TRANSCRIPT_N}, ${ours.requests.status429} × 429 retried`,
		pass: oursCheck.complete,
	});

	if (await ctx.n8n()) {
		log('case 2: real n8n under the rate limit (ours, HTTP Request default, HTTP Request On Error: Continue) …');
		const mine = await ctx.executeN8n(WORKFLOWS.oursTranscripts);
		if (mine) {
			const node = mine.outcome.nodes[OUR_NODE];
			const complete = mine.outcome.status === 'success' && node?.items === TRANSCRIPT_N && node.errorItems === 0;
			rows.push({
				subject: `RingReady node — real n8n ${ctx.install?.version}`,
				timeMs: ourTime(mine),
				timeKind: 'n8n executionTime, 1 run',
				floorRatio: ourTime(mine) / floorMs,
				items: node?.items,
				requests: mine.requests,
				note: node?.error ? `error: ${node.error}` : `execution ${mine.outcome.status}`,
			});
			targets.push({
				text: 'our node completes with every transcript (real n8n)',
				measured: `${node?.items ?? 0} items, execution ${mine.outcome.status ?? 'unknown'}, ${mine.requests.status429} × 429 retried`,
				pass: complete,
			});
		}
		for (const [workflowId, label] of [
			[WORKFLOWS.httpDefault, 'HTTP Request node — default settings'],
			[WORKFLOWS.httpContinue, 'HTTP Request node — On Error: Continue'],
		] as const) {
			const run = await ctx.executeN8n(workflowId);
			if (!run) continue;
			const detail = run.outcome.nodes[HTTP_NODES.detail];
			const ok = detail ? detail.items - detail.errorItems : 0;
			rows.push({
				subject: `${label} — real n8n ${ctx.install?.version}`,
				timeMs: httpTime(run),
				timeKind: 'n8n executionTime (3 nodes), 1 run',
				items: detail?.items ?? 0,
				requests: run.requests,
				note:
					run.outcome.status === 'success'
						? `${ok} of ${TRANSCRIPT_N} items have a transcript, ${detail?.errorItems ?? 0} are error items`
						: `execution ${run.outcome.status}: ${(detail?.error ?? run.outcome.error ?? '').slice(0, 160)}; 0 items out`,
			});
			notes.push(
				`${label}: execution ${run.outcome.status}; ${run.requests.detailRequests} detail requests sent, ${run.requests.status429} answered 429; ${
					run.outcome.status === 'success' ? `${ok} transcripts, ${detail?.errorItems ?? 0} error items` : `the node failed ("${(detail?.error ?? run.outcome.error ?? '').slice(0, 200)}") and output nothing`
				}.`,
			);
		}
	} else if (ctx.n8nProblem) {
		notes.push(ctx.n8nProblem);
	}
	await sandbox.setRateLimit(null);
	notes.push(
		`The sandbox answers 429 with Retry-After: ${RATE_LIMIT.retryAfter} to any request arriving while ${RATE_LIMIT.maxInFlight} requests of the same key are in flight (list pages count too).`,
	);
	return {
		id: '2',
		title: `Return All with transcripts under a rate limit (≤ ${RATE_LIMIT.maxInFlight} in flight per key, Retry-After ${RATE_LIMIT.retryAfter} s)`,
		setup: `As case 1 (N = ${TRANSCRIPT_N}, ${LATENCY_MS} ms), with the sandbox's per-key in-flight cap on.`,
		rows,
		targets,
		notes,
	};
}
