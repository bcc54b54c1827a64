/**
 * Case 1: Conversation → Get Many, Return All, Include Transcripts, N conversations, 20 ms latency:
 * our node in real n8n against the latency floor, n8n's HTTP Request node (plain header and Header
 * Auth credential), the n8n-free reference client, the harness and the API reference's recipe.
 * Case 3: the same job and the items job under a per-key in-flight cap (429 + Retry-After past it).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../test/harness';
import { runExampleScript } from '../example-script';
import { runReferenceTranscripts } from '../reference-client';
import {
	BenchContext,
	DEFAULT_CONCURRENCY,
	LATENCY_MS,
	TRANSCRIPT_N,
	log,
	type N8nRun,
} from '../lib/context';
import { loadRingReady } from '../lib/nodes';
import type { CaseResult } from '../lib/report';
import {
	alternateN8n,
	completeness,
	floorRow,
	medianBy,
	n8nCpuPerRequest,
	n8nRow,
	n8nTime,
	referenceOptions,
	referenceRow,
	runN8n,
	startCase,
	wallRow,
	wallRuns,
	type N8nMeasure,
} from '../lib/rows';
import { HTTP_LAYER_NOTE, httpLayerSubject, runN8nHttpLayer } from '../lib/http-layer';
import { HTTP_NODES, ITEMS_NODES, OUR_NODE } from '../lib/workflows';

const PAGE = 200;
const RATE_LIMIT = { maxInFlight: 5, retryAfter: 1 };

export const OURS: N8nMeasure = { nodes: [OUR_NODE], output: OUR_NODE };
export const HTTP_WORKFLOW: N8nMeasure = {
	nodes: [HTTP_NODES.list, HTTP_NODES.split, HTTP_NODES.detail],
	output: HTTP_NODES.detail,
};
export const ITEMS_GET: N8nMeasure = {
	nodes: [ITEMS_NODES.get],
	output: ITEMS_NODES.get,
	requests: (run) => run.requests.detailRequests,
};

const GET_ALL_WITH_TRANSCRIPTS = {
	resource: 'conversation',
	operation: 'getAll',
	returnAll: true,
	options: { includeTranscripts: true },
};

/** Our node through the harness: Get Many + transcripts on the HTTP sandbox. */
async function runHarness(ctx: BenchContext): Promise<INodeExecutionData[]> {
	const sandbox = await ctx.sandbox();
	const result = await executeNode(loadRingReady(), {
		// The version the real-n8n rows run (bench/lib/workflows.ts): the API's fields, with transcripts.
		typeVersion: 1,
		parameters: GET_ALL_WITH_TRANSCRIPTS,
		credentials: { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url },
	});
	return result.output[0] ?? [];
}

const ratio = (value: number | undefined, floor: number) =>
	value === undefined ? 'n/a' : `${(value / floor).toFixed(2)}×`;

