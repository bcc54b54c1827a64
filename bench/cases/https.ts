/**
 * Case 4: the sandbox over HTTPS (a certificate made at run time; n8n trusts its CA through
 * NODE_EXTRA_CA_CERTS). n8n opens a new connection per request, so every request pays a TLS
 * handshake; the reference client keeps its connections alive. The same jobs over HTTP in the same
 * case give the handshake's cost per request, and a Max Concurrency sweep of the Get Many +
 * transcripts job over HTTPS gives the figures behind the default.
 */
import { listIds, runReferenceItems } from '../reference-client';
import {
	BenchContext,
	CONCURRENCY_SWEEP,
	DEFAULT_CONCURRENCY,
	LATENCY_MS,
	TRANSCRIPT_N,
	log,
	workflowIds,
	type N8nRun,
	type Protocol,
} from '../lib/context';
import { fixed, type CaseResult, type Row } from '../lib/report';
import {
	floorRow,
	n8nRow,
	referenceOptions,
	runN8n,
	startCase,
	wallRow,
	wallRuns,
	type N8nMeasure,
} from '../lib/rows';
import { BARE_LOOP } from './items';
import { ITEMS_GET, OURS } from './transcripts';

const PAGE = 200;

export async function caseHttps(ctx: BenchContext): Promise<CaseResult> {
	const { sandbox: https, rtt, rows, targets, notes } = await startCase(ctx, 'https');
	const pages = Math.ceil(TRANSCRIPT_N / PAGE);
	const floorAt = (c: number) => pages * rtt.listMs + Math.ceil(TRANSCRIPT_N / c) * rtt.detailMs;
	const itemsFloorMs = Math.ceil(TRANSCRIPT_N / DEFAULT_CONCURRENCY) * rtt.detailMs;
	rows.push(
		floorRow(
			`Latency floor over HTTPS, Get Many + transcripts at ${DEFAULT_CONCURRENCY}`,
			floorAt(DEFAULT_CONCURRENCY),
			`RTT over one kept-alive TLS connection: list ${rtt.listMs.toFixed(1)} ms, detail ${rtt.detailMs.toFixed(1)} ms; items job floor ${Math.round(itemsFloorMs)} ms`,
		),
	);

	const sweep = new Map<number, Row>();
	const cpuPerRequest: Partial<Record<`${'ours' | 'loop'}-${Protocol}`, number>> = {};
	const count = Math.min(ctx.options.n8nRuns, 2);
	if (await ctx.n8n()) {
		for (const c of CONCURRENCY_SWEEP) {
			log(
				`case 4: HTTPS, Get Many + transcripts at Max Concurrency ${c} (${count} run${count > 1 ? 's' : ''}) …`,
			);
			const runs = await runN8n(ctx, workflowIds('https').transcripts(c), OURS, {
				count,
				target: 'https',
				label: `ours at ${c} over HTTPS`,
				notes,
			});
			if (runs.length === 0) continue;
			const row = n8nRow(
				ctx,
				`HTTPS: RingReady Get Many + transcripts, Max Concurrency ${c}${c === DEFAULT_CONCURRENCY ? ' (default)' : ''}`,
				runs,
				OURS,
				floorAt(c),
				`floor at ${c}: ${Math.round(floorAt(c))} ms`,
			);
			rows.push(row);
			sweep.set(c, row);
		}
		for (const protocol of ['https', 'http'] as const) {
			log(`case 4: ${protocol.toUpperCase()}, ${TRANSCRIPT_N} items → Get and the bare loop …`);
			const jobs: Array<[string, N8nMeasure, 'ours' | 'loop', string]> = [
				[
					workflowIds(protocol).itemsGet,
					ITEMS_GET,
					'ours',
					`RingReady: ${TRANSCRIPT_N} items → Get`,
				],
				[
					workflowIds(protocol).itemsLoop,
					BARE_LOOP,
					'loop',
					`Bare helpers.httpRequest loop, ${DEFAULT_CONCURRENCY} at a time`,
				],
			];
			for (const [workflowId, measure, key, label] of jobs) {
				const runs: N8nRun[] = await runN8n(ctx, workflowId, measure, {
					count,
					target: protocol,
					label,
					notes,
				});
				if (runs.length === 0) continue;
				const row = n8nRow(
					ctx,
					`${protocol.toUpperCase()}: ${label}`,
					runs,
					measure,
					protocol === 'https' ? itemsFloorMs : undefined,
				);
				rows.push(row);
				cpuPerRequest[`${key}-${protocol}`] = row.cpuPerRequestMs;
			}
		}
	} else if (ctx.n8nProblem) {
		notes.push(ctx.n8nProblem);
	}

	const options = referenceOptions(https, ctx.tls.caFile);
	const conversationIds = await listIds(options);
	const reference = await wallRuns(
		https,
		async () => await runReferenceItems(options, conversationIds),
		1,
		0,
	);
	const connections = reference[0].requests.connections;
	rows.push(
		wallRow(
			`HTTPS: reference client (no n8n), undici Pool, ${DEFAULT_CONCURRENCY} kept-alive connections, items job`,
			reference,
			(value) => value.length,
			itemsFloorMs,
			`${connections} TLS connections for ${reference[0].requests.total} requests (a handshake per connection); the sandbox counts a request open until its response's 'close', which over TLS can come after the client already sent its next request on that connection, so its peak can exceed ${DEFAULT_CONCURRENCY}`,
		),
	);

	const handshake = (key: 'ours' | 'loop') => {
		const secure = cpuPerRequest[`${key}-https`];
		const plain = cpuPerRequest[`${key}-http`];
		return secure === undefined || plain === undefined ? undefined : secure - plain;
	};
	notes.push(
		`TLS handshake per request in n8n's main process: HTTPS − HTTP client CPU per request = ${fixed(handshake('loop'))} ms for the bare loop, ${fixed(handshake('ours'))} ms for our node (n8n-core opens a new connection, so a new handshake, for every request; node code cannot keep connections alive).`,
	);
	const at = (c: number) => sweep.get(c);
	const base = at(DEFAULT_CONCURRENCY);
	const sections: CaseResult['sections'] = [];
	if (base?.timeMs !== undefined) {
		sections.push({
			title: `Why the default Max Concurrency is ${DEFAULT_CONCURRENCY}`,
			text: whyTheDefault(sweep, floorAt, handshake('loop')),
		});
		const lower = at(CONCURRENCY_SWEEP[0]);
		const higher = at(CONCURRENCY_SWEEP[CONCURRENCY_SWEEP.length - 1]);
		const speedup = (from?: Row, to?: Row) =>
			from?.timeMs && to?.timeMs ? (from.timeMs / to.timeMs).toFixed(2) : 'n/a';
		notes.push(
			`Max Concurrency over HTTPS: ${CONCURRENCY_SWEEP.map((c) => `${c} → ${Math.round(at(c)?.timeMs ?? Number.NaN)} ms (${fixed(at(c)?.floorRatio)}× its floor, peak ${at(c)?.requests?.peakInFlight ?? 'n/a'}, ${fixed(at(c)?.cpuPerRequestMs)} ms CPU/request)`).join('; ')}. Going from ${CONCURRENCY_SWEEP[0]} to ${DEFAULT_CONCURRENCY} is ${speedup(lower, base)}× faster; from ${DEFAULT_CONCURRENCY} to ${CONCURRENCY_SWEEP[CONCURRENCY_SWEEP.length - 1]} ${speedup(base, higher)}×.`,
		);
		targets.push({
			text: `HTTPS: our node at the default Max Concurrency (${DEFAULT_CONCURRENCY}) within 1.3× its floor (informational: the handshake is n8n's)`,
			measured: `${fixed(base.floorRatio)}×`,
			pass: base.floorRatio === undefined ? undefined : base.floorRatio <= 1.3,
		});
	}
	return {
		id: '4',
		title: `HTTPS: a TLS handshake per request (N = ${TRANSCRIPT_N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency)`,
		setup: `A second sandbox serving HTTPS with a certificate made by openssl at run time (its CA passed to n8n as NODE_EXTRA_CA_CERTS, to the reference client as \`ca\`). Our node's Get Many + transcripts at Max Concurrency ${CONCURRENCY_SWEEP.join(', ')}; the items job and the bare loop over HTTPS and over HTTP in the same case.`,
		rows,
		targets,
		notes,
		sections,
	};
}

