/** An HTTP endpoint on 127.0.0.1 that records what workflows POST to it (the trigger's "following node"). */
import { createServer, type IncomingMessage, type Server } from 'http';
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

export function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (text += chunk));
		request.on('end', () => resolve(text));
		request.on('error', reject);
	});
}

export async function startSink(): Promise<Sink> {
	const entries: SinkEntry[] = [];
	const server: Server = createServer((request, response) => {
		void readBody(request).then((text) => {
			let body: unknown = text;
			try {
				body = JSON.parse(text);
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
