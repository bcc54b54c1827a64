/**
 * What the trigger tracks watch: the sink, an HTTP endpoint on 127.0.0.1 that records what workflows
 * POST to it (the trigger's "following node"), and the trigger's polls in the sandbox's request log.
 */
import { createServer, type Server } from 'http';
import { text } from 'stream/consumers';
import type { AddressInfo } from 'net';

import { keyPrefix, type Sandbox } from '../../sandbox';
import { delay, until } from '../../../tools/n8n';

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

/** The sandbox's conversation list requests with `key` after request number `after`. */
export function listRequests(sandbox: Sandbox, key: string, after = 0) {
	const prefix = keyPrefix(key);
	return sandbox.control
		.requests()
		.log.filter(
			(entry) =>
				entry.seq > after &&
				entry.path === '/api/v1/conversations' &&
				Boolean(entry.key?.startsWith(prefix)),
		);
}

export const lastRequestSeq = (sandbox: Sandbox) => sandbox.control.requests().log.at(-1)?.seq ?? 0;

/**
 * The first poll with `key` after request number `after`, once every request is done and a second
 * passed quietly (a poll can make several requests).
 */
export async function waitForPoll(
	sandbox: Sandbox,
	key: string,
	after: number,
	timeoutMs: number,
	what: string,
) {
	const deadline = Date.now() + timeoutMs;
	const poll = await until(() => listRequests(sandbox, key, after)[0], timeoutMs, what);
	const quiet = async () => {
		const before = lastRequestSeq(sandbox);
		await delay(1000);
		const log = sandbox.control.requests().log;
		const pending = log.some((entry) => entry.status === null && !entry.dropped);
		return !pending && lastRequestSeq(sandbox) === before;
	};
	await until(quiet, Math.max(0, deadline - Date.now()), what, 0).catch(() => undefined);
	return poll;
}
