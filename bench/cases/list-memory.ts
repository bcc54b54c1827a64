/**
 * Case 3: Return All, list only, N = 20,000 at 20 ms: time, whether pages go back to back, and
 * peak memory (RSS growth against the JSON size), measured in a fresh child process.
 */
import { execFileSync, fork } from 'child_process';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { BenchContext, LATENCY_MS, QUICK, log } from '../lib/context';
import { measureRtt } from '../lib/measure';
import type { CaseResult, Row, Target } from '../lib/report';
import { n8nRow, runN8n, type N8nMeasure } from '../lib/rows';
import { startRemoteSandbox } from '../lib/sandbox';
import { summarize } from '../lib/stats';
import { ITEMS_NODES, listWorkflow } from '../lib/workflows';
import type { MemoryResult } from '../memory-child';

const N = QUICK ? 2_000 : 20_000;
const PAGE = 200;
const MB = 1024 * 1024;

const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'memory-child');

/**
 * Compiles the child (and what it imports) to plain JavaScript under bench/out/ (git-ignored), so
 * the measured process never loads the TypeScript compiler: ts-node's compiler heap would leave
 * RSS that the run then reuses, hiding its growth.
 */
function compileChild(): string {
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });
	const tsconfig = join(OUT, 'tsconfig.json');
	writeFileSync(
		tsconfig,
		JSON.stringify({
			extends: join(ROOT, 'tsconfig.json'),
			compilerOptions: { outDir: join(OUT, 'js'), rootDir: ROOT, noCheck: true, sourceMap: false },
			include: [],
			files: [join(ROOT, 'bench', 'memory-child.ts')],
		}),
	);
	execFileSync(
		process.execPath,
		[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig],
		{ stdio: 'inherit' },
	);
	return join(OUT, 'js', 'bench', 'memory-child.js');
}

