/**
 * A small launcher for real n8n (the install scripts/install-n8n.sh caches), for the benchmarks:
 * one throw-away user folder, loopback only, its own ports; import credentials and workflows,
 * `n8n execute --id X --rawOutput`, and read each node's own executionTime from the run data.
 */
import { execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { freePort, installPackage as installPackageIntoUserFolder, n8nEnv } from '../../test/e2e/lib/n8n';

const ROOT = resolve(__dirname, '..', '..');

export interface N8nInstall {
	dir: string;
	nodeBin: string;
	version: string;
	nodeVersion: string;
}

/** Installs (first time, ~4 min) or finds the cached n8n 2.x; undefined when that fails. */
export function findN8n(): N8nInstall | undefined {
	try {
		const out = execFileSync('bash', [join(ROOT, 'scripts', 'install-n8n.sh'), '2'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const dir = out.trim().split('\n').pop()!.trim();
		const node24 = execFileSync('bash', ['-c', `. "${join(ROOT, 'scripts', 'lib.sh')}"; echo "$NODE24_DIR"`], {
			encoding: 'utf8',
		}).trim();
		const nodeBin = join(node24, 'bin', 'node');
		const version = (require(join(dir, 'node_modules', 'n8n', 'package.json')) as { version: string }).version;
		const nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
		return { dir, nodeBin, version, nodeVersion };
	} catch (error) {
		process.stderr.write(`[bench] real n8n is not available: ${(error as Error).message}\n`);
		return undefined;
	}
}

/** Per-node numbers of one run, from n8n's own execution data. */
export interface NodeRun {
	executionTime: number;
	items: number;
	error?: string;
	/** Items whose json has an `error` field (what "On Error: Continue" outputs for a failed item). */
	errorItems: number;
}

export interface ExecuteOutcome {
	exitCode: number | null;
	/** Wall time of the whole `n8n execute` process (boot included). */
	processMs: number;
	status?: string;
	/** stoppedAt − startedAt of the execution, when n8n printed them. */
	executionMs?: number;
	nodes: Record<string, NodeRun>;
	error?: string;
}

interface RawRun {
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
	data?: {
		resultData?: {
			error?: { message?: string };
			runData?: Record<
				string,
				Array<{
					executionTime?: number;
					error?: { message?: string; description?: string };
					data?: { main?: Array<Array<{ json?: Record<string, unknown> }> | null> };
				}>
			>;
		};
	};
}

export class N8nInstance {
	readonly userFolder: string;
	private readonly encryptionKey = randomBytes(24).toString('hex');
	private port = 0;
	private brokerPort = 0;

	constructor(readonly install: N8nInstall) {
		this.userFolder = mkdtempSync(join(tmpdir(), 'rr-bench-n8n-'));
	}

	async init(): Promise<void> {
		this.port = await freePort();
		do this.brokerPort = await freePort();
		while (this.brokerPort === this.port);
	}

	/** Copies a built package (package.json + dist/) where n8n loads community packages from. */
	installPackage(packageDir: string, name = 'n8n-nodes-ringready'): void {
		installPackageIntoUserFolder(this.userFolder, packageDir, name);
	}

	private env(): NodeJS.ProcessEnv {
		return n8nEnv({
			install: { line: 2, dir: this.install.dir, nodeBin: this.install.nodeBin },
			userFolder: this.userFolder,
			encryptionKey: this.encryptionKey,
			port: this.port,
			brokerPort: this.brokerPort,
		});
	}

	/**
	 * Runs `n8n <args>`. Output goes to files, not pipes: `n8n execute` exits right after printing
	 * the run, and a large run printed to a pipe loses its tail (pipe writes are asynchronous).
	 */
	async cli(args: string[], timeoutMs = 240_000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
		const started = Date.now();
		const base = join(this.userFolder, `cli-${randomBytes(4).toString('hex')}`);
		const out = openSync(`${base}.out`, 'w');
		const err = openSync(`${base}.err`, 'w');
		try {
			const code = await new Promise<number | null>((done, fail) => {
				const child = spawn(this.install.nodeBin, [join(this.install.dir, 'node_modules', 'n8n', 'bin', 'n8n'), ...args], {
					env: this.env(),
					cwd: this.userFolder,
					stdio: ['ignore', out, err],
					detached: true,
				});
				const timer = setTimeout(() => {
					try {
						process.kill(-child.pid!, 'SIGKILL');
					} catch {
						child.kill('SIGKILL');
					}
					fail(new Error(`n8n ${args[0]} timed out after ${timeoutMs} ms`));
				}, timeoutMs);
				child.on('error', (error) => {
					clearTimeout(timer);
					fail(error);
				});
				child.on('close', (exitCode) => {
					clearTimeout(timer);
					done(exitCode);
				});
			});
			return { code, stdout: readFileSync(`${base}.out`, 'utf8'), stderr: readFileSync(`${base}.err`, 'utf8'), ms: Date.now() - started };
		} finally {
			closeSync(out);
			closeSync(err);
			rmSync(`${base}.out`, { force: true });
			rmSync(`${base}.err`, { force: true });
		}
	}

	private writeInput(name: string, data: unknown): string {
		const file = join(this.userFolder, `${name}-${randomBytes(3).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(data));
		return file;
	}

	async importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>): Promise<void> {
		const file = this.writeInput('credentials', credentials.map((c) => ({ ...c, isManaged: false })));
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`n8n import:credentials failed:\n${tail(result.stdout + result.stderr)}`);
	}

	async importWorkflows(workflows: object[]): Promise<void> {
		const file = this.writeInput('workflows', workflows);
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`n8n import:workflow failed:\n${tail(result.stdout + result.stderr)}`);
	}

	async execute(workflowId: string): Promise<ExecuteOutcome> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const run = extractJson(result.stdout);
		const outcome: ExecuteOutcome = { exitCode: result.code, processMs: result.ms, nodes: {} };
		if (!run) {
			const dump = join(ROOT, 'bench', 'out', `n8n-execute-${workflowId}-${Date.now()}.log`);
			mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
			writeFileSync(dump, `${result.stdout}\n----- stderr -----\n${result.stderr}`);
			outcome.error = `no run data in n8n's output (exit ${result.code}); output saved to ${dump}`;
			return outcome;
		}
		outcome.status = run.status;
		if (run.startedAt && run.stoppedAt) outcome.executionMs = Date.parse(run.stoppedAt) - Date.parse(run.startedAt);
		outcome.error = run.data?.resultData?.error?.message;
		for (const [name, runs] of Object.entries(run.data?.resultData?.runData ?? {})) {
			const first = runs[0];
			const items = first?.data?.main?.[0] ?? [];
			outcome.nodes[name] = {
				executionTime: first?.executionTime ?? Number.NaN,
				items: items.length,
				errorItems: items.filter((item) => item.json && 'error' in item.json).length,
				error: first?.error ? [first.error.message, first.error.description].filter(Boolean).join(' — ') : undefined,
			};
		}
		return outcome;
	}

	dispose(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** n8n prints the run through its logger: the JSON is from the first line "{" to the last line "}". */
function extractJson(stdout: string): RawRun | undefined {
	const lines = stdout.split('\n');
	const first = lines.indexOf('{');
	const last = lines.lastIndexOf('}');
	if (first < 0 || last < first) return undefined;
	try {
		return JSON.parse(lines.slice(first, last + 1).join('\n')) as RawRun;
	} catch {
		return undefined;
	}
}

function tail(text: string, lines = 30): string {
	return text.split('\n').slice(-lines).join('\n');
}
