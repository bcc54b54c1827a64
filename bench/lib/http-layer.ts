/**
 * A bench job's requests through n8n's outbound HTTP layer itself (bench/n8n-http-layer.js, run on
 * n8n's own Node): the per-request cost and latency that every node pays, without a workflow.
 */
import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';

import { listIds } from '../reference-client';
import { DEFAULT_CONCURRENCY, log, type BenchContext } from './context';
import type { RemoteSandbox } from './sandbox';
import type { WallRun } from './rows';
import { summarize } from './stats';

const execFileAsync = promisify(execFile);

export async function runN8nHttpLayer(
	ctx: BenchContext,
	sandbox: RemoteSandbox,
	plan: 'items' | 'transcripts',
): Promise<Array<WallRun<{ items: number }>>> {
	const install = ctx.install;
	if (!install) return [];
	const dir = mkdtempSync(join(tmpdir(), 'rr-bench-ids-'));
	const idsFile = join(dir, 'ids.json');
	const once = async () => {
		const { stdout } = await execFileAsync(install.nodeBin, [
			join(__dirname, '..', 'n8n-http-layer.js'),
			join(install.dir, 'node_modules'),
			sandbox.url,
			sandbox.keys.readWrite,
			String(DEFAULT_CONCURRENCY),
			plan,
			idsFile,
		]);
		return JSON.parse(stdout) as { ms: number; cpuMs: number; items: number };
	};
	try {
		log(`n8n's HTTP layer alone (${plan}) …`);
		if (plan === 'items')
			writeFileSync(
				idsFile,
				JSON.stringify(await listIds({ baseUrl: sandbox.url, apiKey: sandbox.keys.readWrite })),
			);
		await once(); // warm-up
		const runs: Array<WallRun<{ items: number }>> = [];
		for (let i = 0; i < ctx.options.runs; i++) {
			await sandbox.clear();
			const result = await once();
			runs.push({
				value: result,
				ms: result.ms,
				cpuMs: result.cpuMs,
				requests: summarize(await sandbox.stats()),
			});
		}
		return runs;
	} catch (error) {
		log(`n8n's HTTP layer run failed: ${(error as Error).message}`);
		return [];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export const httpLayerSubject = (ctx: BenchContext) =>
	`n8n's HTTP layer alone (OutboundHttp of n8n ${ctx.install?.version ?? ''}, no workflow), ${DEFAULT_CONCURRENCY} at a time`;

export const HTTP_LAYER_NOTE =
	"what this.helpers.httpRequest ends in, called directly on n8n's own Node: the best a node can reach through n8n (a new connection and axios per request)";
