/**
 * Case 2: N input items → Conversation → Get (a trigger's burst, Split Out → Get, an AI agent's
 * parallel calls). The floor is ⌈N/c⌉ × RTT at Max Concurrency c = 10. Real n8n: our node, a bare
 * `this.helpers.httpRequest` loop at the same concurrency (bench/fixtures: the cost n8n itself
 * imposes per request) and the HTTP Request node's per-item request from case 1's runs; then the
 * reference client and the harness.
 */
import { executeNode } from '../../test/harness';
import { listIds, runReferenceItems } from '../reference-client';
import {
	BenchContext,
	DEFAULT_CONCURRENCY,
	LATENCY_MS,
	TRANSCRIPT_N,
	log,
	type N8nRun,
} from '../lib/context';
import { loadRingReady } from '../lib/nodes';
import { fixed, type CaseResult } from '../lib/report';
import {
	alternateN8n,
	floorRow,
	medianBy,
	n8nCpuPerRequest,
	n8nRow,
	n8nTime,
	referenceOptions,
	referenceRow,
	startCase,
	wallRow,
	wallRuns,
	type N8nMeasure,
} from '../lib/rows';
import { HTTP_LAYER_NOTE, httpLayerSubject, runN8nHttpLayer } from '../lib/http-layer';
import { HTTP_NODES, ITEMS_NODES } from '../lib/workflows';
import { ITEMS_GET } from './transcripts';

export const BARE_LOOP: N8nMeasure = {
	nodes: [ITEMS_NODES.loop],
	output: ITEMS_NODES.loop,
	requests: (run) => run.requests.detailRequests,
};
const HTTP_DETAIL: N8nMeasure = {
	nodes: [HTTP_NODES.detail],
	output: HTTP_NODES.detail,
	requests: (run) => run.requests.detailRequests,
};

