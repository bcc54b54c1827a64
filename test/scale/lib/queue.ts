/**
 * `n8n worker` processes, which the launcher (tools/n8n.ts) does not start: an `N8n` (its own user
 * folder, ports and environment) whose `env()` spawns `n8n worker`.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, existsSync, readFileSync } from 'fs';

import { freePort, n8nBin, until, type N8n } from '../../../tools/n8n';

/**
 * One `n8n worker --concurrency=10` (n8n's default). `start()` waits for its readiness endpoint
 * (database migrated, Redis connected) and is a restart when called again; `kill()` is a crash.
 */
export class N8nWorker {
	private child?: ChildProcess;
	private exit?: Promise<number | null>;
	private healthPort = 0;
	private starts = 0;

	constructor(
		readonly n8n: N8n,
		private readonly onSpawn?: (pid: number | undefined) => void,
	) {}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	get running(): boolean {
		return (
			this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
		);
	}

	/** Starts the worker; resolves with the time until it was ready (ms). */
	async start(): Promise<number> {
		await this.n8n.allocatePorts();
		while (!this.healthPort || [this.n8n.port, this.n8n.brokerPort].includes(this.healthPort))
			this.healthPort = await freePort();
		const started = Date.now();
		const { install, userFolder, logFile } = this.n8n;
		const log = createWriteStream(logFile, { flags: 'a' });
		log.write(`\n===== worker start ${++this.starts} at ${new Date().toISOString()} =====\n`);
		const env = {
			...this.n8n.env(),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(this.healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
		const child = spawn(install.nodeBin, [n8nBin(install), 'worker', '--concurrency=10'], {
			env,
			cwd: userFolder,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		this.onSpawn?.(child.pid);
		child.stdout!.pipe(log, { end: false });
		child.stderr!.pipe(log, { end: false });
		this.exit = new Promise((resolve) => child.on('exit', resolve));
		const ready = async () => {
			if (!this.running) throw new Error(`n8n worker exited; see ${logFile}`);
			const url = `http://127.0.0.1:${this.healthPort}/healthz/readiness`;
			return (await fetch(url).catch(() => undefined))?.status === 200;
		};
		await until(ready, 90_000, `n8n worker to be ready; see ${logFile}`);
		return Date.now() - started;
	}

	/** Signals the whole process group (the worker and its task runner); resolves once the worker exited. */
	async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		if (!this.running) return;
		try {
			process.kill(-this.child!.pid!, signal);
		} catch {
			this.child!.kill(signal);
		}
		await this.exit;
	}

	/** SIGTERM (n8n drains running jobs), SIGKILL after 15 s. */
	async stop(): Promise<void> {
		if (!this.running) return;
		const timer = setTimeout(() => void this.kill('SIGKILL'), 15_000);
		await this.kill('SIGTERM');
		clearTimeout(timer);
	}

	/** Execution ids its log says it started ("Worker started execution <id> (job <n>)") since start `from`. */
	executionIds(from = 1): string[] {
		const { logFile } = this.n8n;
		const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
		const since = text.split('\n===== worker start ').slice(from).join('');
		return [...since.matchAll(/Worker started execution (\d+) \(job/g)].map((match) => match[1]);
	}
}
