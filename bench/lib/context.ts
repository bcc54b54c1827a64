/**
 * What several cases share, started on first use: the N = 1,000 sandbox with 20 ms latency and a
 * real n8n instance (our package installed, credentials and workflows imported) pointing at it.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { N8n } from '../../tools/n8n';
import { packPackage } from '../../tools/package';
import { executeWorkflow, findN8n, type BenchN8nInstall, type ExecuteOutcome } from './n8n';
import { startRemoteSandbox, type RemoteSandbox } from './sandbox';
import { summarize, type RequestSummary } from './stats';
import {
	HTTP_HEADER_CREDENTIAL,
	RINGREADY_CREDENTIAL,
	httpRequestWorkflow,
	ourWorkflow,
} from './workflows';

export const LATENCY_MS = 20;
export const TRANSCRIPT_N = 1000;

export const WORKFLOWS = {
	httpDefault: 'benchHttpDefault01',
	httpContinue: 'benchHttpContinue1',
	oursTranscripts: 'benchOursTranscri1',
} as const;

export interface BenchOptions {
	/** Harness runs per measurement (median reported). */
	runs: number;
	/** Real n8n runs per workflow in case 1. */
	n8nRuns: number;
	useN8n: boolean;
}

export interface N8nRun {
	outcome: ExecuteOutcome;
	requests: RequestSummary;
}

export class BenchContext {
	private sandbox?: Promise<RemoteSandbox>;
	private n8nInstance?: Promise<N8n | undefined>;
	private workDir?: string;
	install?: BenchN8nInstall;
	n8nProblem?: string;

	constructor(readonly options: BenchOptions) {}

	async transcriptsSandbox(): Promise<RemoteSandbox> {
		this.sandbox ??= startRemoteSandbox({ latencyMs: LATENCY_MS, conversationsPerAccount: { A: TRANSCRIPT_N, B: 10 } });
		return await this.sandbox;
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
		this.workDir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
		log('building and packing the package (npm run build, npm pack) …');
		const packageDir = packPackage(join(this.workDir, 'pack'));
		const sandbox = await this.transcriptsSandbox();
		const instance = new N8n({ install: this.install, userFolder: join(this.workDir, 'n8n') });
		await instance.allocatePorts();
		instance.installPackage(packageDir);
		log(`importing credentials and workflows into n8n ${this.install.version} …`);
		await instance.importCredentials([
			{ ...HTTP_HEADER_CREDENTIAL, data: { name: 'Authorization', value: `Bearer ${sandbox.keys.readWrite}` } },
			{ ...RINGREADY_CREDENTIAL, data: { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url } },
		]);
		await instance.importWorkflows([
			httpRequestWorkflow(WORKFLOWS.httpDefault, sandbox.url),
			httpRequestWorkflow(WORKFLOWS.httpContinue, sandbox.url, { onError: 'continueRegularOutput' }),
			ourWorkflow(WORKFLOWS.oursTranscripts, { includeTranscripts: true }),
		]);
		return instance;
	}

	/** Runs a workflow in real n8n against the transcripts sandbox and reads the sandbox's log. */
	async executeN8n(workflowId: string): Promise<N8nRun | undefined> {
		const instance = await this.n8n();
		if (!instance) return undefined;
		const sandbox = await this.transcriptsSandbox();
		await sandbox.clear();
		const outcome = await executeWorkflow(instance, workflowId);
		return { outcome, requests: summarize(await sandbox.stats()) };
	}

	async close(): Promise<void> {
		if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
		await (await this.sandbox)?.close();
	}
}

export function log(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}
