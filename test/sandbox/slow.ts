/**
 * Slow requests: the next `count` API requests to one path (and method) are held before the API
 * handles them (`holdMs`: the request is applied only then, so a write held this way lands after a
 * later one), and/or get their body in small pieces (`trickle`: headers at once, then `chunkBytes`
 * every `everyMs`). For tests of ordering and of time limits that cover the whole response.
 */
import { z } from 'zod';

export interface SlowSpec {
	/** Exact request path without the query, e.g. "/api/v1/agents/7". */
	path: string;
	/** Only this method (default: any). */
	method?: string;
	/** Milliseconds before the request is handled. */
	holdMs?: number;
	/** Send the answer's body `chunkBytes` at a time, one piece every `everyMs`. */
	trickle?: { chunkBytes: number; everyMs: number };
	/** How many matching requests are slowed (default 1). */
	count?: number;
}

export const slowSchema = z
	.object({
		path: z.string().startsWith('/'),
		method: z.string().min(1).optional(),
		holdMs: z.number().finite().min(0).max(600_000).optional(),
		trickle: z
			.object({
				chunkBytes: z.number().int().min(1),
				everyMs: z.number().finite().min(1).max(60_000),
			})
			.strict()
			.optional(),
		count: z.number().int().min(1).optional(),
	})
	.strict();

export class SlowRequests {
	private queue: Array<{ spec: SlowSpec; remaining: number }> = [];

	add(spec: SlowSpec): void {
		this.queue.push({ spec, remaining: spec.count ?? 1 });
	}

	clear(): void {
		this.queue = [];
	}

	take(method: string, path: string): SlowSpec | undefined {
		const index = this.queue.findIndex(
			({ spec }) =>
				spec.path === path && (spec.method === undefined || spec.method.toUpperCase() === method),
		);
		if (index === -1) return undefined;
		const entry = this.queue[index];
		if (--entry.remaining <= 0) this.queue.splice(index, 1);
		return entry.spec;
	}
}
