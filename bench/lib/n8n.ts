/**
 * The benchmark's view of a real n8n run (the launcher is tools/n8n.ts): which n8n, and each node's
 * own executionTime and item counts from the run data of `n8n execute --id X --rawOutput`.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { ensureN8n, extractJson, n8nVersion, type N8n, type N8nInstall } from '../../tools/n8n';

const ROOT = resolve(__dirname, '..', '..');

export interface BenchN8nInstall extends N8nInstall {
	version: string;
	nodeVersion: string;
}

/** Installs (first time, ~4 min) or finds the cached n8n 2.x; undefined when that fails. */
export function findN8n(): BenchN8nInstall | undefined {
	try {
		const install = ensureN8n(2);
		const nodeVersion = execFileSync(install.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
		return { ...install, version: n8nVersion(install), nodeVersion };
	} catch (error) {
		process.stderr.write(`[bench] real n8n is not available: ${(error as Error).message}\n`);
		return undefined;
	}
}

/** Per-node numbers of one run, from n8n's own execution data. */
export interface NodeRun {
	executionTime: number;
	/** CPU time of n8n's main process while this node ran (ms), when sampled. */
	cpuMs?: number;
	/** How far n8n's main process's resident set grew above its size when this node started (bytes). */
	rssGrowthBytes?: number;
	items: number;
	error?: string;
	/** Items whose json has an `error` field (what "On Error: Continue" outputs for a failed item). */
	errorItems: number;
}

export interface ExecuteOutcome {
	exitCode: number | null;
	/** Wall time of the whole `n8n execute` process (boot included). */
	processMs: number;
	status?: string;
	/** stoppedAt − startedAt of the execution, when n8n printed them. */
	executionMs?: number;
	nodes: Record<string, NodeRun>;
	error?: string;
}

/** `n8n execute` of one workflow, read into per-node figures; n8n's output is saved when it has no run. */
export async function executeWorkflow(
	n8n: N8n,
	workflowId: string,
	usageBetween: (
		from: number,
		to: number,
	) => { cpuMs: number; rssGrowthBytes: number } | undefined = () => undefined,
): Promise<ExecuteOutcome> {
	const result = await n8n.cli(['execute', `--id=${workflowId}`, '--rawOutput'], 240_000);
	const run = extractJson(result.stdout);
	const outcome: ExecuteOutcome = { exitCode: result.code, processMs: result.ms, nodes: {} };
	if (!run) {
		const dump = join(ROOT, 'bench', 'out', `n8n-execute-${workflowId}-${Date.now()}.log`);
		mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
		writeFileSync(dump, `${result.stdout}\n----- stderr -----\n${result.stderr}`);
		outcome.error = `no run data in n8n's output (exit ${result.code}); output saved to ${dump}`;
		return outcome;
	}
	outcome.status = run.status;
	if (run.startedAt && run.stoppedAt)
		outcome.executionMs = Date.parse(run.stoppedAt) - Date.parse(run.startedAt);
	outcome.error = run.data?.resultData?.error?.message;
	for (const [name, runs] of Object.entries(run.data?.resultData?.runData ?? {})) {
		const first = runs[0];
		const items = first?.data?.main?.[0] ?? [];
		const startTime = first?.startTime;
		const executionTime = first?.executionTime ?? Number.NaN;
		const usage =
			startTime === undefined ? undefined : usageBetween(startTime, startTime + executionTime);
		outcome.nodes[name] = {
			executionTime,
			cpuMs: usage?.cpuMs,
			rssGrowthBytes: usage?.rssGrowthBytes,
			items: items.length,
			errorItems: items.filter((item) => item.json && 'error' in item.json).length,
			error: first?.error
				? [first.error.message, first.error.description].filter(Boolean).join(' — ')
				: undefined,
		};
	}
	return outcome;
}
