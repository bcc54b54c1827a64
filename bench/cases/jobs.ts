/**
 * Cases 1–4: our node in real n8n side by side with n8n's HTTP layer alone (the same requests, no
 * workflow: no node can be faster in n8n), alternated in one run so the machine's load weighs on
 * both alike; the targets are their ratios.
 *   1  Get Many, Return All, Include Transcripts (and n8n's HTTP Request node doing the same job)
 *   2  N input items → Conversation → Get
 *   3  both jobs, and the HTTP Request workflow, under a per-key in-flight cap (429 + Retry-After)
 *   4  HTTPS: a TLS handshake per request, and the Max Concurrency sweep behind the default
 */
import {
	CONCURRENCY,
	IDS,
	LATENCY_MS,
	N,
	PAGE,
	SWEEP,
	log,
	measureRtt,
	type Bench,
	type Measured,
	type Protocol,
} from '../lib/bench';
import { fixed, floorRow, ratio, row, type CaseResult, type Row } from '../lib/report';
import { NODES } from '../lib/workflows';

const IN_N8N = 'n8n executionTime';
const LAYER = (bench: Bench, c = CONCURRENCY) =>
	`n8n's HTTP layer alone (OutboundHttp of n8n ${bench.install?.version}, no workflow), ${c} at a time`;
const HTTP_NODES = [NODES.httpList, NODES.httpSplit, NODES.httpDetail];
const RATE_LIMIT = { maxInFlight: 5, retryAfter: 1 };
const pages = Math.ceil(N / PAGE);

async function start(bench: Bench, protocol: Protocol) {
	const target = await bench.target(protocol);
	target.sandbox.control.reset();
	const rtt = await measureRtt(target.url, target.sandbox.keys.readWrite, target.caFile);
	const notes: string[] = [];
	if (!(await bench.n8n())) notes.push(bench.n8nProblem ?? 'real n8n not available');
	return { target, rtt, notes, rows: [] as Row[] };
}

type Subject = [subject: string, timedBy: string, floorMs: number | undefined, job: Job];
type Job = () => Promise<Measured | undefined>;

/**
 * `count` rounds in which each subject's job runs once, in turn; a row for each subject that gave a
 * time; its runs and its median run.
 */
async function alternate(
	label: string,
	c: { notes: string[]; rows: Row[] },
	count: number,
	subjects: Subject[],
) {
	const runs: Measured[][] = subjects.map(() => []);
	for (let i = 0; i < count; i++) {
		log(`${label}: round ${i + 1}/${count} …`);
		for (const [j, [, , , job]] of subjects.entries()) {
			const run = await job();
			if (run && Number.isFinite(run.ms)) runs[j].push(run);
			else if (run) c.notes.push(`A run of ${label} gave no time and is left out: ${run.error}.`);
		}
	}
	const medians = runs.map((subjectRuns, i) => {
		if (subjectRuns.length === 0) return undefined;
		const [subject, timedBy, floorMs] = subjects[i];
		const r = row(subject, subjectRuns, timedBy, floorMs);
		c.rows.push(r);
		return r.m;
	});
	return { runs, medians };
}

const peakOf = (runs: Measured[]) => Math.max(...runs.map((run) => run.requests.peak));

function againstLayer(
	text: string,
	limit: number,
	ours?: Measured,
	layer?: Measured,
	floorMs?: number,
) {
	return {
		text: `${text} ≤ ${fixed(limit)}× n8n's HTTP layer alone (same requests, same run)`,
		measured:
			ours && layer
				? `${ratio(ours.ms, layer.ms)} (ours ${Math.round(ours.ms)} ms = ${ratio(ours.ms, floorMs)} the floor; the layer ${Math.round(layer.ms)} ms = ${ratio(layer.ms, floorMs)})`
				: 'not measured',
		pass: ours && layer ? ours.ms <= limit * layer.ms : undefined,
	};
}

const peakTarget = (runs: Measured[], c = CONCURRENCY) => ({
	text: `real n8n: never more than Max Concurrency (${c}) requests open`,
	measured: runs.length > 0 ? `peak ${peakOf(runs)} in flight (all runs)` : 'not measured',
	pass: runs.length > 0 ? peakOf(runs) <= c : undefined,
});

