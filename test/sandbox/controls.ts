/**
 * The test controls' request bodies (HTTP under /__sandbox/ and in-process alike: README.md
 * "Controls"), their types, and the queue of answers kept for the next requests to one path.
 */
import type { ServerResponse } from 'http';
import { z } from 'zod';

import { CHANNELS } from './schemas';
import { parseIsoTimestamp } from './time';

/** A positive integer (counts, ids, byte sizes). */
export const count = z.number().int().min(1);
export const everyMs = z.number().finite().min(1).max(60_000);
const path = z.string().startsWith('/');
const method = z.string().min(1);
const status = z.number().int().min(400).max(599);
export const redirectStatus = z
	.number()
	.int()
	.refine((s) => [301, 302, 303, 307, 308].includes(s), 'status must be 301, 302, 303, 307 or 308');

export const latencySchema = z.object({ ms: z.number().finite().min(0).max(600_000) }).strict();

export const faultSchema = z
	.object({
		status: status.optional(),
		retryAfter: z.number().finite().min(0).optional(),
		count,
		drop: z.boolean().optional(),
		path: path.optional(),
	})
	.strict()
	.refine((f) => f.drop === true || f.status !== undefined, {
		message: 'status is required unless drop is true',
	});
export type FaultSpec = z.input<typeof faultSchema>;

/** GET /conversations/{id} of this conversation fails with `status` (default 500) until cleared. */
export const failingConversationSchema = z
	.object({ id: count, status: status.optional() })
	.strict();
export type FailingConversationSpec = z.input<typeof failingConversationSchema>;

/** Per key: a request arriving while `maxInFlight` of that key are in flight gets 429 (null clears). */
export const rateLimitSchema = z
	.object({ maxInFlight: count.nullable(), retryAfter: z.number().finite().min(0).optional() })
	.strict();
export type RateLimitSpec = z.input<typeof rateLimitSchema>;

export const addConversationsSchema = z
	.object({
		account: z.enum(['A', 'B']).optional(),
		count: count.max(100_000),
		agent_id: count.optional(),
		channel: z.enum(CHANNELS).optional(),
		started_at: z
			.string()
			.refine((s) => parseIsoTimestamp(s) !== undefined, 'started_at must be an ISO-8601 timestamp')
			.optional(),
		same_second: z.boolean().optional(),
	})
	.strict();

/** The next `count` requests to exactly this path (and method) get this raw response. */
export const scriptedResponseSchema = z
	.object({
		path,
		method: method.optional(),
		status: z.number().int().min(100).max(599),
		headers: z.record(z.string()).optional(),
		body: z.string().optional(),
		count: count.optional(),
	})
	.strict();
export type ScriptedResponse = z.input<typeof scriptedResponseSchema>;

/** A scripted 3xx (default 302) with that Location and an empty body. */
export const redirectSchema = z
	.object({
		path,
		method: method.optional(),
		location: z.string().min(1),
		status: redirectStatus.optional(),
		count: count.optional(),
	})
	.strict();
export type RedirectSpec = z.input<typeof redirectSchema>;

export function redirectAsScript(r: RedirectSpec): ScriptedResponse {
	const { location, status = 302, ...rest } = r;
	return { ...rest, status, headers: { Location: location }, body: '' };
}

/**
 * The next `count` requests to this path are held `holdMs` before they are handled (a write held
 * this way lands after a later one), and/or get their body `chunkBytes` every `everyMs`.
 */
export const slowSchema = z
	.object({
		path,
		method: method.optional(),
		holdMs: z.number().finite().min(0).max(600_000).optional(),
		trickle: z.object({ chunkBytes: count, everyMs }).strict().optional(),
		count: count.optional(),
	})
	.strict();
export type SlowSpec = z.input<typeof slowSchema>;

/** Answers queued for the next `count` (default 1) requests that `matches` picks, in order. */
export class AnswerQueue<T extends { count?: number }> {
	private queue: Array<{ spec: T; remaining: number }> = [];

	constructor(private readonly matches: (spec: T, ...request: string[]) => boolean) {}

	add(spec: T): void {
		this.queue.push({ spec, remaining: spec.count ?? 1 });
	}

	clear(): void {
		this.queue = [];
	}

	get pending(): T[] {
		return this.queue.map(({ spec, remaining }) => ({ ...spec, count: remaining }));
	}

	/** The first queued answer for this request, used up by one. */
	take(...request: string[]): T | undefined {
		const index = this.queue.findIndex(({ spec }) => this.matches(spec, ...request));
		if (index === -1) return undefined;
		const entry = this.queue[index];
		if (--entry.remaining <= 0) this.queue.splice(index, 1);
		return entry.spec;
	}
}

export const samePath = (
	spec: { path: string; method?: string },
	reqMethod: string,
	reqPath: string,
) =>
	spec.path === reqPath && (spec.method === undefined || spec.method.toUpperCase() === reqMethod);

/** Headers at once, then the body `chunkBytes` every `everyMs` (`later` is a timer the sandbox cancels on close). */
export function sendInPieces(
	res: ServerResponse,
	status: number,
	headers: Record<string, string>,
	body: Buffer,
	how: { chunkBytes: number; everyMs: number },
	later: (fn: () => void, ms: number) => void,
	sent: (bytes: number) => void = () => {},
): void {
	res.writeHead(status, { ...headers, 'Content-Length': body.length });
	let offset = 0;
	const next = () => {
		if (res.destroyed) return;
		const piece = body.subarray(offset, offset + how.chunkBytes);
		offset += piece.length;
		sent(offset);
		if (offset >= body.length) return void res.end(piece);
		res.write(piece);
		later(next, how.everyMs);
	};
	next();
}
