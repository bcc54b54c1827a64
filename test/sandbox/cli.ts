/**
 * npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--controls | --no-controls] [--latency 20]
 *                    [--seed N] [--conversations N] [--conversations-b N]
 *
 * Starts the sandbox RingReady API (controls ON by default here), prints its URL, demo keys and
 * agents, and runs until Ctrl-C / SIGTERM. Scripts can wait for the line
 * "RingReady sandbox listening on <url>".
 */
import { parseArgs } from 'util';

import { startSandbox } from './index';

const USAGE =
	'Usage: npm run sandbox -- [--port 4010] [--host 127.0.0.1] [--controls|--no-controls] [--latency MS] [--seed N] [--conversations N] [--conversations-b N]\n';

function options() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '4010' },
			host: { type: 'string', default: '127.0.0.1' },
			controls: { type: 'boolean', default: true },
			'no-controls': { type: 'boolean' },
			latency: { type: 'string', default: '0' },
			seed: { type: 'string', default: '1' },
			conversations: { type: 'string' },
			'conversations-b': { type: 'string' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		process.exit(0);
	}
	const num = (name: keyof typeof values) => {
		const value = values[name] as string | undefined;
		const n = Number(value);
		if (value === undefined) return undefined;
		if (value.trim() === '' || !Number.isFinite(n) || n < 0)
			throw new Error(`--${name} needs a number`);
		return n;
	};
	return {
		port: num('port'),
		host: values.host,
		controls: values.controls && !values['no-controls'],
		latencyMs: num('latency'),
		seed: num('seed'),
		conversationsPerAccount: { A: num('conversations'), B: num('conversations-b') },
	};
}

async function main(): Promise<void> {
	let opts: ReturnType<typeof options>;
	try {
		opts = options();
	} catch (e) {
		process.stderr.write(`${(e as Error).message}\n${USAGE}`);
		process.exit(2);
	}
	const sandbox = await startSandbox(opts);
	const agents = (['A', 'B'] as const).flatMap((account) =>
		sandbox.control
			.agents(account)
			.map(
				(a) =>
					`    account ${account}  id ${a.id}  ${a.agent_name} — ${a.business_name}${a.is_suspended ? ' (suspended)' : ''}`,
			),
	);
	const out = [
		'',
		`RingReady sandbox listening on ${sandbox.url}`,
		'',
		`  Seed ${opts.seed}: ${sandbox.control.conversations('A').length} conversations for account A, ${sandbox.control.conversations('B').length} for account B.`,
		`  Controls: ${opts.controls ? `ON (POST ${sandbox.url}/__sandbox/latency | faults | rate-limit | conversations | reset, GET ${sandbox.url}/__sandbox/requests)` : 'OFF'}`,
		`  Latency: ${opts.latencyMs} ms`,
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
		...agents,
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
