/** Results model, the console table and bench/RESULTS.md. */
import type { RequestSummary } from './stats';

export interface Row {
	subject: string;
	/** The time compared (ms): median wall time, or n8n's own per-node executionTime. */
	timeMs?: number;
	/** How timeMs was measured. */
	timeKind?: string;
	/** The individual runs (ms), when there were several. */
	runsMs?: number[];
	floorRatio?: number;
	items?: number;
	requests?: RequestSummary;
	/**
	 * CPU time of the client during the run: the bench process (harness, reference client, recipe),
	 * or n8n's main process while the measured node ran (real n8n rows, sampled from /proc).
	 */
	clientCpuMs?: number;
	/** clientCpuMs per request the measured client sent. */
	cpuPerRequestMs?: number;
	note?: string;
}

export interface Target {
	text: string;
	measured: string;
	pass?: boolean;
}

export interface CaseResult {
	id: string;
	title: string;
	setup: string;
	rows: Row[];
	targets: Target[];
	notes: string[];
	/** Conclusions drawn from the case's figures, each its own section in RESULTS.md. */
	sections?: Array<{ title: string; text: string[] }>;
}

const fmtMs = (ms: number | undefined) =>
	ms === undefined || Number.isNaN(ms) ? '—' : `${Math.round(ms).toLocaleString('en-US')}`;
const fmtX = (x: number | undefined) =>
	x === undefined || Number.isNaN(x) ? '—' : `${x.toFixed(2)}×`;
/** A figure for a note or target: `digits` decimals, or "n/a" when it was not measured. */
export const fixed = (value: number | undefined, digits = 2) =>
	value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
export const verdict = (pass: boolean | undefined) =>
	pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS';

function requestCells(r: RequestSummary | undefined): string[] {
	if (!r) return ['—', '—', '—', '—', '—'];
	return [
		`${r.total} (${r.listRequests} list + ${r.detailRequests} detail${r.otherRequests ? ` + ${r.otherRequests} other` : ''})`,
		String(r.status429),
		String(r.peakInFlight),
		r.meanInFlight.toFixed(1),
		String(r.connections),
	];
}

const ROW_HEADER = [
	'Subject',
	'Time ms',
	'Timed by',
	'× floor',
	'Items',
	'Requests',
	'429s',
	'Peak in flight',
	'Mean in flight',
	'TCP conns',
	'Client CPU ms/req',
	'Note',
];

function rowCells(row: Row): string[] {
	return [
		row.subject,
		fmtMs(row.timeMs),
		row.timeKind ?? '',
		fmtX(row.floorRatio),
		row.items === undefined ? '—' : String(row.items),
		...requestCells(row.requests),
		row.cpuPerRequestMs === undefined || Number.isNaN(row.cpuPerRequestMs)
			? '—'
			: row.cpuPerRequestMs.toFixed(2),
		row.note ?? '',
	];
}

function textTable(header: string[], rows: string[][]): string {
	const widths = header.map((h, i) =>
		Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
	);
	const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' │ ');
	return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

