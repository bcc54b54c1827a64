/**
 * Case 5: Return All, list only, 20,000 conversations at 20 ms: whether pages go back to back, and
 * peak memory (RSS growth against the JSON size) in a fresh process that runs nothing but the node
 * (bench/memory-child.ts, compiled to JavaScript so no TypeScript compiler heap hides the growth).
 */
import { execFileSync, fork } from 'child_process';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { startSandbox } from '../../test/sandbox';
import { LATENCY_MS, PAGE, QUICK, log, measureRtt, summarize, type Bench } from '../lib/bench';
import { fixed, floorRow, row, type CaseResult } from '../lib/report';
import { NODES, listWorkflow } from '../lib/workflows';
import type { MemoryResult } from '../memory-child';

const N = QUICK ? 2_000 : 20_000;
const MB = 1024 * 1024;
const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'memory-child');

async function runChild(baseUrl: string, apiKey: string): Promise<MemoryResult> {
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });
	const tsconfig = join(OUT, 'tsconfig.json');
	const compilerOptions = {
		outDir: join(OUT, 'js'),
		rootDir: ROOT,
		noCheck: true,
		sourceMap: false,
	};
	const files = [join(ROOT, 'bench', 'memory-child.ts')];
	writeFileSync(
		tsconfig,
		JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), compilerOptions, include: [], files }),
	);
	execFileSync(
		process.execPath,
		[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig],
		{
			stdio: 'inherit',
		},
	);
	const child = fork(join(OUT, 'js', 'bench', 'memory-child.js'), [], {
		execArgv: ['--expose-gc'],
	});
	return await new Promise((resolve, reject) => {
		child.once('message', (message: { result?: MemoryResult; error?: string }) =>
			message.result
				? resolve(message.result)
				: reject(new Error(`memory child: ${message.error}`)),
		);
		child.once('exit', (code) => reject(new Error(`memory child exited with ${code}`)));
		child.send({ baseUrl, apiKey });
	});
}

export async function caseListMemory(bench: Bench): Promise<CaseResult> {
	log(`case 5: seeding ${N.toLocaleString('en-US')} conversations …`);
	const sandbox = await startSandbox({
		latencyMs: LATENCY_MS,
		conversationsPerAccount: { A: N, B: 10 },
	});
	const target = { sandbox, url: sandbox.url };
	const apiKey = sandbox.keys.readWrite;
	try {
		const rtt = await measureRtt(sandbox.url, apiKey);
		const pages = Math.ceil(N / PAGE);
		const floorMs = pages * rtt.listMs;
		log('case 5: Return All (list only) in a fresh child process …');
		sandbox.control.clearRequests();
		const result = await runChild(sandbox.url, apiKey);
		// The child's two warm-up runs asked for a page of 200 each before the measured run.
		const requests = summarize({
			...sandbox.control.requests(),
			log: sandbox.control.requests().log.slice(2),
		});
		const growth = result.peakRss - result.baselineRss;
		const heap = result.heapAfter - result.baselineHeap;
		const rows = [
			floorRow(
				'Latency floor',
				floorMs,
				`${pages} sequential pages × ${fixed(rtt.listMs, 1)} ms (RTT of a 200-item page)`,
			),
			row(
				'RingReady node — harness (n8n-core, Node 20), own process',
				[{ ...result, requests, cpuPerRequestMs: result.cpuMs / requests.total }],
				'wall',
				floorMs,
				`gap between pages: median ${fixed(requests.medianListGapMs, 1)} ms, max ${fixed(requests.maxListGapMs, 1)} ms`,
			),
		];
		const notes: string[] = [];
		const n8n = await bench.n8n();
		if (n8n) {
			log('case 5: Return All (list only) in real n8n …');
			const credential = { id: 'benchRingReadyBg', name: 'RingReady API (bench list)' };
			await n8n.importCredentials([
				{ ...credential, type: 'ringReadyApi', data: { apiKey, baseUrl: sandbox.url } },
			]);
			await n8n.importWorkflows([listWorkflow('benchListOnlyBig1', credential)]);
			const run = await bench.execute('benchListOnlyBig1', [NODES.list], target);
			if (run)
				rows.splice(
					1,
					0,
					row(
						'RingReady node, list only — real n8n',
						[run],
						'n8n executionTime',
						floorMs,
						`n8n main process RSS +${fixed((run.rssGrowthBytes ?? NaN) / MB, 1)} MB while the node ran (n8n also keeps the execution's data: for comparison only)`,
					),
				);
		} else notes.push(bench.n8nProblem ?? 'real n8n not available');
		notes.push(
			`Memory: a plain Node process running the compiled harness and node; baseline RSS ${fixed(result.baselineRss / MB, 0)} MB after two warm-up runs and a forced GC, peak ${fixed(result.peakRss / MB, 0)} MB (${result.peakSource}); heap still in use after the run, output held: ${fixed(heap / MB, 1)} MB = ${fixed(heap / result.jsonBytes)}× the JSON.`,
			'"Back to back": never two pages in flight, and the next page asked for right after the previous one is parsed; the gap is the client\'s time per page, not waiting.',
		);
		return {
			id: '5',
			title: `Return All, list only, N = ${N.toLocaleString('en-US')}, ${LATENCY_MS} ms latency: time and memory`,
			setup:
				'Our node (Conversation → Get Many, Return All, no transcripts) in a fresh Node process (harness, for the memory figure) and in real n8n.',
			rows,
			targets: [
				{
					text: 'pages requested back to back (one at a time, next page right after the previous answer)',
					measured: `${requests.list} pages for ${result.items} conversations, peak ${requests.peak} in flight, gap median ${fixed(requests.medianListGapMs, 1)} ms / max ${fixed(requests.maxListGapMs, 1)} ms`,
					pass:
						requests.list <= pages + 1 &&
						requests.peak <= 1 &&
						requests.medianListGapMs < 0.25 * rtt.listMs,
				},
				{
					text: 'peak memory (RSS growth) ≤ 3× the data (JSON size)',
					measured: `${fixed(growth / MB, 1)} MB RSS growth for ${fixed(result.jsonBytes / MB, 1)} MB of JSON = ${fixed(growth / result.jsonBytes)}×`,
					pass: growth <= 3 * result.jsonBytes,
				},
				{
					text: `all ${N.toLocaleString('en-US')} conversations returned`,
					measured: String(result.items),
					pass: result.items === N,
				},
			],
			notes,
		};
	} finally {
		await sandbox.close();
	}
}
