/**
 * The `npm run dev` environment, also used by test/ui/journey.ts: build and pack the package,
 * install real n8n once, start the sandbox with demo data (or use a real RingReady), start n8n on
 * 127.0.0.1 with the package, a "RingReady Sandbox" credential, the example workflows and an owner login.
 */
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { startSandbox, type Sandbox } from '../test/sandbox';
import { ensureN8n, N8n, preferredPort, type N8nLine } from '../tools/n8n';
import { packPackage } from '../tools/package';

export const ROOT = resolve(__dirname, '..');

type Log = (message: string) => void;

/** Recent activity, so "since last week" and the trigger's test event have something to show. */
function addDemoConversations(sandbox: Sandbox): number {
	const hour = 3_600_000;
	let added = 0;
	sandbox.agentIds.A.forEach((agentId, index) => {
		const perAgent = index === 0 ? 9 : 4;
		for (let i = 0; i < perAgent; i++) {
			const ago = ((i + 0.5) / perAgent) * 6.5 * 24 * hour + index * 1.7 * hour;
			const startedAt = new Date(Date.now() - ago).toISOString().replace(/\.\d{3}Z$/, 'Z');
			added += sandbox.control.addConversations({ count: 1, agentId, startedAt }).length;
		}
	});
	return added;
}

export type Login = { email: string; password: string };

export interface DevEnvironmentOptions {
	/** n8n's user folder (N8N_USER_FOLDER); kept between runs. */
	userFolder: string;
	line?: N8nLine;
	n8nPort?: number;
	sandboxPort?: number;
	/** A real RingReady instead of the sandbox. */
	real?: { baseUrl: string; apiKey: string };
	/** Import the examples even if this user folder already has them. */
	reimportExamples?: boolean;
	log?: Log;
}

export interface DevEnvironment {
	n8n: N8n;
	sandbox?: Sandbox;
	baseUrl: string;
	login: Login;
	apiBaseUrl: string;
	stop(): Promise<void>;
}

/** The example workflows `npm run dev` imports: every examples/*.json. */
export function exampleWorkflowFiles(): string[] {
	const examplesDir = join(ROOT, 'examples');
	return readdirSync(examplesDir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => join(examplesDir, file));
}

function readOrCreate(file: string, create: () => string): string {
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const value = create();
	writeFileSync(file, `${value}\n`, { mode: 0o600 });
	return value;
}

/** Stops an n8n a previous run left behind (its process group id is in the pid file). */
function stopStale(pidFile: string, log: Log): void {
	if (!existsSync(pidFile)) return;
	const pid = Number(readFileSync(pidFile, 'utf8').trim());
	rmSync(pidFile, { force: true });
	if (!Number.isInteger(pid) || pid <= 1) return;
	try {
		const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		if (!cmdline.includes('n8n')) return;
		process.kill(-pid, 'SIGTERM');
		log(`stopped n8n left running by a previous run (pid ${pid})`);
	} catch {
		// not running any more
	}
}

export async function startDevEnvironment(options: DevEnvironmentOptions): Promise<DevEnvironment> {
	const log = options.log ?? ((message: string) => process.stdout.write(`[dev] ${message}\n`));
	const line = options.line ?? 2;
	const userFolder = resolve(options.userFolder);
	mkdirSync(userFolder, { recursive: true });
	const pidFile = join(userFolder, 'n8n.pid');
	stopStale(pidFile, log);

	log('building and packing the package (npm run build, npm pack) ...');
	const packageDir = packPackage(join(userFolder, 'pack'));
	const install = ensureN8n(line);

	let sandbox: Sandbox | undefined;
	let apiBaseUrl: string;
	let apiKey: string;
	if (options.real) {
		apiBaseUrl = options.real.baseUrl.replace(/\/+$/, '');
		apiKey = options.real.apiKey;
		log(`using the RingReady API at ${apiBaseUrl} (key ${apiKey.slice(0, 12)}…)`);
	} else {
		sandbox = await startSandbox({
			port: await preferredPort(options.sandboxPort ?? 4010),
			controls: true,
		});
		const added = addDemoConversations(sandbox);
		apiBaseUrl = sandbox.url;
		apiKey = sandbox.keys.readWrite;
		log(
			`sandbox RingReady API on ${sandbox.url} (${added} demo conversations from the last week added)`,
		);
	}

	const encryptionKey = readOrCreate(join(userFolder, 'encryption-key'), () =>
		randomBytes(24).toString('hex'),
	);
	const n8n = new N8n({
		install,
		userFolder,
		encryptionKey,
		port: await preferredPort(options.n8nPort ?? 5678),
		logFile: join(userFolder, 'n8n.log'),
		onSpawn: (pid) => {
			if (pid) writeFileSync(pidFile, `${pid}\n`);
		},
	});
	await n8n.allocatePorts();
	const stop = async () => {
		await n8n.stop();
		rmSync(pidFile, { force: true });
		await sandbox?.close();
	};
	let login: Login;
	try {
		n8n.installPackage(packageDir);
		log(`installed n8n-nodes-ringready into ${join(userFolder, '.n8n', 'nodes')}`);
		// Same id either way, so the examples (which name "RingReady Sandbox") use it; the name tells which it is.
		const name = sandbox ? 'RingReady Sandbox' : `RingReady (${new URL(apiBaseUrl).host})`;
		log(`credential "${name}" → ${apiBaseUrl}`);
		const data = { apiKey, baseUrl: apiBaseUrl };
		await n8n.importCredentials([{ id: 'ringreadySandbox', name, type: 'ringReadyApi', data }]);
		const examplesMarker = join(userFolder, 'examples-imported');
		if (options.reimportExamples || !existsSync(examplesMarker)) {
			const examples = exampleWorkflowFiles().map(
				(file) => JSON.parse(readFileSync(file, 'utf8')) as object,
			);
			await n8n.importWorkflows(examples);
			writeFileSync(examplesMarker, `${new Date().toISOString()}\n`);
			log(`imported ${examples.length} example workflows`);
		}
		log(`starting n8n ${line}.x on ${n8n.baseUrl} (log: ${n8n.logFile}) ...`);
		await n8n.start(180_000);
		const loginFile = join(userFolder, 'login.json');
		if (existsSync(loginFile)) {
			login = JSON.parse(readFileSync(loginFile, 'utf8')) as Login;
		} else {
			login = {
				email: 'dev@ringready.local',
				password: `Rr-${randomBytes(6).toString('hex')}-dev`,
			};
			await n8n.rest.setupOwner({ ...login, firstName: 'RingReady', lastName: 'Developer' });
			writeFileSync(loginFile, JSON.stringify(login, null, 2), { mode: 0o600 });
		}
	} catch (error) {
		await stop();
		throw error;
	}
	return { n8n, sandbox, baseUrl: n8n.baseUrl, login, apiBaseUrl, stop };
}
