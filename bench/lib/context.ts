/**
 * What several cases share, started on first use: the sandboxes (N conversations, 20 ms latency;
 * one over HTTP, one over HTTPS with a certificate made at run time) and one real n8n instance with
 * our package (packed like a release) and the bench-only bare-loop node installed, credentials and
 * workflows for both sandboxes imported, and NODE_EXTRA_CA_CERTS trusting the HTTPS sandbox.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { N8n } from '../../tools/n8n';
import { packPackage } from '../../tools/package';
import { CpuSampler } from './cpu';
import { executeWorkflow, findN8n, type BenchN8nInstall, type ExecuteOutcome } from './n8n';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import { summarize, type RequestSummary } from './stats';
import { makeCertificates, type TlsFiles } from './tls';
import {
	httpRequestWorkflow,
	itemsGetWorkflow,
	itemsLoopWorkflow,
	transcriptsWorkflow,
	type CredentialRef,
} from './workflows';

export const LATENCY_MS = 20;
/** BENCH_QUICK=1: small N and one run each, to check the bench end to end in a few minutes. */
export const QUICK = process.env.BENCH_QUICK === '1';
export const TRANSCRIPT_N = QUICK ? 100 : 1000;
export const DEFAULT_CONCURRENCY = 10;
/** Max Concurrency values the HTTPS case compares (the default is one of them). */
export const CONCURRENCY_SWEEP = [5, 10, 20];

export type Protocol = 'http' | 'https';

const BARE_LOOP_PACKAGE = join(__dirname, '..', 'fixtures', 'n8n-nodes-ringready-bench');

/** Workflow ids per sandbox protocol. */
export function workflowIds(protocol: Protocol) {
	const p = protocol === 'http' ? 'Http' : 'Tls';
	return {
		httpCredential: `bench${p}HttpCred01`,
		httpHeader: `bench${p}HttpHead01`,
		httpContinue: `bench${p}HttpCont01`,
		transcripts: (c: number) => `bench${p}Transc${String(c).padStart(3, '0')}`,
		itemsGet: `bench${p}ItemsGet1`,
		itemsLoop: `bench${p}ItemsLoop`,
		itemsLoopParameter: `bench${p}ItemsLoopP`,
	};
}

export interface BenchOptions {
	/** Harness and reference-client runs per measurement (median reported). */
	runs: number;
	/** Real n8n runs per workflow in the main cases. */
	n8nRuns: number;
	useN8n: boolean;
}

export interface N8nRun {
	outcome: ExecuteOutcome;
	requests: RequestSummary;
}

export class BenchContext {
	private readonly sandboxes: Partial<Record<Protocol, Promise<RemoteSandbox>>> = {};
	private n8nInstance?: Promise<N8n | undefined>;
	private readonly workDir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
	private certificates?: TlsFiles;
	private onSpawn?: (pid: number) => void;
	/** Every n8n CLI process started (each leads its own process group), stopped on close if still running. */
	private readonly spawned: number[] = [];
	install?: BenchN8nInstall;
	n8nProblem?: string;
	/** Case 1's HTTP Request workflow runs; case 2 reads their per-item node. */
	readonly httpRuns: { header: N8nRun[]; credential: N8nRun[] } = { header: [], credential: [] };

	constructor(readonly options: BenchOptions) {}

	get tls(): TlsFiles {
		this.certificates ??= makeCertificates(this.workDir);
		return this.certificates;
	}

	/** The sandbox with TRANSCRIPT_N conversations in account A, over HTTP or HTTPS. */
	async sandbox(protocol: Protocol = 'http'): Promise<RemoteSandbox> {
		this.sandboxes[protocol] ??= startRemoteSandbox(
			{ latencyMs: LATENCY_MS, conversationsPerAccount: { A: TRANSCRIPT_N, B: 10 } },
			protocol === 'https'
				? { tls: { keyFile: this.tls.keyFile, certFile: this.tls.certFile } }
				: {},
		);
		return await this.sandboxes[protocol]!;
	}

	/** The real n8n instance, or undefined (with n8nProblem set) when it is off or unavailable. */
	async n8n(): Promise<N8n | undefined> {
		if (!this.options.useN8n) {
			this.n8nProblem = 'real n8n skipped (--no-n8n)';
			return undefined;
		}
		this.n8nInstance ??= this.startN8n().catch((error: unknown) => {
			this.n8nProblem = `real n8n failed to start: ${error instanceof Error ? error.message : String(error)}`;
			process.stderr.write(`[bench] ${this.n8nProblem}\n`);
			return undefined;
		});
		return await this.n8nInstance;
	}

