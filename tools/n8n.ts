/**
 * The one launcher for real n8n (e2e, scale, bench, `npm run dev`, the UI journey): one `N8n` = one
 * user folder, its own ports, loopback only; `rest` talks to the server the way the editor does.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import {
	closeSync,
	cpSync,
	existsSync,
	mkdirSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'fs';
import { createServer } from 'net';
import { createRequire } from 'module';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

export type N8nLine = 1 | 2;

/** `dir` holds node_modules/n8n; `nodeBin` runs it (Node 24 for 2.x, the machine's Node 20 for 1.x). */
export interface N8nInstall {
	line: N8nLine;
	dir: string;
	nodeBin: string;
}

export interface CliResult {
	code: number | null;
	/** The signal that ended the process when it did not exit by itself. */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

/** Real n8n of the line from the cache, installed on first use: `find_n8n` in tools/lib.sh. */
export function ensureN8n(line: N8nLine): N8nInstall {
	const [dir, nodeBin] = execFileSync(
		'bash',
		[
			'-c',
			`. "${join(ROOT, 'tools', 'lib.sh')}" && find_n8n ${line} && echo "$n8n_dir" && echo "$n8n_node"`,
		],
		{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
	)
		.trim()
		.split('\n')
		.slice(-2);
	if (!existsSync(n8nBin({ line, dir, nodeBin }))) throw new Error(`no n8n in ${dir}`);
	return { line, dir, nodeBin };
}

export function n8nVersion(install: N8nInstall): string {
	const manifest = join(install.dir, 'node_modules', 'n8n', 'package.json');
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export const n8nBin = (install: N8nInstall) =>
	join(install.dir, 'node_modules', 'n8n', 'bin', 'n8n');

/**
 * Ports handed out by this process: n8n binds its ports only when it starts, so a port free now could
 * be handed to a second n8n of the same run before the first binds it. Never twice.
 */
const handedOut = new Set<number>();

/** Listens on `port` of 127.0.0.1 (0: any) and closes again; the port, or 0 when it is taken. */
const probe = (port: number) =>
	new Promise<number>((resolve) => {
		const server = createServer().unref();
		server.once('error', () => resolve(0));
		server.listen(port, '127.0.0.1', () => {
			const { port: bound } = server.address() as { port: number };
			server.close(() => resolve(bound));
		});
	});

/** A free TCP port on 127.0.0.1, never one handed out before. */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await probe(0);
		if (port && !handedOut.has(port)) return handedOut.add(port) && port;
	}
}

/** The wanted port when it is free, another free one otherwise. */
export async function preferredPort(wanted: number): Promise<number> {
	if (handedOut.has(wanted) || !(await probe(wanted))) return await freePort();
	handedOut.add(wanted);
	return wanted;
}

/** Installs the unpacked `npm pack` tarball the way n8n installs a community package. */
export function installPackage(
	userFolder: string,
	packageDir: string,
	name = 'n8n-nodes-ringready',
) {
	const nodes = join(userFolder, '.n8n', 'nodes');
	const target = join(nodes, 'node_modules', name);
	const holder = join(nodes, 'package.json');
	mkdirSync(nodes, { recursive: true });
	const installed: { dependencies?: Record<string, string> } = existsSync(holder)
		? JSON.parse(readFileSync(holder, 'utf8'))
		: { name: 'installed-nodes', private: true };
	installed.dependencies = { ...installed.dependencies, [name]: '*' };
	writeFileSync(holder, JSON.stringify(installed));
	rmSync(target, { recursive: true, force: true });
	cpSync(packageDir, target, { recursive: true });
	return target;
}

/** n8n's durable, database-backed scheduler for poll triggers (2.36+; opt-in on 2.41, default from 2.45). */
export const DURABLE_SCHEDULER_ENV: Record<string, string> = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

/** The environment for a quiet, isolated, loopback-only n8n (see shared/real-n8n-notes.md). */
function n8nEnv(o: N8n): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		PATH: `${join(o.install.nodeBin, '..')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
		HOME: process.env.HOME,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: o.userFolder,
		N8N_ENCRYPTION_KEY: o.encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: 'info',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(o.port || 5678),
		N8N_RUNNERS_BROKER_PORT: String(o.brokerPort || 5679),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_NO_COLOR: 'true',
		NO_COLOR: '1',
	};
	if (o.install.line === 2) env.N8N_DISABLED_MODULES = 'mcp-registry';
	if (o.install.line === 1) env.N8N_EXPRESSION_ENGINE = 'legacy';
	if (process.env.RR_N8N_NODE_OPTIONS) env.NODE_OPTIONS = process.env.RR_N8N_NODE_OPTIONS; // e.g. --cpu-prof
	return env;
}

export interface N8nOptions {
	install: N8nInstall;
	userFolder: string;
	port?: number;
	brokerPort?: number;
	encryptionKey?: string;
	/** The server's stdout/stderr (default: <userFolder>/n8n.log). */
	logFile?: string;
	env?: Record<string, string>;
	/** Called with the process group id of every n8n process started (see pidRecorder). */
	onSpawn?: (pid: number | undefined) => void;
}

export class N8n {
	readonly install: N8nInstall;
	readonly userFolder: string;
	readonly logFile: string;
	port = 0;
	brokerPort = 0;
	readonly encryptionKey: string;
	private readonly extraEnv: Record<string, string>;
	private readonly onSpawn?: (pid: number | undefined) => void;
	private server?: ChildProcess;
	private serverExit?: Promise<number | null>;
	readonly rest: Rest;

	constructor(options: N8nOptions) {
		({ install: this.install, userFolder: this.userFolder, onSpawn: this.onSpawn } = options);
		this.port = options.port ?? 0;
		this.brokerPort = options.brokerPort ?? 0;
		this.encryptionKey = options.encryptionKey ?? randomBytes(24).toString('hex');
		this.logFile = options.logFile ?? join(options.userFolder, 'n8n.log');
		this.extraEnv = options.env ?? {};
		mkdirSync(this.userFolder, { recursive: true });
		this.rest = new Rest(() => `http://127.0.0.1:${this.port}`);
	}

	async allocatePorts(): Promise<void> {
		if (!this.port) this.port = await freePort();
		if (!this.brokerPort) {
			do this.brokerPort = await freePort();
			while (this.brokerPort === this.port);
		}
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(): NodeJS.ProcessEnv {
		return { ...n8nEnv(this), ...this.extraEnv };
	}

	/** `n8n <args>` in its own process group, its output to the files `out` and `err`. */
	private spawn(args: string[], out: number, err: number): ChildProcess {
		const child = spawn(this.install.nodeBin, [n8nBin(this.install), ...args], {
			env: this.env(),
			cwd: this.userFolder,
			stdio: ['ignore', out, err],
			detached: true,
		});
		this.onSpawn?.(child.pid);
		return child;
	}

	/**
	 * Runs `n8n <args>` to completion. Output goes to files, not pipes: `n8n execute` exits right after
	 * printing the run, and a large run printed to a pipe loses its tail (pipe writes are asynchronous).
	 */
	async cli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
		const started = Date.now();
		const dir = join(this.userFolder, 'cli');
		mkdirSync(dir, { recursive: true });
		const base = join(dir, `${args[0]?.replace(/\W+/g, '-')}-${randomBytes(4).toString('hex')}`);
		const out = openSync(`${base}.out`, 'w');
		const err = openSync(`${base}.err`, 'w');
		const read = () => ({
			stdout: readFileSync(`${base}.out`, 'utf8'),
			stderr: readFileSync(`${base}.err`, 'utf8'),
		});
		try {
			const ended = await new Promise<Pick<CliResult, 'code' | 'signal'>>((done, fail) => {
				const child = this.spawn(args, out, err);
				const timer = setTimeout(() => {
					killGroup(child, 'SIGKILL');
					const { stdout, stderr } = read();
					fail(
						new Error(`n8n ${args[0]} timed out after ${timeoutMs} ms\n${tail(stdout + stderr)}`),
					);
				}, timeoutMs);
				child.on('error', fail);
				child.on('close', (code, signal) => {
					clearTimeout(timer);
					done({ code, signal });
				});
			});
			return { ...ended, ...read(), ms: Date.now() - started };
		} finally {
			for (const fd of [out, err]) closeSync(fd);
			for (const file of [`${base}.out`, `${base}.err`]) rmSync(file, { force: true });
		}
	}

	async cliOk(args: string[], timeoutMs?: number): Promise<CliResult> {
		const result = await this.cli(args, timeoutMs);
		if (result.code !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code ?? result.signal}\n${tail(result.stdout + result.stderr)}`,
			);
		}
		return result;
	}

	/** `n8n import:<kind>` of `data`, written to a file of the user folder. */
	private async import(kind: 'credentials' | 'workflow', data: object[]): Promise<void> {
		const dir = join(this.userFolder, 'inputs');
		mkdirSync(dir, { recursive: true });
		const file = join(dir, `${kind}-${Date.now()}-${randomBytes(3).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(data, null, 2));
		await this.cliOk([`import:${kind}`, `--input=${file}`]);
	}

	/** Credentials in n8n's export shape with plain `data` (n8n encrypts them on import). */
	async importCredentials(credentials: ImportCredential[]): Promise<void> {
		await this.import(
			'credentials',
			credentials.map((c) => ({ ...c, isManaged: false })),
		);
	}

	async importWorkflows(workflows: object[]): Promise<void> {
		await this.import('workflow', workflows);
	}

	/** `n8n execute --id=<id> --rawOutput`: the run data, or the failure with its output. */
	async execute(workflowId: string): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], 180_000);
		return { ...result, run: extractJson(result.stdout) };
	}

	/** Makes the workflow active at the next `n8n start` (publish on 2.x, update --active on 1.x). */
	async activate(workflowId: string): Promise<void> {
		if (this.install.line === 2) await this.cliOk(['publish:workflow', `--id=${workflowId}`]);
		else await this.cliOk(['update:workflow', `--id=${workflowId}`, '--active=true']);
	}

	/** Starts `n8n start` and waits until its REST API answers. */
	async start(timeoutMs = 90_000): Promise<void> {
		if (this.server) throw new Error('n8n is already running');
		await this.allocatePorts();
		const log = openSync(this.logFile, 'a');
		const child = this.spawn(['start'], log, log);
		closeSync(log);
		this.server = child;
		this.serverExit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		// Until n8n is fully up every path answers "n8n is starting up"; settings come as JSON after.
		await until(
			async () => {
				if (child.exitCode !== null || child.signalCode !== null)
					throw new Error(`n8n start exited with ${child.exitCode}; see ${this.logFile}`);
				const settings = await fetch(`${this.baseUrl}/rest/settings`).catch(() => undefined);
				return settings?.ok && settings.headers.get('content-type')?.includes('json');
			},
			timeoutMs,
			`n8n to answer; see ${this.logFile}`,
		);
	}

	/** SIGTERM to the server's process group (it takes its task runner along), SIGKILL after a grace period. */
	async stop(graceMs = 10_000): Promise<void> {
		const child = this.server;
		if (!child) return;
		this.server = undefined;
		if (child.exitCode === null && child.signalCode === null) {
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
			await this.serverExit;
			clearTimeout(timer);
		}
	}

	/**
	 * A test run as the editor starts it ("Execute workflow", or a trigger's "Fetch Test Event" with
	 * `destinationNode`), then its run once ended; `onWaiting` is called once if it waits (a Wait node).
	 */
	async testRun(
		workflowId: string,
		start: { triggerToStartFrom: { name: string }; destinationNode?: object },
		timeoutMs: number,
		onWaiting?: (executionId: string, data: RunData['data']) => Promise<void>,
	): Promise<RunData & { text: string }> {
		const workflowData = await this.rest.call('GET', `/rest/workflows/${workflowId}`);
		const { executionId } = await this.rest.call<{ executionId?: string }>(
			'POST',
			`/rest/workflows/${workflowId}/run`,
			{ workflowData, ...start },
		);
		if (!executionId) throw new Error(`no execution id for a test run of ${workflowId}`);
		let execution: { status?: string; data?: string } = {};
		let data: RunData['data'] | undefined;
		// n8n 1.x saves an execution's status and its data in two writes: both are waited for.
		await until(
			async () => {
				execution = await this.rest.call('GET', `/rest/executions/${executionId}`);
				data = execution.data ? (this.flatted().parse(execution.data) as typeof data) : undefined;
				if (execution.status === 'waiting' && onWaiting && data?.resultData) {
					const resume = onWaiting;
					onWaiting = undefined;
					await resume(executionId, data);
				}
				const ended = !['new', 'running', 'waiting', undefined].includes(execution.status);
				return ended && (execution.status !== 'success' || data?.resultData?.runData);
			},
			timeoutMs,
			() => `execution ${executionId} (${execution.status}) to end with its data`,
			300,
		);
		if (execution.status !== 'success' || !data) {
			const error = data?.resultData.error;
			throw new Error(
				`execution ${executionId} ended "${execution.status}": ${error?.node?.name ?? ''} ${error?.message ?? ''} ${error?.description ?? ''}`,
			);
		}
		return { status: execution.status, data, text: execution.data ?? '' };
	}

	/** n8n's own `flatted` module (execution data in the REST API is flatted). */
	flatted(): { parse: (text: string) => unknown } {
		const fromN8n = createRequire(join(this.install.dir, 'node_modules', 'n8n', 'package.json'));
		return fromN8n('flatted') as { parse: (text: string) => unknown };
	}

	installPackage(packageDir: string, name?: string): string {
		return installPackage(this.userFolder, packageDir, name);
	}
}