export async function caseTranscripts(bench: Bench): Promise<CaseResult> {
	const { target, rtt, notes, rows } = await start(bench, 'http');
	const rounds = Math.ceil(N / CONCURRENCY);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;
	rows.push(
		floorRow(
			'Latency floor',
			floorMs,
			`${pages} list pages × ${fixed(rtt.listMs, 1)} ms + ${rounds} rounds of ${CONCURRENCY} × ${fixed(rtt.detailMs, 1)} ms (RTTs over one kept-alive connection); at exactly ${LATENCY_MS} ms: ${(pages + rounds) * LATENCY_MS} ms`,
		),
	);
	const { runs, medians } = await alternate('case 1', { notes, rows }, bench.options.runs, [
		[
			`RingReady node, Max Concurrency ${CONCURRENCY} (default) — real n8n`,
			IN_N8N,
			floorMs,
			() => bench.execute(IDS.transcripts('http', CONCURRENCY), [NODES.ours], target),
		],
		[LAYER(bench), 'wall', floorMs, () => bench.httpLayer(target, 'transcripts')],
		[
			'HTTP Request node, Header Auth credential (unbounded) — real n8n',
			`${IN_N8N} (3 nodes)`,
			floorMs,
			() => bench.execute(IDS.httpRequest, HTTP_NODES, target),
		],
	]);
	const [ours, layer, httpNode] = medians;
	const complete = runs[0].every((run) => {
		const ids = new Set(run.output?.map((json) => json.id));
		const withTranscript = run.output?.filter((json) => Array.isArray(json.transcript)).length;
		return run.status === 'success' && ids.size === N && run.items === N && withTranscript === N;
	});
	return {
		id: '1',
		title: `Get Many, Return All, Include Transcripts, N = ${N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency`,
		setup: `Sandbox with ${N} conversations, ${LATENCY_MS} ms added to every answer. Ours: Conversation → Get Many, Return All, Include Transcripts, default Max Concurrency ${CONCURRENCY}. n8n's HTTP layer alone: the same plan (list pages one after another, each page's details ${CONCURRENCY} at a time while the next page is listed) sent through OutboundHttp on n8n's Node (bench/n8n-http-layer.js). HTTP Request workflow: HTTP Request (limit=200, n8n's pagination on next_before_id) → Split Out → HTTP Request GET /conversations/{{ $json.id }} per item.`,
		rows,
		targets: [
			againstLayer('real n8n: our node', 1.1, ours, layer, floorMs),
			peakTarget(runs[0]),
			{
				text: 'real n8n: every conversation once, each with its transcript',
				measured:
					runs[0].length > 0 ? (complete ? 'complete in every run' : 'INCOMPLETE') : 'not run',
				pass: runs[0].length > 0 ? complete : undefined,
			},
		],
		notes: [
			...notes,
			`Client CPU per request: our node ${fixed(ours?.cpuPerRequestMs)} ms and the HTTP Request workflow ${fixed(httpNode?.cpuPerRequestMs)} ms (n8n's main process, sampled from /proc while the node ran); n8n's HTTP layer alone ${fixed(layer?.cpuPerRequestMs)} ms (its whole process).`,
			'n8n opens a new TCP connection for every request (a new agent per request in @n8n/backend-network), so "TCP conns" equals the request count in n8n; node code cannot change that.',
		],
	};
}