function mdTable(header: string[], rows: string[][]): string {
	const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
	return [
		`| ${header.map(esc).join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
	].join('\n');
}

export function printCase(result: CaseResult): void {
	const out: string[] = ['', `=== Case ${result.id}: ${result.title}`, result.setup, ''];
	out.push(textTable(ROW_HEADER, result.rows.map(rowCells)));
	if (result.targets.length > 0) {
		out.push(
			'',
			textTable(
				['Target', 'Measured', 'Verdict'],
				result.targets.map((t) => [t.text, t.measured, verdict(t.pass)]),
			),
		);
	}
	for (const note of result.notes) out.push(`  • ${note}`);
	for (const section of result.sections ?? [])
		out.push('', `  ${section.title}`, ...section.text.map((line) => `  ${line}`));
	process.stdout.write(`${out.join('\n')}\n`);
}

export interface Machine {
	date: string;
	commit: string;
	os: string;
	cpus: string;
	memory: string;
	node: string;
	n8n: string;
	loadBefore: string;
	loadAfter: string;
	durationS: number;
	command: string;
	/** BENCH_QUICK: small N, one run each. */
	quick: boolean;
}

export function markdown(machine: Machine, results: CaseResult[]): string {
	const out: string[] = [
		'# Benchmark results',
		'',
		`Latest \`${machine.command}\`. Regenerate with \`npm run bench\` (about 10–15 minutes on a quiet 2-core machine; \`-- --case 2\` runs one case, \`-- --help\` lists the options; \`BENCH_QUICK=1 npm run bench\` checks everything end to end with N = 100 in about 4 minutes).`,
		...(machine.quick
			? [
					'',
					"**Quick mode (BENCH_QUICK=1: N = 100, list 2,000, one run each).** It checks that every case runs end to end; its ratios are not the targets' figures (fixed costs weigh more at small N). The targets are judged on a full `npm run bench` on a quiet machine.",
				]
			: []),
		'',
		'| | |',
		'|---|---|',
		`| Date | ${machine.date} |`,
		`| Commit | ${machine.commit} |`,
		`| Machine | ${machine.os}; ${machine.cpus}; ${machine.memory} |`,
		`| Node (bench, harness, sandbox) | ${machine.node} |`,
		`| n8n | ${machine.n8n} |`,
		`| Load average (1 min) before → after | ${machine.loadBefore} → ${machine.loadAfter} |`,
		`| Bench duration | ${machine.durationS.toFixed(0)} s |`,
		'',
		"The sandbox RingReady API runs in its own process (bench/sandbox-process.ts) with the injected latency on every answer; its request log gives the request counts, 429s, peak/mean requests in flight and TCP connections. **Real n8n rows are the primary figures**: `n8n execute` of the packed package in n8n 2.x, timed by n8n's own per-node `executionTime`, with the client CPU of n8n's main process while that node ran (utime+stime from /proc/<pid>/stat, sampled every 10 ms). Secondary rows: the n8n-free reference client (an undici Pool with exactly c kept-alive connections: the floor instrument) and the harness (our node through n8n-core's ExecuteContext/PollContext in the bench process, Node 20, in-memory credentials). Wall times depend on the machine's load; request counts and in-flight numbers do not.",
		'',
		"**n8n's own floor.** Every request a node makes in n8n goes through n8n's outbound HTTP layer (`this.helpers.httpRequest` and `httpRequestWithAuthentication` end in `@n8n/backend-network`'s OutboundHttp), which opens a new TCP connection (a new agent) and runs axios for every request. The row \"n8n's HTTP layer alone\" sends the same requests through that layer directly, on n8n's own Node, with no workflow, node, parameter or credential around them (bench/n8n-http-layer.js): no node can be faster in n8n than that row. The bare-loop rows of case 2 add a workflow node around it, first with nothing else, then with the per-item `{{ $json.id }}` parameter that our node's Conversation ID also has (n8n 2.x evaluates every expression in an isolated VM, about 0.3–0.6 ms per item). How to profile n8n itself while the bench runs: bench/PROFILING.md.",
	];
	const all: Target[] = results.flatMap((r) =>
		r.targets.map((t) => ({ ...t, text: `Case ${r.id}: ${t.text}` })),
	);
	if (all.length > 0) {
		out.push(
			'',
			'## Targets',
			'',
			mdTable(
				['Target', 'Measured', 'Verdict'],
				all.map((t) => [t.text, t.measured, verdict(t.pass)]),
			),
		);
	}
	for (const result of results) {
		out.push(
			'',
			`## Case ${result.id}: ${result.title}`,
			'',
			result.setup,
			'',
			mdTable(ROW_HEADER, result.rows.map(rowCells)),
		);
		const runs = result.rows.filter((r) => r.runsMs && r.runsMs.length > 1);
		if (runs.length > 0) {
			out.push(
				'',
				'Individual runs (ms): ' +
					runs
						.map((r) => `${r.subject}: ${r.runsMs!.map((ms) => Math.round(ms)).join(', ')}`)
						.join('; ') +
					'.',
			);
		}
		const cpu = result.rows.filter((r) => r.clientCpuMs !== undefined);
		if (cpu.length > 0) {
			out.push(
				'',
				'Client CPU during the run: ' +
					cpu.map((r) => `${r.subject}: ${fmtMs(r.clientCpuMs)} ms`).join('; ') +
					'.',
			);
		}
		if (result.notes.length > 0) out.push('', ...result.notes.map((n) => `- ${n}`));
		for (const section of result.sections ?? [])
			out.push('', `### ${section.title}`, '', ...section.text);
	}
	return `${out.join('\n')}\n`;
}