export async function caseItems(ctx: BenchContext): Promise<CaseResult> {
	const { sandbox, rtt, ids, rows, targets, notes } = await startCase(ctx);
	const rounds = Math.ceil(TRANSCRIPT_N / DEFAULT_CONCURRENCY);
	const floorMs = rounds * rtt.detailMs;

	rows.push(
		floorRow(
			'Latency floor',
			floorMs,
			`⌈${TRANSCRIPT_N}/${DEFAULT_CONCURRENCY}⌉ = ${rounds} rounds × ${rtt.detailMs.toFixed(1)} ms (measured RTT); at exactly ${LATENCY_MS} ms: ${rounds * LATENCY_MS} ms`,
		),
	);

	const ours: N8nRun[] = [];
	const loop: N8nRun[] = [];
	const loopWithParameter: N8nRun[] = [];
	await alternateN8n(ctx, 'case 2', notes, [
		{ id: ids.itemsGet, measure: ITEMS_GET, label: 'our items workflow', runs: ours },
		{ id: ids.itemsLoop, measure: BARE_LOOP, label: 'the bare loop workflow', runs: loop },
		{
			id: ids.itemsLoopParameter,
			measure: BARE_LOOP,
			label: 'the bare loop workflow with a per-item parameter',
			runs: loopWithParameter,
		},
	]);
	let oursMs: number | undefined;
	let oursPeak: number | undefined;
	let oursCpu: number | undefined;
	let loopCpu: number | undefined;
	let loopWithParameterCpu: number | undefined;
	let loopWithParameterMs: number | undefined;
	const addRow = (subject: string, runs: N8nRun[], measure: N8nMeasure) => {
		const row = n8nRow(ctx, subject, runs, measure, floorMs);
		rows.push(row);
		return row;
	};
	if (ours.length > 0) {
		const row = addRow(
			`RingReady node: ${TRANSCRIPT_N} items → Conversation → Get`,
			ours,
			ITEMS_GET,
		);
		oursMs = row.timeMs;
		oursCpu = row.cpuPerRequestMs;
		// The list node before it sends one page at a time, so the peak is the Get node's.
		oursPeak = Math.max(...ours.map((run) => run.requests.peakInFlight));
	}
	if (loop.length > 0) {
		loopCpu = addRow(
			`Bare this.helpers.httpRequest loop, ${DEFAULT_CONCURRENCY} at a time (bench-only node)`,
			loop,
			BARE_LOOP,
		).cpuPerRequestMs;
	}
	if (loopWithParameter.length > 0) {
		const row = addRow(
			`Bare loop, ${DEFAULT_CONCURRENCY} at a time, id from a per-item parameter \`{{ $json.id }}\` read for every item first (bench-only node)`,
			loopWithParameter,
			BARE_LOOP,
		);
		loopWithParameterCpu = row.cpuPerRequestMs;
		loopWithParameterMs = row.timeMs;
	}
	for (const [runs, label] of [
		[ctx.httpRuns.header, 'HTTP Request node per item, plain header (unbounded; case 1 runs)'],
		[
			ctx.httpRuns.credential,
			'HTTP Request node per item, Header Auth credential (unbounded; case 1 runs)',
		],
	] as const) {
		if (runs.length > 0)
			rows.push(
				n8nRow(
					ctx,
					label,
					runs,
					HTTP_DETAIL,
					floorMs,
					'per-item node only; peak in flight is its own',
				),
			);
	}

	const httpLayer = await runN8nHttpLayer(ctx, sandbox, 'items');
	const layerMs = httpLayer.length > 0 ? medianBy(httpLayer, (run) => run.ms).ms : undefined;
	if (httpLayer.length > 0)
		rows.push(
			wallRow(httpLayerSubject(ctx), httpLayer, (value) => value.items, floorMs, HTTP_LAYER_NOTE),
		);

	const conversationIds = await listIds(referenceOptions(sandbox));
	const { row: referenceClientRow, median: reference } = await referenceRow(
		ctx,
		sandbox,
		async () => await runReferenceItems(referenceOptions(sandbox), conversationIds),
		floorMs,
	);
	rows.push(referenceClientRow);

	log('case 2: our node through the harness …');
	const parameters = {
		resource: 'conversation',
		operation: 'get',
		conversationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		options: {},
	};
	const harnessOptions = {
		typeVersion: 1,
		parameters,
		credentials: { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url },
		items: conversationIds.map((id) => ({ json: { id } })),
	};
	const harness = await wallRuns(
		sandbox,
		async () => await executeNode(loadRingReady(), harnessOptions),
		1,
		0,
	);
	rows.push(
		wallRow(
			'RingReady node — harness (n8n-core in the bench process, Node 20)',
			harness,
			(value) => value.output[0]?.length ?? 0,
			floorMs,
		),
	);

	targets.push({
		text: `real n8n: ${TRANSCRIPT_N} items → Get ≤ 1.5× its floor (⌈N/${DEFAULT_CONCURRENCY}⌉ × RTT)`,
		measured:
			oursMs === undefined
				? (ctx.n8nProblem ?? 'not measured')
				: `${(oursMs / floorMs).toFixed(2)}× (${Math.round(oursMs)} ms vs floor ${Math.round(floorMs)} ms; n8n's HTTP layer alone ${layerMs === undefined ? 'n/a' : `${(layerMs / floorMs).toFixed(2)}×`}; reference client ${(reference.ms / floorMs).toFixed(2)}×)`,
		pass: oursMs === undefined ? undefined : oursMs <= 1.5 * floorMs,
	});
	targets.push({
		text: `real n8n: ≤ Max Concurrency (${DEFAULT_CONCURRENCY}) in flight`,
		measured: oursPeak === undefined ? 'not measured' : `peak ${oursPeak} in flight at the sandbox`,
		pass: oursPeak === undefined ? undefined : oursPeak <= DEFAULT_CONCURRENCY,
	});
	targets.push({
		text: 'real n8n: client CPU per request ≤ 1.2× a bare helpers.httpRequest loop',
		measured:
			oursCpu === undefined || loopCpu === undefined
				? 'not measured'
				: `${(oursCpu / loopCpu).toFixed(2)}× (ours ${fixed(oursCpu)} ms, bare loop ${fixed(loopCpu)} ms per request, n8n's main process)`,
		pass:
			oursCpu === undefined || loopCpu === undefined || Number.isNaN(oursCpu / loopCpu)
				? undefined
				: oursCpu <= 1.2 * loopCpu,
	});
	targets.push({
		text: 'real n8n: client CPU per request ≤ 1.2× the bare loop that reads the same per-item parameter (`{{ $json.id }}`) (informational: n8n evaluates it for any node)',
		measured:
			oursCpu === undefined || loopWithParameterCpu === undefined
				? 'not measured'
				: `${(oursCpu / loopWithParameterCpu).toFixed(2)}× (ours ${fixed(oursCpu)} ms, bare loop with the parameter ${fixed(loopWithParameterCpu)} ms per request)`,
		pass:
			oursCpu === undefined ||
			loopWithParameterCpu === undefined ||
			Number.isNaN(oursCpu / loopWithParameterCpu)
				? undefined
				: oursCpu <= 1.2 * loopWithParameterCpu,
	});
	if (oursMs !== undefined && loopWithParameterMs !== undefined)
		notes.push(
			`Wall time against the same bare loop with the per-item parameter: ours ${Math.round(oursMs)} ms, the loop ${Math.round(loopWithParameterMs)} ms (${(oursMs / loopWithParameterMs).toFixed(2)}×; the loop alone is ${(loopWithParameterMs / floorMs).toFixed(2)}× the floor).`,
		);
	if (ours.length > 0) {
		const run = medianBy(ours, (r) => n8nTime(r, ITEMS_GET));
		notes.push(
			`Our node's median run: mean ${run.requests.meanInFlight.toFixed(1)} requests in flight, ${fixed(n8nCpuPerRequest(run, ITEMS_GET))} ms of n8n main-process CPU per request.`,
		);
	}
	notes.push(
		"Client CPU per request in real n8n: utime+stime of the `n8n execute` process from /proc/<pid>/stat, sampled every 10 ms, cut to the node's own startTime … startTime + executionTime and divided by the GETs it sent. The bare loop is a bench-only node (bench/fixtures/n8n-nodes-ringready-bench) that calls this.helpers.httpRequest per item with a plain header, 10 at a time, nothing else; in its second row it first asks n8n for a `{{ $json.id }}` parameter of every item, as our node asks for its Conversation ID (n8n 2.x evaluates each expression in an isolated VM: the largest per-item cost a node pays before any request).",
		'Input: a RingReady Get Many (list only) node before the measured node; its time is not counted.',
	);
	if (ctx.n8nProblem) notes.push(ctx.n8nProblem);
	return {
		id: '2',
		title: `${TRANSCRIPT_N.toLocaleString('en-US')} input items → Conversation → Get, ${LATENCY_MS} ms latency`,
		setup: `Same sandbox as case 1. Workflow: Manual Trigger → RingReady Get Many (list only) → the measured node, one GET /conversations/{id} per item.`,
		rows,
		targets,
		notes,
	};
}
