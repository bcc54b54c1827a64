/**
 * npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--controls | --no-controls] [--latency 20]
 *                    [--seed N] [--conversations N] [--conversations-b N]
 *
 * Starts the sandbox RingReady API (controls ON by default here), prints its URL, demo keys and
 * agents, and runs until Ctrl-C / SIGTERM. Scripts can wait for the line
 * "RingReady sandbox listening on <url>".
 */
import { startSandbox, type SandboxOptions } from './index';

function usage(message?: string): never {
	if (message) process.stderr.write(`${message}\n`);
	process.stderr.write(
		'Usage: npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--controls|--no-controls] [--latency MS] [--seed N] [--conversations N] [--conversations-b N]\n',
	);
	process.exit(message ? 2 : 0);
}

function parseArgs(argv: string[]): SandboxOptions {
	const opts: SandboxOptions = { port: 4010, host: '127.0.0.1', controls: true };
	const counts: { A?: number; B?: number } = {};
	const num = (name: string, value: string | undefined): number => {
		const n = Number(value);
		if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0)
			usage(`${name} needs a number`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=')
			? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
			: [arg, undefined];
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				opts.port = num(flag, value());
				break;
			case '--host':
				opts.host = value();
				break;
			case '--controls':
				opts.controls = true;
				break;
			case '--no-controls':
				opts.controls = false;
				break;
			case '--latency':
				opts.latencyMs = num(flag, value());
				break;
			case '--seed':
				opts.seed = num(flag, value());
				break;
			case '--conversations':
				counts.A = num(flag, value());
				break;
			case '--conversations-b':
				counts.B = num(flag, value());
				break;
			case '-h':
			case '--help':
				usage();
				break;
			default:
				usage(`Unknown option ${arg}`);
		}
	}
	opts.conversationsPerAccount = counts;
	return opts;
}

async function main(): Promise<void> {
	const opts = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox(opts);
	const agentsA = sandbox.control.agents('A');
	const agentsB = sandbox.control.agents('B');
	const out = [
		'',
		`RingReady sandbox listening on ${sandbox.url}`,
		'',
		`  Seed ${opts.seed ?? 1}: ${sandbox.control.conversations('A').length} conversations for account A, ${sandbox.control.conversations('B').length} for account B.`,
		`  Controls: ${opts.controls ? `ON (POST ${sandbox.url}/__sandbox/latency | faults | rate-limit | conversations | reset, GET ${sandbox.url}/__sandbox/requests)` : 'OFF'}`,
		`  Latency: ${opts.latencyMs ?? 0} ms`,
		`  Recordings: ${sandbox.url}/recordings/<id>.mp3|wav (with the key) and ${sandbox.mediaUrl}/recordings/<id>.mp3|wav (no key)`,
		'',
		'  Demo API keys (Authorization: Bearer <key>):',
		`    account A (user 142, you@example.com)  read+write  ${sandbox.keys.readWrite}`,
		`    account A                              read        ${sandbox.keys.readOnly}`,
		`    account A                              write       ${sandbox.keys.writeOnly}`,
		`    account A                              revoked     ${sandbox.keys.revoked}`,
		`    account B (user 207)                   read+write  ${sandbox.keys.otherAccount}`,
		'',
		'  Agents:',
		...agentsA.map(
			(a) =>
				`    account A  id ${a.id}  ${a.agent_name} — ${a.business_name}${a.is_suspended ? ' (suspended)' : ''}`,
		),
		...agentsB.map(
			(a) =>
				`    account B  id ${a.id}  ${a.agent_name} — ${a.business_name}${a.is_suspended ? ' (suspended)' : ''}`,
		),
		'',
		`  In n8n: credential "RingReady API", Base URL ${sandbox.url}, API key ${sandbox.keys.readWrite}`,
		`  OpenAPI: ${sandbox.url}/api/v1/openapi.json`,
		'  Ctrl-C to stop.',
		'',
	];
	process.stdout.write(out.join('\n') + '\n');

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		process.stdout.write(`\nRingReady sandbox stopping (${signal})\n`);
		sandbox.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
	process.stderr.write(
		`RingReady sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
	);
	process.exit(1);
});