export async function caseTranscripts(ctx: BenchContext): Promise<CaseResult> {
	const { sandbox, rtt, ids, rows, targets, notes } = await startCase(ctx);
	const pages = Math.ceil(TRANSCRIPT_N / PAGE);
	const rounds = Math.ceil(TRANSCRIPT_N / DEFAULT_CONCURRENCY);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;

	rows.push(
		floorRow(
			'Latency floor',
			floorMs,
			`${pages} list pages × ${rtt.listMs.toFixed(1)} ms + ${rounds} rounds of ${DEFAULT_CONCURRENCY} × ${rtt.detailMs.toFixed(1)} ms (measured RTTs); at exactly ${LATENCY_MS} ms: ${(pages + rounds) * LATENCY_MS} ms`,
		),
	);

	// Primary: real n8n, our node and the HTTP Request workflows, alternating.
	const ours: N8nRun[] = [];
	await alternateN8n(ctx, 'case 1', notes, [
		{ id: ids.transcripts(DEFAULT_CONCURRENCY), measure: OURS, label: 'our workflow', runs: ours },
		{
			id: ids.httpHeader,
			measure: HTTP_WORKFLOW,
			label: 'the HTTP Request workflow (plain header)',
			runs: ctx.httpRuns.header,
		},
		{
			id: ids.httpCredential,
			measure: HTTP_WORKFLOW,
			label: 'the HTTP Request workflow (credential)',
			runs: ctx.httpRuns.credential,
		},
	]);
	let oursMs: number | undefined;
	let oursPeak: number | undefined;
	let oursComplete = false;
	if (ours.length > 0) {
		const row = n8nRow(
			ctx,
			`RingReady node, Max Concurrency ${DEFAULT_CONCURRENCY} (default)`,
			ours,
			OURS,
			floorMs,
		);
		rows.push(row);
		oursMs = row.timeMs;
		oursPeak = Math.max(...ours.map((run) => run.requests.peakInFlight));
		oursComplete = ours.every(
			(run) =>
				run.outcome.status === 'success' &&
				run.outcome.nodes[OUR_NODE]?.items === TRANSCRIPT_N &&
				run.requests.detailRequests === TRANSCRIPT_N,
		);
	}
	for (const [runs, label] of [
		[ctx.httpRuns.header, 'HTTP Request node, plain Authorization header (unbounded)'],
		[ctx.httpRuns.credential, 'HTTP Request node, Header Auth credential (unbounded)'],
	] as const) {
		if (runs.length === 0) continue;
		const run = medianBy(runs, (r) => n8nTime(r, HTTP_WORKFLOW));
		const time = (name: string) => Math.round(run.outcome.nodes[name]?.executionTime ?? Number.NaN);
		rows.push(
			n8nRow(
				ctx,
				label,
				runs,
				HTTP_WORKFLOW,
				floorMs,
				`list ${time(HTTP_NODES.list)} ms (pagination) + Split Out ${time(HTTP_NODES.split)} ms + per-item GET ${time(HTTP_NODES.detail)} ms`,
			),
		);
	}

	// Secondary: the n8n-free reference client (undici Pool, exactly c connections) and the harness.
	const { row: referenceClientRow, median: reference } = await referenceRow(
		ctx,
		sandbox,
		async () => await runReferenceTranscripts(referenceOptions(sandbox)),
		floorMs,
		'same plan as our node; what this machine achieves now at this concurrency (TCP conns counts only new ones)',
	);
	rows.push(referenceClientRow);

	const httpLayer = await runN8nHttpLayer(ctx, sandbox, 'transcripts');
	const layerMs = httpLayer.length > 0 ? medianBy(httpLayer, (run) => run.ms).ms : undefined;
	if (httpLayer.length > 0)
		rows.push(
			wallRow(
				httpLayerSubject(ctx),
				httpLayer,
				(value) => value.items,
				floorMs,
				`same plan as our node; ${HTTP_LAYER_NOTE}`,
			),
		);

	log(`case 1: our node through the harness (${ctx.options.runs} runs + warm-up) …`);
	const harnessRuns = await wallRuns(sandbox, async () => await runHarness(ctx), ctx.options.runs);
	const harness = medianBy(harnessRuns, (run) => run.ms);
	const harnessComplete = harnessRuns.every(
		(run) => completeness(run.value, TRANSCRIPT_N).complete,
	);
	rows.push(
		wallRow(
			'RingReady node — harness (n8n-core in the bench process, Node 20)',
			harnessRuns,
			(value) => value.length,
			floorMs,
			`${harnessComplete ? 'all transcripts' : 'INCOMPLETE'}; in-memory credentials (no credential read cost)`,
		),
	);

	log('case 1: the API reference recipe (sequential) …');
	const [recipe] = await wallRuns(
		sandbox,
		async () => await runExampleScript(sandbox.url, sandbox.keys.readWrite),
		1,
		0,
	);
	rows.push(
		wallRow(
			'API reference recipe (plain fetch, sequential)',
			[recipe],
			(value) => value.conversations.length,
			floorMs,
			'pages of 50, transcripts one at a time',
		),
	);

	targets.push({
		text: `real n8n: our node ≤ 1.3× the latency floor at the default Max Concurrency (${DEFAULT_CONCURRENCY})`,
		measured: `${ratio(oursMs, floorMs)} (floor ${Math.round(floorMs)} ms; n8n's HTTP layer alone ${ratio(layerMs, floorMs)}; reference client ${ratio(reference.ms, floorMs)}, harness ${ratio(harness.ms, floorMs)})`,
		pass: oursMs === undefined ? undefined : oursMs <= 1.3 * floorMs,
	});
	targets.push({
		text: `real n8n: never more than Max Concurrency (${DEFAULT_CONCURRENCY}) requests open`,
		measured:
			oursPeak === undefined
				? (ctx.n8nProblem ?? 'not measured')
				: `peak ${oursPeak} in flight (all runs)`,
		pass: oursPeak === undefined ? undefined : oursPeak <= DEFAULT_CONCURRENCY,
	});
	targets.push({
		text: 'real n8n: our node ≥ 8× faster than the API reference recipe',
		measured:
			oursMs === undefined
				? 'not measured'
				: `${(recipe.ms / oursMs).toFixed(1)}× (recipe ${Math.round(recipe.ms)} ms; n8n's HTTP layer alone ${layerMs === undefined ? 'n/a' : `${(recipe.ms / layerMs).toFixed(1)}×`}; harness ${(recipe.ms / harness.ms).toFixed(1)}×)`,
		pass: oursMs === undefined ? undefined : recipe.ms >= 8 * oursMs,
	});
	targets.push({
		text: 'every conversation once, each with its transcript',
		measured: `real n8n: ${ours.length > 0 ? (oursComplete ? 'complete in every run' : 'INCOMPLETE') : 'not run'}; harness: ${harnessComplete ? 'complete' : 'INCOMPLETE'}`,
		pass: harnessComplete && (ours.length === 0 || oursComplete),
	});

	if (ours.length > 0 && ctx.httpRuns.header.length > 0) {
		const headerRun = medianBy(ctx.httpRuns.header, (r) => n8nTime(r, HTTP_WORKFLOW));
		notes.push(
			`Client CPU per request in n8n's main process (sampled from /proc while the node ran): our node ${n8nCpuPerRequest(
				medianBy(ours, (r) => n8nTime(r, OURS)),
				OURS,
			).toFixed(
				2,
			)} ms, the HTTP Request workflow with a plain header ${n8nCpuPerRequest(headerRun, HTTP_WORKFLOW).toFixed(2)} ms; the reference client ${(reference.cpuMs / reference.requests.total).toFixed(2)} ms.`,
		);
	}
	notes.push(
		`Floor: ⌈N/200⌉ sequential list pages + ⌈N/${DEFAULT_CONCURRENCY}⌉ rounds of ${DEFAULT_CONCURRENCY} detail calls, each at the RTT measured over one kept-alive undici connection (list ${rtt.listMs.toFixed(1)} ms, detail ${rtt.detailMs.toFixed(1)} ms; the sandbox adds ${LATENCY_MS} ms to every answer).`,
		'n8n-core opens a new TCP connection for every request (a new agent per request in @n8n/backend-network), so "TCP conns" equals the request count for our node and the HTTP Request node; node code cannot change that.',
	);
	if (ctx.n8nProblem) notes.push(ctx.n8nProblem);
	return {
		id: '1',
		title: `Get Many, Return All, Include Transcripts, N = ${TRANSCRIPT_N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency`,
		setup: `Sandbox in its own process, ${TRANSCRIPT_N} conversations, ${LATENCY_MS} ms added to every answer. Primary rows: real n8n (\`n8n execute\`, n8n's per-node executionTime). Ours: Conversation → Get Many, Return All, Include Transcripts, default Max Concurrency ${DEFAULT_CONCURRENCY}. HTTP Request workflow: HTTP Request (limit=200, n8n pagination on next_before_id) → Split Out → HTTP Request GET /conversations/{{ $json.id }} per item (default batching: all at once), once with a plain Authorization header and once with a Header Auth credential.`,
		rows,
		targets,
		notes,
	};
}