/** The default's reasoning, from the sweep's figures (so the text follows the measurement). */
function whyTheDefault(
	sweep: Map<number, Row>,
	floorAt: (c: number) => number,
	handshakeMs: number | undefined,
): string[] {
	const [low, mid, high] = [
		CONCURRENCY_SWEEP[0],
		DEFAULT_CONCURRENCY,
		CONCURRENCY_SWEEP[CONCURRENCY_SWEEP.length - 1],
	];
	const time = (c: number) => sweep.get(c)?.timeMs ?? Number.NaN;
	const gainLow = time(low) / time(mid);
	const gainHigh = time(mid) / time(high);
	const idealHigh = floorAt(mid) / floorAt(high);
	const cpu = sweep.get(mid)?.cpuPerRequestMs;
	const lines = [
		`Measured over HTTPS in real n8n (Get Many + transcripts, N = ${TRANSCRIPT_N}): ${CONCURRENCY_SWEEP.map((c) => `${c} in flight → ${Math.round(time(c))} ms`).join(', ')}.`,
		'',
		`- ${low} → ${mid}: ${fixed(gainLow)}× faster (the floor alone would give ${fixed(floorAt(low) / floorAt(mid))}×). Below ${mid}, latency dominates and the job waits on round trips.`,
		`- ${mid} → ${high}: ${fixed(gainHigh)}× faster where the floor would give ${fixed(idealHigh)}×. n8n's main process spends ${fixed(cpu)} ms of CPU per request here (a new TCP connection and TLS handshake for every request${handshakeMs === undefined ? '' : `, the handshake alone ≈ ${fixed(handshakeMs)} ms`}); ${
			gainHigh < 0.8 * idealHigh
				? `past ${mid} that CPU, not the network, sets the pace on this 2-core machine, and a production n8n spends the same CPU on its other workflows.`
				: `on this run that CPU was not yet the limit at ${high}.`
		}`,
	];
	if (gainHigh >= 1.5) {
		lines.push(
			`- Here ${high} is clearly faster, so ${mid} is not chosen for speed alone: RingReady will enforce per-key limits before general availability (the API reference), every slot is one more request the API sees at once from one key, and the throttle halves on a 429. ${mid} keeps a burst polite; a user with a higher limit raises Max Concurrency (up to 50).`,
		);
	} else {
		lines.push(
			`- So ${mid} takes most of the gain that concurrency can give (${fixed(gainLow)}× over ${low}) while ${high} adds little (${fixed(gainHigh)}×) and doubles the burst one key puts on the API, which will enforce per-key limits before general availability; the throttle halves on a 429 either way. A user with a higher limit and a bigger machine can raise Max Concurrency (up to 50).`,
		);
	}
	return lines;
}