export interface ImportCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface ExecuteResult extends CliResult {
	run: RunData | undefined;
}

/** The parts of n8n's IRun the checks read. */
export interface RunData {
	status?: string;
	finished?: boolean;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			error?: { message?: string; description?: string; node?: { name?: string } };
			runData: Record<
				string,
				Array<{
					startTime?: number;
					executionTime?: number;
					error?: { message?: string; description?: string };
					data?: {
						main?: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }> | null>;
					};
				}>
			>;
		};
	};
}

/** The JSON n8n prints through its logger: from the first line `{` to the last line `}`. */
export function extractJson(stdout: string): RunData | undefined {
	const lines = stdout.split('\n');
	const first = lines.indexOf('{');
	const last = lines.lastIndexOf('}');
	if (first < 0 || last < first) return undefined;
	try {
		return JSON.parse(lines.slice(first, last + 1).join('\n')) as RunData;
	} catch {
		return undefined;
	}
}

/** An item's file as n8n keeps it: the content in `data` (base64) unless stored elsewhere (`id`). */
export interface BinaryFile {
	data?: string;
	id?: string;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	bytes?: number;
}

/** Every item (json and files) a node output on its first output in its first run. */
export function nodeItems(run: RunData | undefined, nodeName: string) {
	const runs = run?.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) throw new Error(`node "${nodeName}" did not run`);
	if (runs[0].error) throw new Error(`node "${nodeName}" failed: ${runs[0].error.message}`);
	return (runs[0].data?.main?.[0] ?? []) as Array<{
		json: Record<string, unknown>;
		binary?: Record<string, BinaryFile>;
	}>;
}

