/**
 * `npm run sandbox`: starts the sandbox RingReady API (controls ON by default here), prints its URL,
 * demo keys and agents, and runs until Ctrl-C / SIGTERM. Scripts can wait for the line
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
	const num = (name: 'port' | 'latency' | 'seed' | 'conversations' | 'conversations-b') => {
		const value = values[name];
		if (value === undefined) return undefined;
		const n = Number(value);
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
	const { url, keys, control } = sandbox;
	const agents = (['A', 'B'] as const).flatMap((account) =>
		control
			.agents(account)
			.map(
				(a) =>
					`    account ${account}  id ${a.id}  ${a.agent_name} — ${a.business_name}${a.is_suspended ? ' (suspended)' : ''}`,
			),
	);
	const recordings = '/recordings/<id>.mp3|wav';
	const out = [
		'',
		`RingReady sandbox listening on ${url}`,
		'',
		`  Seed ${opts.seed}: ${control.conversations('A').length} conversations for account A, ${control.conversations('B').length} for account B.`,
		`  Controls: ${opts.controls ? `ON (POST ${url}/__sandbox/latency | faults | rate-limit | conversations | reset, GET ${url}/__sandbox/requests)` : 'OFF'}`,
		`  Latency: ${opts.latencyMs} ms`,
		`  Recordings: ${url}${recordings} (with the key) and ${sandbox.mediaUrl}${recordings} (no key)`,
		'',
		'  Demo API keys (Authorization: Bearer <key>):',
		`    account A (user 142, you@example.com)  read+write  ${keys.readWrite}`,
		`    account A                              read        ${keys.readOnly}`,
		`    account A                              write       ${keys.writeOnly}`,
		`    account A                              revoked     ${keys.revoked}`,
		`    account B (user 207)                   read+write  ${keys.otherAccount}`,
		'',
		'  Agents:',
		...agents,
		'',
		`  In n8n: credential "RingReady API", Base URL ${url}, API key ${keys.readWrite}`,
		`  OpenAPI: ${url}/api/v1/openapi.json`,
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
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));
}

main().catch((e: unknown) => {
	process.stderr.write(
		`RingReady sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`,
	);
	process.exit(1);
});