export async function caseRateLimited(ctx: BenchContext): Promise<CaseResult> {
	const { sandbox, rtt, ids, rows, targets, notes } = await startCase(ctx);
	const pages = Math.ceil(TRANSCRIPT_N / PAGE);
	const rounds = Math.ceil(TRANSCRIPT_N / RATE_LIMIT.maxInFlight);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;
	const itemsFloorMs = rounds * rtt.detailMs;
	await sandbox.setRateLimit(RATE_LIMIT.maxInFlight, RATE_LIMIT.retryAfter);
	try {
		rows.push(
			floorRow(
				`Floor at the cap (${RATE_LIMIT.maxInFlight} in flight), Get Many + transcripts`,
				floorMs,
				`${pages} list pages + ${rounds} rounds of ${RATE_LIMIT.maxInFlight}; items job alone: ${Math.round(itemsFloorMs)} ms`,
			),
		);
		if (await ctx.n8n()) {
			log(
				'case 3: real n8n under the rate limit (ours: both jobs; HTTP Request: default, On Error: Continue) …',
			);
			for (const [workflowId, measure, label, n] of [
				[
					ids.transcripts(DEFAULT_CONCURRENCY),
					OURS,
					'RingReady node, Get Many + transcripts',
					TRANSCRIPT_N,
				],
				[ids.itemsGet, ITEMS_GET, `RingReady node, ${TRANSCRIPT_N} items → Get`, TRANSCRIPT_N],
			] as const) {
				const [run] = await runN8n(ctx, workflowId, measure, { count: 1, label, notes });
				if (!run) continue;
				const node = run.outcome.nodes[measure.output];
				const complete =
					run.outcome.status === 'success' && node?.items === n && node.errorItems === 0;
				rows.push(
					n8nRow(
						ctx,
						label,
						[run],
						measure,
						workflowId === ids.itemsGet ? itemsFloorMs : floorMs,
						`${run.requests.status429} × 429 retried`,
					),
				);
				targets.push({
					text: `${label}: completes with every item under the cap (real n8n)`,
					measured: `${node?.items ?? 0} of ${n} items, ${node?.errorItems ?? 0} error items, execution ${run.outcome.status ?? 'unknown'}, ${run.requests.status429} × 429 retried`,
					pass: complete,
				});
			}
			let httpCompleted = false;
			for (const [workflowId, label] of [
				[ids.httpCredential, 'HTTP Request node — default settings'],
				[ids.httpContinue, 'HTTP Request node — On Error: Continue'],
			] as const) {
				const [run] = await runN8n(ctx, workflowId, HTTP_WORKFLOW, { count: 1, label, notes });
				if (!run) continue;
				const detail = run.outcome.nodes[HTTP_NODES.detail];
				const ok = detail ? detail.items - detail.errorItems : 0;
				if (run.outcome.status === 'success' && ok === TRANSCRIPT_N) httpCompleted = true;
				rows.push(
					n8nRow(
						ctx,
						label,
						[run],
						HTTP_WORKFLOW,
						undefined,
						run.outcome.status === 'success'
							? `${ok} of ${TRANSCRIPT_N} with data, ${detail?.errorItems ?? 0} error items`
							: `failed: ${(detail?.error ?? run.outcome.error ?? '').slice(0, 120)}; 0 items out`,
					),
				);
			}
			targets.push({
				text: 'the HTTP Request workflow does not complete with every item under the cap',
				measured: httpCompleted ? 'it completed' : 'it failed or output error items',
				pass: !httpCompleted,
			});
		} else if (ctx.n8nProblem) {
			notes.push(ctx.n8nProblem);
		}

		log('case 3: our node through the harness under the rate limit …');
		const harness = await wallRuns(sandbox, async () => await runHarness(ctx), 1, 0);
		const check = completeness(harness[0].value, TRANSCRIPT_N);
		rows.push(
			wallRow(
				'RingReady node — harness, Get Many + transcripts',
				harness,
				(value) => value.length,
				floorMs,
				`${check.withTranscript} of ${TRANSCRIPT_N} with transcript`,
			),
		);
		notes.push(
			`The sandbox answers 429 with Retry-After: ${RATE_LIMIT.retryAfter} to any request arriving while ${RATE_LIMIT.maxInFlight} requests of the same key are in flight (list pages count too).`,
		);
	} finally {
		await sandbox.setRateLimit(null);
	}
	return {
		id: '3',
		title: `Both jobs under a per-key cap (≤ ${RATE_LIMIT.maxInFlight} in flight, Retry-After ${RATE_LIMIT.retryAfter} s)`,
		setup: `As cases 1 and 2 (N = ${TRANSCRIPT_N}, ${LATENCY_MS} ms), with the sandbox's per-key in-flight cap on.`,
		rows,
		targets,
		notes,
	};
}