/** The json of every item a node output on its first output in its first run. */
export function nodeOutput(run: RunData | undefined, nodeName: string) {
	return nodeItems(run, nodeName).map((item) => item.json);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	try {
		if (child.pid !== undefined) process.kill(-child.pid, signal);
	} catch {
		child.kill(signal); // no group; never throws
	}
}

export const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `check()`'s first truthy value, asked every `everyMs`; an error naming `what` after `timeoutMs`. */
export async function until<T>(
	check: () => T | Promise<T>,
	timeoutMs: number,
	what: string | (() => string),
	everyMs = 250,
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(
				`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === 'string' ? what : what()}`,
			);
		await delay(everyMs);
	}
}

/** The internal REST API, with a session cookie and a browser id like the editor's. */
export class Rest {
	private cookie = '';
	private readonly browserId = randomBytes(8).toString('hex');

	constructor(private readonly base: () => string) {}

	async request<T = unknown>(
		method: string,
		path: string,
		body?: unknown,
	): Promise<{ status: number; body: T }> {
		const headers: Record<string, string> = {
			'browser-id': this.browserId,
			accept: 'application/json',
		};
		if (this.cookie) headers.cookie = this.cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.base()}${path}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		const auth = setCookie && /n8n-auth=[^;]+/.exec(setCookie);
		if (auth) this.cookie = auth[0];
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON
		}
		return { status: response.status, body: parsed as T };
	}

	/** Every node type the editor gets: n8n writes the list in the background after it starts. */
	async nodeTypes<T>(): Promise<T[]> {
		return await until(
			async () => {
				const { status, body } = await this.request<T[]>('GET', '/types/nodes.json');
				return status === 200 && Array.isArray(body) ? body : undefined;
			},
			60_000,
			'/types/nodes.json to list the node types',
		);
	}

	/** The `data` of a 2xx answer; throws with the status and body otherwise. */
	async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await this.request<{ data?: T }>(method, path, body);
		if (response.status < 200 || response.status > 299) {
			throw new Error(
				`${method} ${path} → ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`,
			);
		}
		const payload = response.body as { data?: T } | T;
		return payload && typeof payload === 'object' && 'data' in payload
			? payload.data!
			: (payload as T);
	}

	/** Creates the instance owner (first start) and keeps the session cookie. */
	async setupOwner(owner: {
		email: string;
		password: string;
		firstName: string;
		lastName: string;
	}): Promise<void> {
		await this.call('POST', '/rest/owner/setup', owner);
	}
}
