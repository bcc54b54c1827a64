/**
 * npm run bench [-- --case 1,2] [--runs 3] [--no-n8n] [--out FILE]
 * BENCH_QUICK=1 npm run bench   N = 100 (case 5: 2,000), one run each: checks the bench end to end.
 *
 * Our nodes against the sandbox RingReady API (20 ms latency), in real n8n (`n8n execute` of the
 * packed package) side by side with n8n's HTTP layer alone; cases in bench/cases/. A full run writes
 * bench/RESULTS.md, a partial or quick one bench/out/RESULTS.partial.md (or --out).
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, loadavg, release, totalmem, type } from 'os';
import { dirname, join, resolve } from 'path';

import { caseHttps, caseItems, caseRateLimited, caseTranscripts } from './cases/jobs';
import { caseListMemory } from './cases/list-memory';
import { caseTrigger } from './cases/trigger';
import { cleanups, runScript } from '../tools/script';
import { Bench, QUICK, log } from './lib/bench';
import { caseMarkdown, table, verdict, type CaseResult } from './lib/report';

const CASES: Record<string, (bench: Bench) => Promise<CaseResult>> = {
	'1': caseTranscripts,
	'2': caseItems,
	'3': caseRateLimited,
	'4': caseHttps,
	'5': caseListMemory,
	'6': caseTrigger,
};
const USAGE = `Usage: [BENCH_QUICK=1] npm run bench -- [--case 1[,2,…,6]] [--runs N (real n8n and HTTP layer runs, default 3)] [--no-n8n] [--out FILE]
Cases: 1 Get Many + transcripts, 2 items → Get, 3 both under a rate limit, 4 HTTPS and the Max Concurrency sweep, 5 list-only 20,000: time and memory, 6 trigger requests per poll.\n`;

function parseArgs(argv: string[]) {
	const args = {
		cases: [] as string[],
		runs: QUICK ? 1 : 3,
		useN8n: true,
		out: undefined as string | undefined,
	};
	const fail = (message: string): never => {
		process.stderr.write(`${message}\n${USAGE}`);
		process.exit(2);
	};
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
		if (flag === '--case' || flag === '--cases') args.cases.push(...value().split(','));
		else if (flag === '--runs') args.runs = Math.max(1, Number(value()) || 1);
		else if (flag === '--no-n8n') args.useN8n = false;
		else if (flag === '--out') args.out = value();
		else if (flag === '--help' || flag === '-h') {
			process.stdout.write(USAGE);
			process.exit(0);
		} else fail(`Unknown option ${argv[i]}`);
	}
	const unknown = args.cases.filter((c) => !(c.trim() in CASES));
	if (unknown.length > 0) fail(`Unknown case ${unknown.join(', ')}`);
	const chosen = Object.keys(CASES).filter(
		(c) => args.cases.length === 0 || args.cases.some((a) => a.trim() === c),
	);
	return { ...args, cases: chosen };
}

const git = (...args: string[]) => {
	try {
		return execFileSync('git', args, { cwd: resolve(__dirname, '..'), encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
};

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const loadBefore = loadavg()[0];
	const bench = new Bench({ runs: args.runs, useN8n: args.useN8n });
	cleanups.push(async () => await bench.close());
	const results: CaseResult[] = [];
	for (const id of args.cases) {
		let result: CaseResult;
		try {
			result = await CASES[id](bench);
		} catch (error) {
			log(`case ${id} failed: ${(error as Error).stack}`);
			const measured = String(error).slice(0, 200);
			result = {
				id,
				title: 'FAILED',
				setup: String(error),
				rows: [],
				targets: [{ text: 'case ran', measured, pass: false }],
				notes: [],
			};
		}
		results.push(result);
		process.stdout.write(`\n${caseMarkdown(result)}\n`);
	}
	await bench.close();

	const dirty = git('status', '--porcelain', '--', 'nodes', 'credentials')
		? ' (with uncommitted changes in nodes/ or credentials/)'
		: '';
	const machine = `${type()} ${release()}; ${cpus().length} × ${cpus()[0]?.model.trim()}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
	const n8n = bench.install
		? `${bench.install.version} on Node ${bench.install.nodeVersion}`
		: (bench.n8nProblem ?? 'not used');
	const command = `${QUICK ? 'BENCH_QUICK=1 ' : ''}npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	const targets = results.flatMap((r) =>
		r.targets.map((t) => [`Case ${r.id}: ${t.text}`, t.measured, verdict(t.pass)]),
	);
	const markdown = [
		'# Benchmark results',
		'',
		`Latest \`${command}\`. Regenerate with \`npm run bench\` (10–15 minutes on a quiet 2-core machine; \`-- --help\` lists the options; \`BENCH_QUICK=1 npm run bench\` checks every case end to end in a few minutes, with ratios that are not the targets' figures).`,
		'',
		table(
			['', ''],
			[
				['Date', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
				['Commit', `${git('rev-parse', '--short', 'HEAD')}${dirty}`],
				['Machine', machine],
				['Node (bench, harness, sandbox)', process.version],
				['n8n', n8n],
				[
					'Load average (1 min) before → after',
					`${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
				],
				['Bench duration', `${seconds} s${QUICK ? ' (BENCH_QUICK=1)' : ''}`],
			],
		),
		'',
		"The sandbox runs in the bench's process with the injected latency on every answer; its request log gives the request counts, 429s, peak requests in flight and TCP connections (load-independent, unlike the times). Real n8n rows are `n8n execute` of the packed package, timed by n8n's own per-node `executionTime`, with the CPU of n8n's main process while that node ran (utime+stime from /proc/<pid>/stat every 10 ms). **n8n's own floor**: every request a node makes goes through n8n's outbound HTTP layer (`helpers.httpRequest` ends in `@n8n/backend-network`'s OutboundHttp: a new TCP connection and axios per request). The rows \"n8n's HTTP layer alone\" send the same requests through that layer directly on n8n's Node, with no workflow, node or credential (bench/n8n-http-layer.js): no node can be faster in n8n. Each case alternates its subjects run by run, and its targets are ratios within the run. Profiling n8n while the bench runs: bench/PROFILING.md.",
		'',
		'## Targets',
		'',
		table(['Target', 'Measured', 'Verdict'], targets),
		...results.flatMap((r) => ['', caseMarkdown(r)]),
	].join('\n');
	const full = !QUICK && args.cases.length === Object.keys(CASES).length;
	const out = args.out
		? resolve(args.out)
		: join(__dirname, ...(full ? ['RESULTS.md'] : ['out', 'RESULTS.partial.md']));
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, `${markdown}\n`);
	process.stdout.write(
		`\n=== Targets\n${targets.map(([t, m, v]) => `  [${v}] ${t} — ${m}`).join('\n')}\n\nLoad ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}; ${seconds} s. Wrote ${out}\n`,
	);
}

runScript(main);