export async function caseItems(bench: Bench): Promise<CaseResult> {
	const { target, rtt, notes, rows } = await start(bench, 'http');
	const rounds = Math.ceil(N / CONCURRENCY);
	const floorMs = rounds * rtt.detailMs;
	rows.push(
		floorRow(
			'Latency floor',
			floorMs,
			`⌈${N}/${CONCURRENCY}⌉ = ${rounds} rounds × ${fixed(rtt.detailMs, 1)} ms (measured RTT); at exactly ${LATENCY_MS} ms: ${rounds * LATENCY_MS} ms`,
		),
	);
	const { runs, medians } = await alternate('case 2', { notes, rows }, bench.options.runs, [
		[
			`RingReady node: ${N} items → Conversation → Get — real n8n`,
			IN_N8N,
			floorMs,
			() => bench.execute(IDS.itemsGet, [NODES.get], target, 'detail'),
		],
		[LAYER(bench), 'wall', floorMs, () => bench.httpLayer(target, 'items')],
	]);
	const [ours, layer] = medians;
	return {
		id: '2',
		title: `${N.toLocaleString('en-US')} input items → Conversation → Get, ${LATENCY_MS} ms latency`,
		setup: `Same sandbox as case 1. Workflow: Manual Trigger → RingReady Get Many (list only, not timed) → the measured node, one GET /conversations/{id} per item by \`{{ $json.id }}\`. n8n's HTTP layer alone: the same GETs, ${CONCURRENCY} at a time.`,
		rows,
		targets: [
			againstLayer(`real n8n: ${N} items → Get`, 1.15, ours, layer, floorMs),
			peakTarget(runs[0]),
		],
		notes: [
			...notes,
			`Client CPU per request: our node ${fixed(ours?.cpuPerRequestMs)} ms (n8n's main process while the node ran, over its GETs), n8n's HTTP layer alone ${fixed(layer?.cpuPerRequestMs)} ms. Our node also asks n8n for every item's Conversation ID \`{{ $json.id }}\` before the first request (n8n 2.x evaluates each expression in an isolated VM, about 0.3–0.6 ms per item; bench/PROFILING.md).`,
		],
	};
}

export async function caseRateLimited(bench: Bench): Promise<CaseResult> {
	const { target, rtt, notes, rows } = await start(bench, 'http');
	const rounds = Math.ceil(N / RATE_LIMIT.maxInFlight);
	const floorMs = pages * rtt.listMs + rounds * rtt.detailMs;
	const targets = [];
	rows.push(
		floorRow(
			`Floor at the cap (${RATE_LIMIT.maxInFlight} in flight), Get Many + transcripts`,
			floorMs,
			`${pages} list pages + ${rounds} rounds of ${RATE_LIMIT.maxInFlight}`,
		),
	);
	target.sandbox.control.setRateLimit(RATE_LIMIT);
	try {
		let httpCompleted: boolean | undefined;
		for (const [id, nodes, label, ours] of [
			[
				IDS.transcripts('http', CONCURRENCY),
				[NODES.ours],
				'RingReady node, Get Many + transcripts',
				true,
			],
			[IDS.itemsGet, [NODES.get], `RingReady node, ${N} items → Get`, true],
			[IDS.httpRequest, HTTP_NODES, 'HTTP Request node — default settings', false],
			[IDS.httpContinue, HTTP_NODES, 'HTTP Request node — On Error: Continue', false],
		] as const) {
			log(`case 3: ${label} …`);
			const run = await bench.execute(id, [...nodes], target);
			if (!run) continue;
			const ok = run.items - (run.errorItems ?? 0);
			const [timedBy, note] = ours
				? [IN_N8N, `${run.requests.status429} × 429 retried`]
				: [`${IN_N8N} (3 nodes)`, `${ok} of ${N} with data`];
			rows.push(row(`${label} — real n8n`, [run], timedBy, ours ? floorMs : undefined, note));
			if (!ours) httpCompleted ||= run.status === 'success' && ok === N;
			else
				targets.push({
					text: `${label}: completes with every item under the cap (real n8n)`,
					measured: `${run.items} of ${N} items, ${run.errorItems} error items, execution ${run.status}, ${run.requests.status429} × 429 retried`,
					pass: run.status === 'success' && run.items === N && run.errorItems === 0,
				});
		}
		if (httpCompleted !== undefined)
			targets.push({
				text: 'the HTTP Request workflow does not complete with every item under the cap',
				measured: httpCompleted ? 'it completed' : 'it failed or output error items',
				pass: !httpCompleted,
			});
	} finally {
		target.sandbox.control.setRateLimit({ maxInFlight: null });
	}
	return {
		id: '3',
		title: `Both jobs under a per-key cap (≤ ${RATE_LIMIT.maxInFlight} in flight, Retry-After ${RATE_LIMIT.retryAfter} s)`,
		setup: `As cases 1 and 2 (N = ${N}, ${LATENCY_MS} ms), with the sandbox's per-key cap on: it answers 429 with Retry-After: ${RATE_LIMIT.retryAfter} to any request arriving while ${RATE_LIMIT.maxInFlight} of the same key are in flight (list pages count too).`,
		rows,
		targets,
		notes,
	};
}