	private async startN8n(): Promise<N8n | undefined> {
		log('finding real n8n (scripts/install-n8n.sh 2) …');
		this.install = findN8n();
		if (!this.install) {
			this.n8nProblem = 'real n8n is not installed and could not be installed';
			return undefined;
		}
		log('building and packing the package (npm run build, npm pack) …');
		const packageDir = packPackage(join(this.workDir, 'pack'));
		const instance = new N8n({
			install: this.install,
			userFolder: join(this.workDir, 'n8n'),
			env: { NODE_EXTRA_CA_CERTS: this.tls.caFile },
			onSpawn: (pid) => {
				if (pid === undefined) return;
				this.spawned.push(pid);
				this.onSpawn?.(pid);
			},
		});
		await instance.allocatePorts();
		instance.installPackage(packageDir);
		instance.installPackage(BARE_LOOP_PACKAGE, 'n8n-nodes-ringready-bench');
		log(`importing credentials and workflows into n8n ${this.install.version} …`);
		const credentials: object[] = [];
		const workflows: object[] = [];
		for (const protocol of ['http', 'https'] as const) {
			const sandbox = await this.sandbox(protocol);
			const key = sandbox.keys.readWrite;
			const header: CredentialRef = {
				id: `benchHeader${protocol}`,
				name: `RingReady bearer header (${protocol})`,
			};
			const ringReady: CredentialRef = {
				id: `benchRingReady${protocol}`,
				name: `RingReady API (bench ${protocol})`,
			};
			credentials.push(
				{
					...header,
					type: 'httpHeaderAuth',
					data: { name: 'Authorization', value: `Bearer ${key}` },
				},
				{ ...ringReady, type: 'ringReadyApi', data: { apiKey: key, baseUrl: sandbox.url } },
			);
			const ids = workflowIds(protocol);
			workflows.push(
				httpRequestWorkflow(ids.httpCredential, sandbox.url, {
					kind: 'credential',
					credential: header,
				}),
				httpRequestWorkflow(ids.httpHeader, sandbox.url, { kind: 'header', apiKey: key }),
				httpRequestWorkflow(
					ids.httpContinue,
					sandbox.url,
					{ kind: 'credential', credential: header },
					{ onError: 'continueRegularOutput' },
				),
				...CONCURRENCY_SWEEP.map((c) =>
					transcriptsWorkflow(
						ids.transcripts(c),
						ringReady,
						c === DEFAULT_CONCURRENCY ? undefined : c,
					),
				),
				itemsGetWorkflow(ids.itemsGet, ringReady),
				itemsLoopWorkflow(ids.itemsLoop, ringReady, sandbox.url, key, DEFAULT_CONCURRENCY),
				itemsLoopWorkflow(
					ids.itemsLoopParameter,
					ringReady,
					sandbox.url,
					key,
					DEFAULT_CONCURRENCY,
					true,
				),
			);
		}
		await instance.importCredentials(credentials as Parameters<N8n['importCredentials']>[0]);
		await instance.importWorkflows(workflows);
		return instance;
	}

	/**
	 * Runs a workflow in real n8n (`n8n execute`) and reads the sandbox's log. n8n's main process is
	 * sampled for CPU time, so each node's run gets its own CPU figure.
	 */
	async executeN8n(
		workflowId: string,
		target: Protocol | RemoteSandbox = 'http',
	): Promise<N8nRun | undefined> {
		const instance = await this.n8n();
		if (!instance) return undefined;
		const sandbox = typeof target === 'string' ? await this.sandbox(target) : target;
		await sandbox.clear();
		let sampler: CpuSampler | undefined;
		this.onSpawn = (pid) => (sampler = new CpuSampler(pid));
		try {
			const outcome = await executeWorkflow(instance, workflowId, (from, to) =>
				sampler?.between(from, to),
			);
			const stats = await sandbox.stats();
			// BENCH_LOG_DIR keeps each run's request log (arrival and end times) for closer study.
			if (process.env.BENCH_LOG_DIR)
				writeFileSync(
					join(process.env.BENCH_LOG_DIR, `${workflowId}-${Date.now()}.json`),
					JSON.stringify(stats),
				);
			return { outcome, requests: summarize(stats) };
		} finally {
			sampler?.stop();
			this.onSpawn = undefined;
		}
	}

	async close(): Promise<void> {
		const signal = (pid: number, name: NodeJS.Signals | 0): boolean => {
			try {
				return (
					readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('n8n') && process.kill(-pid, name)
				);
			} catch {
				return false; // already gone
			}
		};
		let running = this.spawned.splice(0).filter((pid) => signal(pid, 'SIGTERM'));
		// Wait for them (n8n writes its database while shutting down), then force the rest.
		for (let waited = 0; running.length > 0 && waited < 10_000; waited += 100) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			running = running.filter((pid) => signal(pid, 0));
		}
		for (const pid of running) signal(pid, 'SIGKILL');
		for (const sandbox of Object.values(this.sandboxes)) await (await sandbox)?.close();
		rmSync(this.workDir, { recursive: true, force: true });
	}
}

export function log(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}
