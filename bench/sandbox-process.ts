/**
 * The sandbox RingReady API in its own process, for the benchmarks: the client's CPU (our node,
 * n8n) and the server's do not share one event loop, as with a real remote API. Forked by
 * bench/lib/sandbox.ts with an IPC channel; argv[2] is the JSON of SandboxOptions, argv[3] the
 * JSON of BenchServerOptions (HTTPS mode: the sandbox's server becomes an HTTPS server with the
 * given key and certificate).
 *
 * Besides the sandbox's own controls it counts TCP connections (connection reuse shows as
 * connections ≪ requests) and reports its CPU time.
 */
import http from 'http';
import type { Server } from 'http';
import https from 'https';
import { readFileSync } from 'fs';

import type { RequestLog, SandboxOptions } from '../test/sandbox';

export interface BenchServerOptions {
	tls?: { keyFile: string; certFile: string };
}

const serverOptions = JSON.parse(process.argv[3] ?? '{}') as BenchServerOptions;
let connections = 0;
const originalCreateServer = http.createServer.bind(http) as (...args: unknown[]) => Server;
(http as unknown as { createServer: (...args: unknown[]) => Server }).createServer = (
	...args: unknown[]
) => {
	const { tls } = serverOptions;
	let server: Server;
	if (tls) {
		const [options, handler] =
			typeof args[0] === 'function' ? [{}, args[0]] : [args[0] ?? {}, args[1]];
		const secure = {
			...(options as object),
			key: readFileSync(tls.keyFile),
			cert: readFileSync(tls.certFile),
		};
		server = https.createServer(secure, handler as http.RequestListener) as unknown as Server;
	} else {
		server = originalCreateServer(...args);
	}
	server.on('connection', () => connections++);
	return server;
};

export type SandboxRequest =
	| { op: 'setLatency'; ms: number }
	| { op: 'setRateLimit'; maxInFlight: number | null; retryAfter?: number }
	| { op: 'addConversations'; account?: 'A' | 'B'; count: number }
	| { op: 'requests' }
	| { op: 'clearRequests' }
	| { op: 'reset' }
	| { op: 'count'; account?: 'A' | 'B' };

export interface SandboxStats extends RequestLog {
	/** TCP connections accepted since the last clearRequests/reset. */
	connections: number;
	/** The sandbox process's CPU time since the last clearRequests/reset (ms). */
	cpuMs: number;
}

async function main(): Promise<void> {
	const { startSandbox } = await import('../test/sandbox');
	const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
	const sandbox = await startSandbox({ port: 0, controls: false, ...options });
	let cpuMark = process.cpuUsage();
	const cpuMs = () => {
		const used = process.cpuUsage(cpuMark);
		return (used.user + used.system) / 1000;
	};
	const handle = (request: SandboxRequest): unknown => {
		const { control } = sandbox;
		switch (request.op) {
			case 'setLatency':
				control.setLatency(request.ms);
				return null;
			case 'setRateLimit':
				control.setRateLimit({ maxInFlight: request.maxInFlight, retryAfter: request.retryAfter });
				return null;
			case 'addConversations':
				return control.addConversations({ account: request.account, count: request.count }).length;
			case 'requests':
				return { ...control.requests(), connections, cpuMs: cpuMs() } satisfies SandboxStats;
			case 'clearRequests':
				control.clearRequests();
				connections = 0;
				cpuMark = process.cpuUsage();
				return null;
			case 'reset':
				control.reset();
				connections = 0;
				cpuMark = process.cpuUsage();
				return null;
			case 'count':
				return control.conversations(request.account).length;
		}
	};
	process.on('message', (message: { id: number; request: SandboxRequest }) => {
		let reply: { id: number; result?: unknown; error?: string };
		try {
			reply = { id: message.id, result: handle(message.request) };
		} catch (error) {
			reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
		}
		process.send!(reply);
	});
	process.on('disconnect', () => {
		void sandbox.close().then(() => process.exit(0));
	});
	process.send!({
		ready: {
			url: serverOptions.tls ? sandbox.url.replace(/^http:/, 'https:') : sandbox.url,
			keys: sandbox.keys,
			agentIds: sandbox.agentIds,
		},
	});
}

main().catch((error: unknown) => {
	process.stderr.write(
		`sandbox process failed: ${error instanceof Error ? error.stack : String(error)}\n`,
	);
	process.exit(1);
});
