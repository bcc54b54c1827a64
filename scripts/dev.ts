/**
 * npm run dev: real n8n on 127.0.0.1 with this package, the sandbox with demo data, a "RingReady
 * Sandbox" credential and the example workflows; prints the editor URL and login; Ctrl-C stops all.
 * Its environment variables are in docs/development.md → Try it in real n8n.
 */
import { join } from 'path';

import { exampleWorkflowFiles, ROOT, startDevEnvironment, type DevEnvironment } from './dev-env';

const log = (message: string) => process.stdout.write(`[dev] ${message}\n`);

async function main(): Promise<void> {
	const baseUrl = process.env.RINGREADY_BASE_URL?.trim();
	const apiKey = process.env.RINGREADY_API_KEY?.trim();
	if (Boolean(baseUrl) !== Boolean(apiKey)) {
		throw new Error(
			'Set both RINGREADY_BASE_URL and RINGREADY_API_KEY to use a real RingReady (or neither for the sandbox).',
		);
	}
	let env: DevEnvironment | undefined;
	let stopping = false;
	let traffic: NodeJS.Timeout | undefined;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		clearInterval(traffic);
		log('stopping n8n and the sandbox ...');
		await env?.stop();
		log('stopped');
		process.exit(0);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop());

	env = await startDevEnvironment({
		userFolder: join(ROOT, '.n8n-dev'),
		line: process.env.DEV_N8N_LINE === '1' ? 1 : 2,
		n8nPort: Number(process.env.DEV_N8N_PORT ?? 5678),
		sandboxPort: Number(process.env.DEV_SANDBOX_PORT ?? 4010),
		real: baseUrl && apiKey ? { baseUrl, apiKey } : undefined,
		reimportExamples: process.env.DEV_REIMPORT_EXAMPLES === '1',
		log,
	});
	if (stopping) return;

	const { sandbox } = env;
	const every = Number(process.env.DEV_TRAFFIC_SECONDS ?? 120);
	if (sandbox && every > 0) {
		traffic = setInterval(() => {
			const [added] = sandbox.control.addConversations({ count: 1 });
			const kind = added.channel === 'phone' ? 'phone call' : 'web chat';
			log(`sandbox: new ${kind} ${added.id} for agent ${added.agent_id} (${added.label})`);
		}, every * 1000);
	}

	const lines = [
		'',
		'  RingReady in real n8n is ready',
		'',
		`  Editor:    ${env.baseUrl}`,
		`  Email:     ${env.login.email}`,
		`  Password:  ${env.login.password}`,
		'',
		`  RingReady: ${sandbox ? `sandbox on ${sandbox.url} (credential "RingReady Sandbox")` : `${env.apiBaseUrl} (the examples' RingReady credential now uses this key)`}`,
		...(sandbox
			? [
					`  Sandbox keys: read+write ${sandbox.keys.readWrite.slice(0, 12)}…  (the credential has the full key)`,
					`  Controls:  curl -X POST ${sandbox.url}/__sandbox/conversations -H 'content-type: application/json' -d '{"count":1}'`,
					every > 0
						? `  A new demo conversation arrives every ${every} s (DEV_TRAFFIC_SECONDS=0 turns it off).`
						: '',
				]
			: []),
		`  Examples:  Workflows → "RingReady: …" (${exampleWorkflowFiles().length} example workflows)`,
		`  Data:      ${join(ROOT, '.n8n-dev')}  (delete it to start over)`,
		'',
		sandbox ? '  Ctrl-C stops n8n and the sandbox.' : '  Ctrl-C stops n8n.',
		'',
	].filter((text, index, all) => text !== '' || all[index - 1] !== '');
	process.stdout.write(`${lines.join('\n')}\n`);
	await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
	process.stderr.write(`[dev] ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
