/**
 * n8n in queue mode on top of tools/n8n.ts: the environment for Postgres + Redis (Bull), and
 * `n8n worker` processes (which the launcher does not start). The main process is the launcher's `N8n`
 * with this environment; every worker is its own `N8n` (own user folder with the package installed,
 * own ports) whose `env()` is reused to spawn `n8n worker`.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { delay, freePort, N8n, n8nBin, type N8nInstall } from '../../../tools/n8n';

export interface QueueServices {
	postgres: { host: string; port: number; database: string; user: string; password: string };
	redis: { host: string; port: number; password?: string };
}

/** Reads what test/scale/run.sh exported. */
export function servicesFromEnv(env: NodeJS.ProcessEnv = process.env): QueueServices {
	const need = (name: string): string => {
		const value = env[name];
		if (!value) throw new Error(`${name} is not set; run this through test/scale/run.sh`);
		return value;
	};
	return {
		postgres: {
			host: need('SCALE_PG_HOST'),
			port: Number(need('SCALE_PG_PORT')),
			database: need('SCALE_PG_DATABASE'),
			user: need('SCALE_PG_USER'),
			password: need('SCALE_PG_PASSWORD'),
		},
		redis: {
			host: need('SCALE_REDIS_HOST'),
			port: Number(need('SCALE_REDIS_PORT')),
			password: env.SCALE_REDIS_PASSWORD || undefined,
		},
	};
}

/** What every process of one queue-mode n8n shares: queue mode, the Postgres database, the Redis queue. */
export function queueModeEnv(services: QueueServices): Record<string, string> {
	const { postgres, redis } = services;
	const env: Record<string, string> = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Short shutdowns: the test stops processes on purpose.
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
	if (redis.password) env.QUEUE_BULL_REDIS_PASSWORD = redis.password;
	return env;
}

export interface WorkerOptions {
	install: N8nInstall;
	userFolder: string;
	encryptionKey: string;
	services: QueueServices;
	concurrency?: number;
	env?: Record<string, string>;
	onSpawn?: (pid: number | undefined) => void;
}

/**
 * One `n8n worker` process. `start()` waits for its readiness endpoint (database migrated, Redis
 * connected, queue consumer set up); `kill()` sends a signal to its process group (SIGKILL: a crash);
 * `start()` again is a restart with the same user folder.
 */
export class N8nWorker {
	readonly n8n: N8n;
	readonly concurrency: number;
	healthPort = 0;
	private child?: ChildProcess;
	private exit?: Promise<number | null>;
	private readonly onSpawn?: (pid: number | undefined) => void;
	/** How many times this worker was started. */
	starts = 0;

	constructor(private readonly options: WorkerOptions) {
		this.concurrency = options.concurrency ?? 10;
		this.onSpawn = options.onSpawn;
		this.n8n = new N8n({
			install: options.install,
			userFolder: options.userFolder,
			encryptionKey: options.encryptionKey,
			logFile: join(options.userFolder, 'worker.log'),
			env: { ...queueModeEnv(options.services), ...(options.env ?? {}) },
		});
	}

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

	async start(timeoutMs = 90_000): Promise<number> {
		if (this.running) throw new Error('worker already running');
		await this.n8n.allocatePorts();
		if (!this.healthPort) {
			do this.healthPort = await freePort();
			while (this.healthPort === this.n8n.port || this.healthPort === this.n8n.brokerPort);
		}
		const started = Date.now();
		const log = createWriteStream(this.logFile, { flags: 'a' });
		log.write(`\n===== worker start ${this.starts + 1} at ${new Date().toISOString()} =====\n`);
		const child = spawn(
			this.options.install.nodeBin,
			[n8nBin(this.options.install), 'worker', `--concurrency=${this.concurrency}`],
			{
				env: {
					...this.n8n.env(),
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(this.healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
				cwd: this.options.userFolder,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			},
		);
		this.child = child;
		this.starts++;
		this.onSpawn?.(child.pid);
		child.stdout!.pipe(log, { end: false });
		child.stderr!.pipe(log, { end: false });
		let exited: number | null | undefined;
		this.exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		void this.exit.then((code) => (exited = code));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited !== undefined)
				throw new Error(`n8n worker exited with ${exited}; see ${this.logFile}`);
			try {
				const response = await fetch(`http://127.0.0.1:${this.healthPort}/healthz/readiness`);
				if (response.status === 200) return Date.now() - started;
			} catch {
				// not listening yet
			}
			await delay(250);
		}
		throw new Error(`n8n worker not ready within ${timeoutMs} ms; see ${this.logFile}`);
	}

	/** Signals the whole process group (the worker and its task runner). Resolves when the worker exited. */
	async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		const child = this.child;
		if (!child || child.pid === undefined) return;
		try {
			process.kill(-child.pid, signal);
		} catch {
			child.kill(signal);
		}
		await this.exit;
	}

	/** SIGTERM (n8n drains running jobs), SIGKILL after a grace period. */
	async stop(graceMs = 15_000): Promise<void> {
		const child = this.child;
		if (!child || !this.running) return;
		const pid = child.pid!;
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {
			child.kill('SIGTERM');
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// gone
			}
		}, graceMs);
		await this.exit;
		clearTimeout(timer);
	}

	/** Execution ids this worker's log says it started ("Worker started execution <id> (job <n>)"). */
	executionIds(): string[] {
		return executionIdsInLog(this.logFile);
	}
}

export function executionIdsInLog(logFile: string): string[] {
	if (!existsSync(logFile)) return [];
	const text = readFileSync(logFile, 'utf8');
	return [...text.matchAll(/Worker started execution (\d+) \(job/g)].map((match) => match[1]);
}
