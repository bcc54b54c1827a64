/**
 * The sandbox RingReady API: a local HTTP server implementing docs/ringready-api.md, with test controls.
 *
 *   const sandbox = await startSandbox({ controls: true });
 *   await fetch(`${sandbox.url}/api/v1/whoami`, { headers: { Authorization: `Bearer ${sandbox.keys.readWrite}` } });
 *   sandbox.control.addConversations({ count: 3 });
 *   await sandbox.close();
 *
 * See test/sandbox/README.md for the data, keys and controls.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo, Socket } from 'net';

import { DEFAULT_COUNTS, DEFAULT_SEED } from './seed';
import { SandboxServer } from './server';
import type { Sandbox, SandboxOptions } from './types';

export * from './types';
export { hashKey, keyPrefix, baseTimeFor, DEFAULT_COUNTS, DEFAULT_SEED } from './seed';
export { formatTimestamp, parseIsoTimestamp } from './time';
export {
	AGENT_TEXT_FIELDS,
	API_PREFIX,
	CHANNELS,
	CONTROL_PREFIX,
	FAQ_LIMITS,
	PAGE_LIMIT,
	WRITABLE_AGENT_FIELDS,
	charCount,
} from './schemas';
export { buildOpenApi } from './openapi';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
	const app = new SandboxServer({
		seed: opts.seed ?? DEFAULT_SEED,
		counts: {
			A: opts.conversationsPerAccount?.A ?? DEFAULT_COUNTS.A,
			B: opts.conversationsPerAccount?.B ?? DEFAULT_COUNTS.B,
		},
		controls: opts.controls ?? false,
		latencyMs: opts.latencyMs ?? 0,
	});
	const server: Server = createServer({ keepAlive: true }, app.handle);
	// Keep idle keep-alive sockets longer than typical client pools expect, so reuse is the norm.
	server.keepAliveTimeout = 30_000;
	server.headersTimeout = 35_000;
	const sockets = new Set<Socket>();
	server.on('connection', (socket) => {
		app.noteConnection();
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	const host = opts.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	app.setServerUrl(url);

	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		keys: { ...app.keys },
		agentIds: { A: app.agentIds('A'), B: app.agentIds('B') },
		control: app.control,
		close: () =>
			(closing ??= new Promise<void>((resolve) => {
				app.cancelTimers();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			})),
	};
}
