/** Row builders the cases share: medians of several runs, real n8n rows with their CPU per request. */
import type { ReferenceOptions } from '../reference-client';
import {
	DEFAULT_CONCURRENCY,
	log,
	workflowIds,
	type BenchContext,
	type N8nRun,
	type Protocol,
} from './context';
import { measureRtt, timed, type Rtt } from './measure';
import type { Row, Target } from './report';
import type { RemoteSandbox } from './sandbox';
import { summarize, type RequestSummary } from './stats';

/** What every case starts from: its sandbox freshly reset, the RTT measured on it, empty results. */
export async function startCase(ctx: BenchContext, protocol: Protocol = 'http') {
	const sandbox = await ctx.sandbox(protocol);
	await sandbox.reset();
	const rtt: Rtt = await measureRtt(
		sandbox.url,
		sandbox.keys.readWrite,
		25,
		protocol === 'https' ? ctx.tls.caFile : undefined,
	);
	return {
		sandbox,
		rtt,
		ids: workflowIds(protocol),
		rows: [] as Row[],
		targets: [] as Target[],
		notes: [] as string[],
	};
}

/** The run with the median value (the lower middle one for an even count). */
export function medianBy<T>(runs: T[], value: (run: T) => number): T {
	const sorted = [...runs].sort((a, b) => value(a) - value(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

export const middleOf = (n: number) => (n <= 2 ? `best of ${n}` : `median of ${n}`);

/** Every one of the n conversations, once, each with its transcript. */
export function completeness(
	items: Array<{ json: Record<string, unknown> }>,
	n: number,
): { complete: boolean; withTranscript: number } {
	const ids = new Set(items.map((item) => item.json.id));
	const withTranscript = items.filter((item) => Array.isArray(item.json.transcript)).length;
	return { complete: items.length === n && ids.size === n && withTranscript === n, withTranscript };
}

/** How a real n8n run is read: which nodes are timed, which node's items count, which requests they sent. */
export interface N8nMeasure {
	nodes: readonly string[];
	/** The node whose output items are counted. */
	output: string;
	/** Requests the timed nodes sent (for CPU per request); default all the sandbox saw. */
	requests?: (run: N8nRun) => number;
}

export const n8nTime = (run: N8nRun, measure: N8nMeasure) =>
	measure.nodes.reduce(
		(sum, name) => sum + (run.outcome.nodes[name]?.executionTime ?? Number.NaN),
		0,
	);

export const n8nCpu = (run: N8nRun, measure: N8nMeasure) =>
	measure.nodes.reduce((sum, name) => sum + (run.outcome.nodes[name]?.cpuMs ?? Number.NaN), 0);

export const n8nCpuPerRequest = (run: N8nRun, measure: N8nMeasure) =>
	n8nCpu(run, measure) / (measure.requests ? measure.requests(run) : run.requests.total);

/** Runs a workflow `count` times in real n8n; runs without a timing are left out with a note. */
export async function runN8n(
	ctx: BenchContext,
	workflowId: string,
	measure: N8nMeasure,
	options: { count: number; target?: Protocol | RemoteSandbox; label: string; notes: string[] },
): Promise<N8nRun[]> {
	const runs: N8nRun[] = [];
	for (let i = 0; i < options.count; i++) {
		const run = await ctx.executeN8n(workflowId, options.target);
		if (!run) break;
		if (Number.isFinite(n8nTime(run, measure))) runs.push(run);
		else
			options.notes.push(
				`A real n8n run of ${options.label} gave no timing and is left out: ${run.outcome.error ?? run.outcome.status}.`,
			);
	}
	return runs;
}

/**
 * `ctx.options.n8nRuns` rounds in which each workflow runs once, in turn, so that the machine's load
 * drifts over all of them alike; each workflow's runs are added to its `runs`.
 */
export async function alternateN8n(
	ctx: BenchContext,
	caseName: string,
	notes: string[],
	workflows: Array<{ id: string; measure: N8nMeasure; label: string; runs: N8nRun[] }>,
): Promise<void> {
	if (!(await ctx.n8n())) return;
	for (let i = 0; i < ctx.options.n8nRuns; i++) {
		log(
			`${caseName}: real n8n run ${i + 1}/${ctx.options.n8nRuns} (${workflows.map((w) => w.label).join(', ')}) …`,
		);
		for (const { id, measure, label, runs } of workflows)
			runs.push(...(await runN8n(ctx, id, measure, { count: 1, label, notes })));
	}
}

/** The row of the median run of a real n8n workflow. */
export function n8nRow(
	ctx: BenchContext,
	subject: string,
	runs: N8nRun[],
	measure: N8nMeasure,
	floorMs?: number,
	note?: string,
): Row {
	const run = medianBy(runs, (r) => n8nTime(r, measure));
	const timeMs = n8nTime(run, measure);
	const output = run.outcome.nodes[measure.output];
	const failed = measure.nodes.map((name) => run.outcome.nodes[name]?.error).find(Boolean);
	return {
		subject: `${subject} — real n8n ${ctx.install?.version ?? ''}`.trim(),
		timeMs,
		timeKind: `n8n executionTime${measure.nodes.length > 1 ? ` (${measure.nodes.length} nodes)` : ''}, ${middleOf(runs.length)}`,
		runsMs: runs.map((r) => n8nTime(r, measure)),
		floorRatio: floorMs === undefined ? undefined : timeMs / floorMs,
		items: output?.items,
		requests: run.requests,
		clientCpuMs: n8nCpu(run, measure),
		cpuPerRequestMs: n8nCpuPerRequest(run, measure),
		note: [failed ? `error: ${failed}` : `execution ${run.outcome.status}`, note]
			.filter(Boolean)
			.join('; '),
	};
}

export function floorRow(subject: string, floorMs: number, note: string): Row {
	return { subject, timeMs: floorMs, timeKind: 'computed', floorRatio: 1, note };
}

/** One timed run of a client in the bench process (reference client, harness, recipe). */
export interface WallRun<T> {
	value: T;
	ms: number;
	cpuMs: number;
	requests: RequestSummary;
}

/** `count` timed runs of `fn` (after `warmUps` untimed ones), each against a cleared request log. */
export async function wallRuns<T>(
	sandbox: RemoteSandbox,
	fn: () => Promise<T>,
	count: number,
	warmUps = 1,
): Promise<Array<WallRun<T>>> {
	for (let i = 0; i < warmUps; i++) await fn();
	const runs: Array<WallRun<T>> = [];
	for (let i = 0; i < count; i++) {
		await sandbox.clear();
		const run = await timed(fn);
		runs.push({ ...run, requests: summarize(await sandbox.stats()) });
	}
	return runs;
}

/** The row of the median of timed runs in the bench process. */
export function wallRow<T>(
	subject: string,
	runs: Array<WallRun<T>>,
	items: (value: T) => number,
	floorMs: number | undefined,
	note?: string,
): Row {
	const run = medianBy(runs, (r) => r.ms);
	return {
		subject,
		timeMs: run.ms,
		timeKind: `wall, ${runs.length === 1 ? '1 run' : middleOf(runs.length)}`,
		runsMs: runs.map((r) => r.ms),
		floorRatio: floorMs === undefined ? undefined : run.ms / floorMs,
		items: items(run.value),
		requests: run.requests,
		clientCpuMs: run.cpuMs,
		cpuPerRequestMs: run.cpuMs / run.requests.total,
		note,
	};
}

/** The reference client on the case's sandbox at the default Max Concurrency. */
export const referenceOptions = (sandbox: RemoteSandbox, caFile?: string): ReferenceOptions => ({
	baseUrl: sandbox.url,
	apiKey: sandbox.keys.readWrite,
	concurrency: DEFAULT_CONCURRENCY,
	caFile,
});

/** The reference client's row: `job` timed ctx.options.runs times (after a warm-up); also its median run. */
export async function referenceRow<T extends unknown[]>(
	ctx: BenchContext,
	sandbox: RemoteSandbox,
	job: () => Promise<T>,
	floorMs: number,
	note?: string,
): Promise<{ row: Row; median: WallRun<T> }> {
	const runs = await wallRuns(sandbox, job, ctx.options.runs);
	const row = wallRow(
		`Reference client (no n8n): undici Pool, exactly ${DEFAULT_CONCURRENCY} kept-alive connections`,
		runs,
		(value) => value.length,
		floorMs,
		note,
	);
	return { row, median: medianBy(runs, (run) => run.ms) };
}