export async function caseHttps(bench: Bench): Promise<CaseResult> {
	const { target, rtt, notes, rows } = await start(bench, 'https');
	const plain = await bench.target('http');
	const floorAt = (c: number) => pages * rtt.listMs + Math.ceil(N / c) * rtt.detailMs;
	rows.push(
		floorRow(
			`Latency floor over HTTPS at ${CONCURRENCY}`,
			floorAt(CONCURRENCY),
			`RTT over one kept-alive TLS connection: list ${fixed(rtt.listMs, 1)} ms, detail ${fixed(rtt.detailMs, 1)} ms`,
		),
	);
	const { medians } = await alternate('case 4', { notes, rows }, Math.min(bench.options.runs, 2), [
		...SWEEP.map(
			(c): Subject => [
				`HTTPS: RingReady Get Many + transcripts, Max Concurrency ${c}${c === CONCURRENCY ? ' (default)' : ''} — real n8n`,
				IN_N8N,
				floorAt(c),
				() => bench.execute(IDS.transcripts('https', c), [NODES.ours], target),
			],
		),
		[
			`HTTPS: ${LAYER(bench)}`,
			'wall',
			floorAt(CONCURRENCY),
			() => bench.httpLayer(target, 'transcripts'),
		],
		[`HTTP: ${LAYER(bench)}`, 'wall', undefined, () => bench.httpLayer(plain, 'transcripts')],
	]);
	const at = (c: number) => medians[SWEEP.indexOf(c)];
	const [layerTls, layerPlain] = medians.slice(SWEEP.length);
	const [low, high] = [SWEEP[0], SWEEP[SWEEP.length - 1]];
	const gain = (from: number, to: number) => (at(from)?.ms ?? NaN) / (at(to)?.ms ?? NaN);
	const ideal = (from: number, to: number) => floorAt(from) / floorAt(to);
	const handshake = (layerTls?.cpuPerRequestMs ?? NaN) - (layerPlain?.cpuPerRequestMs ?? NaN);
	const cpuBound = gain(CONCURRENCY, high) < 0.8 * ideal(CONCURRENCY, high);
	return {
		id: '4',
		title: `HTTPS: a TLS handshake per request (N = ${N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency)`,
		setup: `The sandbox behind a TLS front with a certificate made by openssl at run time (its CA given to n8n as NODE_EXTRA_CA_CERTS). Our node's Get Many + transcripts at Max Concurrency ${SWEEP.join(', ')}; n8n's HTTP layer alone with the same plan over HTTPS and over HTTP.`,
		rows,
		targets: [
			againstLayer(
				`real n8n over HTTPS: our node at ${CONCURRENCY}`,
				1.1,
				at(CONCURRENCY),
				layerTls,
				floorAt(CONCURRENCY),
			),
		],
		notes: [
			...notes,
			`TLS handshake per request in n8n's HTTP layer: HTTPS − HTTP client CPU per request = ${fixed(handshake)} ms (n8n opens a new connection, so a new handshake, for every request; node code cannot keep connections alive).`,
			`Why the default Max Concurrency is ${CONCURRENCY}: ${SWEEP.map((c) => `${c} in flight → ${Math.round(at(c)?.ms ?? NaN)} ms (${ratio(at(c)?.ms, floorAt(c))} its floor, ${fixed(at(c)?.cpuPerRequestMs)} ms CPU/request)`).join('; ')}. ${low} → ${CONCURRENCY} is ${fixed(gain(low, CONCURRENCY))}× faster (the floor alone: ${fixed(ideal(low, CONCURRENCY))}×); ${CONCURRENCY} → ${high} ${fixed(gain(CONCURRENCY, high))}× (the floor alone: ${fixed(ideal(CONCURRENCY, high))}×). ${cpuBound ? `Past ${CONCURRENCY} n8n's CPU per request (a connection and a handshake each), not the network, sets the pace on this machine, and a production n8n spends that CPU on its other workflows too; ${high} would double the burst one key puts on the API, which will enforce per-key limits.` : `On this run ${high} still gained; ${CONCURRENCY} keeps the burst one key puts on the API polite (it will enforce per-key limits, and the throttle halves on a 429).`} A user with a higher limit and a bigger machine can raise Max Concurrency (up to 50).`,
		],
	};
}
