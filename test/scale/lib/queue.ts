/**
 * n8n in queue mode on top of the launcher (tools/n8n.ts): the environment every process shares, and
 * `n8n worker` processes, which the launcher does not start. A worker is an `N8n` (its own user
 * folder, ports and environment) whose `env()` spawns `n8n worker`.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, existsSync, readFileSync } from 'fs';

import { delay, freePort, n8nBin, type N8n } from '../../../tools/n8n';

/** Queue mode on the Postgres database and Redis queue test/scale/run.sh started (`setting` reads its variables). */
export function queueModeEnv(setting: (name: string) => string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: setting('SCALE_PG_PORT'),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: setting('SCALE_PG_PASSWORD'),
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: setting('SCALE_REDIS_PORT'),
		QUEUE_BULL_REDIS_PASSWORD: setting('SCALE_REDIS_PASSWORD'),
		// Short shutdowns: the test stops processes on purpose.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

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

	get logFile(): string {
		return this.n8n.logFile;
	}

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
		const log = createWriteStream(this.logFile, { flags: 'a' });
		log.write(`\n===== worker start ${++this.starts} at ${new Date().toISOString()} =====\n`);
		const env = {
			...this.n8n.env(),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(this.healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
		const { install, userFolder } = this.n8n;
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
		for (const deadline = Date.now() + 90_000; Date.now() < deadline; await delay(250)) {
			if (!this.running) throw new Error(`n8n worker exited; see ${this.logFile}`);
			const ready = await fetch(`http://127.0.0.1:${this.healthPort}/healthz/readiness`).catch(
				() => undefined,
			);
			if (ready?.status === 200) return Date.now() - started;
		}
		throw new Error(`n8n worker not ready within 90 s; see ${this.logFile}`);
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

	/** Execution ids this worker's log says it started ("Worker started execution <id> (job <n>)"). */
	executionIds(): string[] {
		const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
		return [...text.matchAll(/Worker started execution (\d+) \(job/g)].map((match) => match[1]);
	}
}
