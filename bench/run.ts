/**
 * npm run bench [-- --case 1,2] [--runs 3] [--n8n-runs 3] [--no-n8n] [--out FILE]
 * BENCH_QUICK=1 npm run bench   N = 100 (list 2,000), one run each: checks the bench end to end.
 *
 * Benchmarks against the sandbox RingReady API (20 ms latency). Real n8n (`n8n execute`
 * of the packed package) is the primary figure; the n8n-free reference client (undici Pool) and the
 * harness (n8n-core in this process) are secondary rows.
 *   1  Get Many, Return All, Include Transcripts, N = 1,000: ours vs the floor, the HTTP Request node
 *      (plain header, credential), the reference client, the harness and the API reference recipe
 *   2  1,000 input items → Conversation → Get: ours vs ⌈N/10⌉ × RTT, a bare helpers.httpRequest loop
 *      (client CPU per request in n8n's main process)
 *   3  both jobs under a per-key in-flight cap
 *   4  HTTPS: the per-request TLS handshake, and the Max Concurrency sweep behind the default
 *   5  Return All list only, N = 20,000: time and peak memory (harness, child process)
 *   6  Trigger: requests per idle poll and per burst of 1,000 new (harness)
 * Request counts and peak in flight (from the sandbox's log) are columns of every case.
 * A full run writes bench/RESULTS.md; a partial or quick run writes bench/out/RESULTS.partial.md
 * unless --out is given.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'os';
import { dirname, join, resolve } from 'path';

import { caseHttps } from './cases/https';
import { caseItems } from './cases/items';
import { caseListMemory } from './cases/list-memory';
import { caseRateLimited, caseTranscripts } from './cases/transcripts';
import { caseTrigger } from './cases/trigger';
import { cleanups, runScript } from '../tools/script';
import { BenchContext, QUICK, log } from './lib/context';
import { markdown, printCase, verdict, type CaseResult } from './lib/report';

const ALL_CASES = ['1', '2', '3', '4', '5', '6'];

interface Args {
	cases: string[];
	runs: number;
	n8nRuns: number;
	useN8n: boolean;
	out?: string;
}

function usage(exitCode: number): never {
	process.stdout.write(
		'Usage: [BENCH_QUICK=1] npm run bench -- [--case 1[,2,...,6]] [--runs N (harness/reference runs, default 3)] [--n8n-runs N (default 3)] [--no-n8n] [--out FILE]\n' +
			'Cases: 1 Get Many + transcripts N=1000, 2 1000 items → Get (CPU per request vs a bare helpers.httpRequest loop), 3 both under a rate limit, 4 HTTPS and the Max Concurrency sweep, 5 list-only N=20000 time+memory, 6 trigger requests per poll.\n',
	);
	process.exit(exitCode);
}

function parseArgs(argv: string[]): Args {
	const args: Args = { cases: [], runs: QUICK ? 1 : 3, n8nRuns: QUICK ? 1 : 3, useN8n: true };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].includes('=')
			? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)]
			: [argv[i], undefined];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) usage(2);
			return v;
		};
		switch (flag) {
			case '--case':
			case '--cases':
				args.cases.push(
					...value()
						.split(',')
						.map((c) => c.trim())
						.filter(Boolean),
				);
				break;
			case '--runs':
				args.runs = Math.max(1, Number(value()) || 1);
				break;
			case '--n8n-runs':
				args.n8nRuns = Math.max(1, Number(value()) || 1);
				break;
			case '--no-n8n':
				args.useN8n = false;
				break;
			case '--out':
				args.out = value();
				break;
			case '-h':
			case '--help':
				usage(0);
				break;
			default:
				process.stderr.write(`Unknown option ${argv[i]}\n`);
				usage(2);
		}
	}
	if (args.cases.length === 0) args.cases = [...ALL_CASES];
	const unknown = args.cases.filter((c) => !ALL_CASES.includes(c));
	if (unknown.length > 0) {
		process.stderr.write(`Unknown case ${unknown.join(', ')}\n`);
		usage(2);
	}
	args.cases = ALL_CASES.filter((c) => args.cases.includes(c));
	return args;
}

function git(args: string[]): string {
	try {
		return execFileSync('git', args, { cwd: resolve(__dirname, '..'), encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const loadBefore = loadavg()[0];
	const ctx = new BenchContext({ runs: args.runs, n8nRuns: args.n8nRuns, useN8n: args.useN8n });
	cleanups.push(async () => await ctx.close());
	const results: CaseResult[] = [];
	const run = async (id: string, fn: () => Promise<CaseResult>) => {
		if (!args.cases.includes(id)) return;
		try {
			const result = await fn();
			results.push(result);
			printCase(result);
		} catch (error) {
			log(`case ${id} failed: ${error instanceof Error ? error.stack : String(error)}`);
			results.push({
				id,
				title: 'FAILED',
				setup: String(error),
				rows: [],
				targets: [{ text: 'case ran', measured: String(error).slice(0, 200), pass: false }],
				notes: [],
			});
		}
	};
	try {
		await run('1', async () => await caseTranscripts(ctx));
		await run('2', async () => await caseItems(ctx));
		await run('3', async () => await caseRateLimited(ctx));
		await run('4', async () => await caseHttps(ctx));
		await run('5', async () => await caseListMemory(ctx));
		await run('6', caseTrigger);
	} finally {
		await ctx.close();
	}

	const cpuList = cpus();
	const dirty =
		git(['status', '--porcelain', '--', 'nodes', 'credentials']) !== ''
			? ' (with uncommitted changes in nodes/ or credentials/)'
			: '';
	const machine = {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty}`,
		os: `${type()} ${release()}`,
		cpus: `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}`,
		memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end)`,
		node: process.version,
		n8n: ctx.install
			? `${ctx.install.version} on Node ${ctx.install.nodeVersion}`
			: (ctx.n8nProblem ?? 'not used'),
		loadBefore: loadBefore.toFixed(2),
		loadAfter: loadavg()[0].toFixed(2),
		durationS: (Date.now() - started) / 1000,
		quick: QUICK,
		command: `${QUICK ? 'BENCH_QUICK=1 ' : ''}npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
	};
	const full = !QUICK && ALL_CASES.every((c) => args.cases.includes(c));
	const out = args.out
		? resolve(args.out)
		: full
			? join(__dirname, 'RESULTS.md')
			: join(__dirname, 'out', 'RESULTS.partial.md');
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, markdown(machine, results));

	const targets = results.flatMap((r) => r.targets.map((t) => ({ ...t, id: r.id })));
	process.stdout.write(
		`\n=== Targets\n${targets.map((t) => `  [${verdict(t.pass)}] case ${t.id}: ${t.text} — ${t.measured}`).join('\n')}\n` +
			`\nMachine: ${machine.cpus}, Node ${machine.node}, n8n ${machine.n8n}, load ${machine.loadBefore} → ${machine.loadAfter}; ${machine.durationS.toFixed(0)} s.\nWrote ${out}\n`,
	);
}

runScript(main);
