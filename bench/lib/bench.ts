/**
 * What the cases share: the sandbox (in this process; over HTTPS through a TLS front with a
 * certificate made at run time), one real n8n with the packed package and the bench workflows
 * imported, a run of a workflow in real n8n (n8n's per-node executionTime, n8n's main-process CPU
 * sampled from /proc), and a run of n8n's HTTP layer alone (bench/n8n-http-layer.js on n8n's Node).
 */
import { execFile, execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { createServer, type Server } from 'tls';
import { promisify } from 'util';

import { startSandbox, type RequestLog, type Sandbox } from '../../test/sandbox';
import { jsonClient } from '../../tools/http';
import { ensureN8n, n8nVersion, N8n, type N8nInstall } from '../../tools/n8n';
import { packPackage } from '../../tools/package';
import { makeCertificates } from '../../tools/script';
import { httpRequestWorkflow, itemsGetWorkflow, transcriptsWorkflow } from './workflows';

export const QUICK = process.env.BENCH_QUICK === '1';
/** Conversations of cases 1–4 (BENCH_QUICK: 100). */
export const N = QUICK ? 100 : 1000;
export const LATENCY_MS = 20;
export const CONCURRENCY = 10;
/** Max Concurrency values the HTTPS case compares (the default is one of them). */
export const SWEEP = [5, 10, 20];
export const PAGE = 200;
export type Protocol = 'http' | 'https';

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Workflow and credential ids of the bench (one n8n instance holds them all). */
export const IDS = {
	transcripts: (protocol: Protocol, c: number) => `bench${protocol}Tr${String(c).padStart(3, '0')}`,
	itemsGet: 'benchItemsGet001',
	httpRequest: 'benchHttpReq0001',
	httpContinue: 'benchHttpCont001',
};

/** What the sandbox's request log says about a run; load-independent, unlike the times. */
export interface Requests {
	total: number;
	list: number;
	detail: number;
	status429: number;
	peak: number;
	connections: number;
	medianListGapMs: number;
	maxListGapMs: number;
}

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function summarize({ log, peakInFlight, connections }: RequestLog): Requests {
	const lists = log.filter((entry) => entry.path === '/api/v1/conversations');
	const gaps = lists.slice(1).map((entry, i) => entry.started_ms - (lists[i].ended_ms ?? 0));
	return {
		total: log.length,
		list: lists.length,
		detail: log.filter((entry) => entry.path.startsWith('/api/v1/conversations/')).length,
		status429: log.filter((entry) => entry.status === 429).length,
		peak: peakInFlight,
		connections,
		medianListGapMs: gaps.length > 0 ? median(gaps) : 0,
		maxListGapMs: gaps.length > 0 ? Math.max(...gaps) : 0,
	};
}

/** One measured run: real n8n (the measured nodes), n8n's HTTP layer alone, or a harness run. */
export interface Measured {
	ms: number;
	cpuMs?: number;
	/** CPU per request the measured client sent. */
	cpuPerRequestMs?: number;
	rssGrowthBytes?: number;
	items: number;
	errorItems?: number;
	/** The json of the output items (real n8n), for completeness checks. */
	output?: Array<Record<string, unknown>>;
	status?: string;
	error?: string;
	requests: Requests;
}

/** The run with the median time (the lower middle one for an even count). */
export const medianRun = (runs: Measured[]) =>
	[...runs].sort((a, b) => a.ms - b.ms)[Math.floor((runs.length - 1) / 2)];

/** Round trips over one kept-alive connection: what each request costs at the least. */
export async function measureRtt(url: string, apiKey: string, caFile?: string) {
	const http = jsonClient(new URL(url).origin, {
		connections: 1,
		headers: { authorization: `Bearer ${apiKey}` },
		caFile,
	});
	const time = async (path: string) => {
		const started = performance.now();
		const body = await http.getJson<{ conversations: Array<{ id: number }> }>(`/api/v1${path}`);
		return { ms: performance.now() - started, body };
	};
	try {
		const id = (await time('/conversations?limit=200')).body.conversations[0].id;
		const detail: number[] = [];
		const list: number[] = [];
		for (let i = 0; i < 24; i++) {
			detail.push((await time(`/conversations/${id}`)).ms);
			if (i % 3 === 0) list.push((await time('/conversations?limit=200')).ms);
		}
		return { detailMs: median(detail), listMs: median(list) };
	} finally {
		await http.close();
	}
}

/** CPU (ms) and resident set (bytes) of another process over time, from /proc/<pid>/stat. */
class ProcessSampler {
	private readonly samples: Array<{ at: number; cpuMs: number; rss: number }> = [];
	private readonly timer = setInterval(() => this.sample(), 10);
	private static ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;

	constructor(private readonly pid: number) {
		this.sample();
	}

	private sample(): void {
		try {
			const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
			// After the command name: utime, stime are fields 14, 15, rss 24.
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const cpuMs = ((Number(f[11]) + Number(f[12])) * 1000) / ProcessSampler.ticks;
			this.samples.push({ at: Date.now(), cpuMs, rss: Number(f[21]) * 4096 });
		} catch {
			this.stop();
		}
	}

	stop(): void {
		clearInterval(this.timer);
	}

	/** CPU used and how far the resident set grew between two instants (epoch ms). */
	between(from: number, to: number) {
		const last = (at: number) => [...this.samples].reverse().find((sample) => sample.at <= at);
		const [start, end] = [last(from), last(to)];
		if (!start || !end || this.samples[this.samples.length - 1].at < to) return undefined;
		const during = this.samples.filter((sample) => sample.at >= start.at && sample.at <= to);
		return {
			cpuMs: end.cpuMs - start.cpuMs,
			rssGrowthBytes: Math.max(...during.map((sample) => sample.rss)) - start.rss,
		};
	}
}

export interface Target {
	sandbox: Sandbox;
	url: string;
	caFile?: string;
}

export class Bench {
	private readonly dir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
	private main?: Promise<Sandbox>;
	private tls?: { server: Server; url: string; caFile: string };
	private instance?: Promise<N8n | undefined>;
	private readonly spawned: number[] = [];
	private onSpawn?: (pid: number) => void;
	private closed = false;
	install?: N8nInstall & { version: string; nodeVersion: string };
	n8nProblem?: string;

	constructor(readonly options: { runs: number; useN8n: boolean }) {}

	/** The sandbox of cases 1–4 (N conversations in account A), over HTTP or HTTPS. */
	async target(protocol: Protocol = 'http'): Promise<Target> {
		this.main ??= startSandbox({ latencyMs: LATENCY_MS, conversationsPerAccount: { A: N, B: 10 } });
		const sandbox = await this.main;
		if (protocol === 'http') return { sandbox, url: sandbox.url };
		this.tls ??= await this.tlsFront(sandbox.port);
		return { sandbox, url: this.tls.url, caFile: this.tls.caFile };
	}

	/** A TLS front for the sandbox: one TCP connection to it per TLS connection. */
	private async tlsFront(port: number) {
		const { caFile, key, cert } = makeCertificates(this.dir, 'RingReady bench CA', [
			'IP:127.0.0.1',
		]);
		const server = createServer({ key, cert }, (socket) => {
			const upstream = connect(port, '127.0.0.1');
			socket.pipe(upstream).pipe(socket);
			socket.on('error', () => upstream.destroy());
			upstream.on('error', () => socket.destroy());
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port: tlsPort } = server.address() as { port: number };
		return { server, url: `https://127.0.0.1:${tlsPort}`, caFile };
	}

	/** Real n8n, or undefined (n8nProblem says why). */
	async n8n(): Promise<N8n | undefined> {
		if (!this.options.useN8n) {
			this.n8nProblem = 'real n8n skipped (--no-n8n)';
			return undefined;
		}
		this.instance ??= this.startN8n().catch((error: unknown) => {
			this.n8nProblem = `real n8n failed to start: ${(error as Error).message}`;
			log(this.n8nProblem);
			return undefined;
		});
		return await this.instance;
	}

	private async startN8n(): Promise<N8n> {
		log('finding real n8n, building and packing the package …');
		const install = ensureN8n(2);
		this.install = {
			...install,
			version: n8nVersion(install),
			nodeVersion: execFileSync(install.nodeBin, ['--version'], { encoding: 'utf8' }).trim(),
		};
		const http = await this.target('http');
		const https = await this.target('https');
		const instance = new N8n({
			install,
			userFolder: join(this.dir, 'n8n'),
			env: { NODE_EXTRA_CA_CERTS: https.caFile! },
			onSpawn: (pid) => {
				if (pid === undefined) return;
				this.spawned.push(pid);
				this.onSpawn?.(pid);
			},
		});
		await instance.allocatePorts();
		instance.installPackage(packPackage(join(this.dir, 'pack')));
		const key = http.sandbox.keys.readWrite;
		const ringReady = { id: 'benchRingReadyHt', name: 'RingReady API (bench)' };
		const ringReadyTls = { id: 'benchRingReadyTl', name: 'RingReady API (bench, HTTPS)' };
		const header = { id: 'benchHeaderAuth1', name: 'RingReady bearer header' };
		await instance.importCredentials([
			{ ...ringReady, type: 'ringReadyApi', data: { apiKey: key, baseUrl: http.url } },
			{ ...ringReadyTls, type: 'ringReadyApi', data: { apiKey: key, baseUrl: https.url } },
			{
				...header,
				type: 'httpHeaderAuth',
				data: { name: 'Authorization', value: `Bearer ${key}` },
			},
		]);
		await instance.importWorkflows([
			transcriptsWorkflow(IDS.transcripts('http', CONCURRENCY), ringReady),
			...SWEEP.map((c) => transcriptsWorkflow(IDS.transcripts('https', c), ringReadyTls, c)),
			itemsGetWorkflow(IDS.itemsGet, ringReady),
			httpRequestWorkflow(IDS.httpRequest, http.url, header),
			httpRequestWorkflow(IDS.httpContinue, http.url, header, 'continueRegularOutput'),
		]);
		return instance;
	}

	/**
	 * `n8n execute` of a workflow: the measured nodes' executionTime and n8n's main-process CPU while
	 * they ran, the last node's output, and the sandbox's request log.
	 */
	async execute(
		workflowId: string,
		nodes: string[],
		target: Target,
		cpuPer: 'all' | 'detail' = 'all',
	): Promise<Measured | undefined> {
		const instance = await this.n8n();
		if (!instance) return undefined;
		target.sandbox.control.clearRequests();
		let sampler: ProcessSampler | undefined;
		this.onSpawn = (pid) => (sampler = new ProcessSampler(pid));
		try {
			const result = await instance.execute(workflowId);
			const requests = summarize(target.sandbox.control.requests());
			if (process.env.BENCH_LOG_DIR)
				writeFileSync(
					join(process.env.BENCH_LOG_DIR, `${workflowId}-${Date.now()}.json`),
					JSON.stringify(target.sandbox.control.requests()),
				);
			const runData = result.run?.data.resultData;
			const runs = nodes.map((name) => runData?.runData[name]?.[0]);
			const usage = runs.map((run) =>
				run?.startTime === undefined
					? undefined
					: sampler?.between(run.startTime, run.startTime + (run.executionTime ?? 0)),
			);
			const sum = (values: Array<number | undefined>) =>
				values.reduce<number>((total, value) => total + (value ?? Number.NaN), 0);
			const output = (runs.at(-1)?.data?.main?.[0] ?? []).map((item) => item.json);
			const failed = runs.find((run) => run?.error)?.error;
			const cpuMs = sum(usage.map((u) => u?.cpuMs));
			return {
				ms: sum(runs.map((run) => run?.executionTime)),
				cpuMs,
				cpuPerRequestMs: cpuMs / (cpuPer === 'detail' ? requests.detail : requests.total),
				rssGrowthBytes: usage.at(-1)?.rssGrowthBytes,
				items: output.length,
				errorItems: output.filter((json) => 'error' in json).length,
				output,
				status: result.run?.status,
				error: failed
					? [failed.message, failed.description].filter(Boolean).join(' — ')
					: (runData?.error?.message ??
						(result.run
							? undefined
							: `no run data (exit ${result.code}): ${result.stderr.slice(-300)}`)),
				requests,
			};
		} finally {
			sampler?.stop();
			this.onSpawn = undefined;
		}
	}

	/**
	 * The same requests sent through n8n's outbound HTTP layer directly (bench/n8n-http-layer.js on
	 * n8n's Node, no workflow, node or credential): the best a node can reach in n8n.
	 */
	async httpLayer(
		target: Target,
		plan: 'items' | 'transcripts',
		concurrency = CONCURRENCY,
	): Promise<Measured | undefined> {
		if (!this.install) return undefined;
		const idsFile = join(this.dir, 'ids.json');
		const ids = target.sandbox.control.conversations('A').map((conversation) => conversation.id);
		writeFileSync(idsFile, JSON.stringify(ids));
		target.sandbox.control.clearRequests();
		const script = join(__dirname, '..', 'n8n-http-layer.js');
		const modules = join(this.install.dir, 'node_modules');
		const args = [script, modules, target.url, target.sandbox.keys.readWrite];
		const { stdout } = await promisify(execFile)(
			this.install.nodeBin,
			[...args, String(concurrency), plan, idsFile],
			{ env: { ...process.env, ...(target.caFile ? { NODE_EXTRA_CA_CERTS: target.caFile } : {}) } },
		);
		const result = JSON.parse(stdout) as { ms: number; cpuMs: number; items: number };
		const requests = summarize(target.sandbox.control.requests());
		return { ...result, cpuPerRequestMs: result.cpuMs / requests.total, requests };
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		// `n8n execute` processes still running (Ctrl-C) lead their own process groups.
		for (const pid of this.spawned.splice(0)) {
			try {
				if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('n8n'))
					process.kill(-pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		this.tls?.server.close();
		await (await this.main)?.close();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
