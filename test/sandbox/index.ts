/** The sandbox RingReady API: a local HTTP server implementing docs/ringready-api.md, with test controls (README.md). */
import { createServer, type Server, type ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';

import { DEFAULT_COUNTS, DEFAULT_SEED } from './seed';
import { SandboxServer } from './server';
import type { Sandbox, SandboxOptions } from './types';

export * from './types';
export { baseTimeFor, keyPrefix } from './seed';
export { recordingAudio, recordingPlacement } from './recordings';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
	// Both listeners first: the seeded recording_url values are built from their origins.
	let app: SandboxServer | undefined;
	const notReady = (res: ServerResponse) => {
		res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
		res.end('{"detail":"The sandbox is starting"}');
	};
	const server: Server = createServer({ keepAlive: true }, (req, res) =>
		app ? app.handle(req, res) : notReady(res),
	);
	const media: Server = createServer({ keepAlive: true }, (req, res) =>
		app ? app.handleMedia(req, res) : notReady(res),
	);
	// Keep idle keep-alive sockets longer than typical client pools expect, so reuse is the norm.
	for (const s of [server, media]) {
		s.keepAliveTimeout = 30_000;
		s.headersTimeout = 35_000;
	}
	const sockets = new Set<Socket>();
	const open = { api: 0, media: 0 };
	const track = (origin: keyof typeof open) => (socket: Socket) => {
		sockets.add(socket);
		open[origin]++;
		socket.on('close', () => {
			sockets.delete(socket);
			open[origin]--;
		});
	};
	server.on('connection', () => app?.noteConnection());
	server.on('connection', track('api'));
	media.on('connection', track('media'));

	const host = opts.host ?? '127.0.0.1';
	const listen = (s: Server, port: number) =>
		new Promise<string>((resolve, reject) => {
			s.once('error', reject);
			s.listen(port, host, () => {
				s.off('error', reject);
				const { port: bound } = s.address() as AddressInfo;
				resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
			});
		});
	const url = await listen(server, opts.port ?? 0);
	let mediaUrl: string;
	try {
		mediaUrl = await listen(media, 0);
	} catch (error) {
		await new Promise<void>((resolve) => server.close(() => resolve()));
		throw error;
	}
	const { port } = server.address() as AddressInfo;
	app = new SandboxServer({
		seed: opts.seed ?? DEFAULT_SEED,
		counts: {
			A: opts.conversationsPerAccount?.A ?? DEFAULT_COUNTS.A,
			B: opts.conversationsPerAccount?.B ?? DEFAULT_COUNTS.B,
		},
		controls: opts.controls ?? false,
		latencyMs: opts.latencyMs ?? 0,
		origins: { api: url, media: mediaUrl },
	});
	const ready = app;

	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		mediaUrl,
		keys: { ...ready.keys },
		agentIds: { A: ready.agentIds('A'), B: ready.agentIds('B') },
		control: ready.control,
		openSockets: () => ({ ...open }),
		close: () =>
			(closing ??= new Promise<void>((resolve) => {
				ready.cancelTimers();
				let open = 2;
				const closed = () => {
					if (--open === 0) resolve();
				};
				server.close(closed);
				media.close(closed);
				for (const socket of sockets) socket.destroy();
			})),
	};
}