async function runChild(baseUrl: string, apiKey: string): Promise<MemoryResult> {
	const child = fork(compileChild(), [], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return await new Promise((resolve, reject) => {
		child.once('message', (message: { result?: MemoryResult; error?: string }) => {
			if (message.result) resolve(message.result);
			else reject(new Error(`memory child failed: ${message.error}`));
		});
		child.once('exit', (code) => reject(new Error(`memory child exited with ${code}`)));
		child.send({ baseUrl, apiKey });
	});
}

const LIST_ONLY: N8nMeasure = { nodes: [ITEMS_NODES.list], output: ITEMS_NODES.list };
const LIST_WORKFLOW_ID = 'benchListOnlyBig01';

export async function caseListMemory(ctx: BenchContext): Promise<CaseResult> {
	log(`case 5: seeding ${N.toLocaleString('en-US')} conversations …`);
	const seedingStarted = performance.now();
	const sandbox = await startRemoteSandbox({
		latencyMs: LATENCY_MS,
		conversationsPerAccount: { A: N, B: 10 },
	});
	const seedingMs = performance.now() - seedingStarted;
	try {
		const rtt = await measureRtt(sandbox.url, sandbox.keys.readWrite, 12);
		const pages = Math.ceil(N / PAGE);
		const floorMs = pages * rtt.listMs;
		await sandbox.clear();
		log('case 5: Return All (list only) in a fresh child process …');
		const result = await runChild(sandbox.url, sandbox.keys.readWrite);
		const stats = await sandbox.stats();
		// The child's warm-up asked for two pages of 200 before the measured run.
		const measured = { ...stats, log: stats.log.slice(2) };
		const requests = summarize(measured);
		const growth = result.peakRss - result.baselineRss;
		const ratio = growth / result.jsonBytes;
		const heapRatio = (result.heapAfter - result.baselineHeap) / result.jsonBytes;
		const rows: Row[] = [
			{
				subject: 'Latency floor',
				timeMs: floorMs,
				timeKind: 'computed',
				floorRatio: 1,
				note: `${pages} sequential pages × ${rtt.listMs.toFixed(1)} ms (measured RTT of a 200-item page)`,
			},
			{
				subject: 'RingReady node — harness (n8n-core 2.41, Node 20), own process',
				timeMs: result.ms,
				timeKind: 'wall, 1 run',
				floorRatio: result.ms / floorMs,
				items: result.items,
				requests,
				clientCpuMs: result.cpuMs,
				note: `gap between pages: median ${requests.medianListGapMs.toFixed(1)} ms, max ${requests.maxListGapMs.toFixed(1)} ms`,
			},
		];
		const targets: Target[] = [
			{
				text: 'pages requested back to back (one at a time, next page right after the previous answer)',
				measured: `${requests.listRequests} pages for ${result.items} conversations, peak ${requests.peakInFlight} in flight, gap median ${requests.medianListGapMs.toFixed(1)} ms / max ${requests.maxListGapMs.toFixed(1)} ms; ${(result.ms / floorMs).toFixed(2)}× the floor`,
				pass:
					requests.listRequests <= pages + 1 &&
					requests.peakInFlight <= 1 &&
					requests.medianListGapMs < 0.25 * rtt.listMs,
			},
			{
				text: 'peak memory (RSS growth) ≤ 3× the data (JSON size)',
				measured: `${(growth / MB).toFixed(1)} MB RSS growth for ${(result.jsonBytes / MB).toFixed(1)} MB of JSON = ${ratio.toFixed(2)}×`,
				pass: ratio <= 3,
			},
			{
				text: `all ${N.toLocaleString('en-US')} conversations returned`,
				measured: String(result.items),
				pass: result.items === N,
			},
		];
		const notes: string[] = [];
		const n8n = await ctx.n8n();
		if (n8n) {
			log('case 5: Return All (list only) in real n8n …');
			const credential = { id: 'benchRingReadyBig', name: 'RingReady API (bench list)' };
			await n8n.importCredentials([
				{
					...credential,
					type: 'ringReadyApi',
					data: { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url },
				},
			]);
			await n8n.importWorkflows([listWorkflow(LIST_WORKFLOW_ID, credential)]);
			const runs = await runN8n(ctx, LIST_WORKFLOW_ID, LIST_ONLY, {
				count: 1,
				target: sandbox,
				label: 'the list-only workflow',
				notes,
			});
			if (runs.length > 0) {
				const growth = runs[0].outcome.nodes[ITEMS_NODES.list]?.rssGrowthBytes;
				const memory =
					growth === undefined
						? 'RSS not sampled'
						: `n8n main process RSS +${(growth / MB).toFixed(1)} MB while the node ran (${(growth / result.jsonBytes).toFixed(2)}× the JSON)`;
				rows.splice(
					1,
					0,
					n8nRow(
						ctx,
						'RingReady node, list only',
						runs,
						LIST_ONLY,
						floorMs,
						`gap between pages: median ${runs[0].requests.medianListGapMs.toFixed(1)} ms; ${memory}`,
					),
				);
			}
		}
		notes.push(
			`Memory: measured in a plain Node process running the compiled harness and node (no TypeScript compiler loaded); baseline RSS ${(result.baselineRss / MB).toFixed(0)} MB after two warm-up runs and a forced GC; peak ${(result.peakRss / MB).toFixed(0)} MB (${result.peakSource}); heap still in use after the run, output held: ${((result.heapAfter - result.baselineHeap) / MB).toFixed(1)} MB = ${heapRatio.toFixed(2)}× the JSON.`,
			"The memory target is measured in the harness child: it needs a process that runs nothing but the node. The real n8n row's RSS growth is n8n's main process while the node ran (n8n also keeps the execution's data), for comparison only.",
			`Sandbox: ready with ${N.toLocaleString('en-US')} conversations seeded ${(seedingMs / 1000).toFixed(1)} s after its process was started (process start, ts-node and seeding).`,
			`"Back to back": the node never has two pages in flight and the next page is asked for right after parsing the previous one; the gap is the client's time per page (parse + n8n-core request setup), not waiting.`,
		);
		return {
			id: '5',
			title: `Return All, list only, N = ${N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency: time and memory`,
			setup: `Our node (Conversation → Get Many, Return All, no transcripts) in real n8n and in a fresh Node process (harness, for the memory figure), the sandbox in another.`,
			rows,
			targets,
			notes,
		};
	} finally {
		await sandbox.close();
	}
}
