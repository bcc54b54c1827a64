/** An HTTP endpoint on 127.0.0.1 that records what workflows POST to it (the trigger's "following node"). */
import { createServer, type Server } from 'http';
import { text } from 'stream/consumers';
import type { AddressInfo } from 'net';

export interface SinkEntry {
	at: number;
	path: string;
	body: unknown;
}

export interface Sink {
	url: string;
	entries: SinkEntry[];
	close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
	const entries: SinkEntry[] = [];
	const server: Server = createServer((request, response) => {
		void text(request).then((raw) => {
			let body: unknown = raw;
			try {
				body = JSON.parse(raw);
			} catch {
				// keep the text
			}
			entries.push({ at: Date.now(), path: request.url ?? '/', body });
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		entries,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** What the scheduled runs of trigger workflow `workflow` sent the sink (not manual or test runs). */
export function emittedTo(sink: Sink, workflow: { id: string }) {
	type Body = { executionId?: string; mode?: string; conversation?: Record<string, unknown> };
	return sink.entries
		.filter((entry) => entry.path === `/sink/${workflow.id}`)
		.map((entry) => entry.body as Body)
		.filter((body) => body.mode !== 'manual' && body.mode !== 'test');
}

export const idsEmitted = (sink: Sink, workflow: { id: string }) =>
	emittedTo(sink, workflow).map((body) => Number(body.conversation?.id));
