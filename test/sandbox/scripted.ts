/**
 * Scripted responses: the next `count` API requests to one path (and method) get exactly the given
 * status, headers and raw body: an empty 200, a web page, JSON cut off mid-way, an agent without
 * its FAQ, a redirect to another origin. For tests of what the node does with a server that
 * misbehaves. Checked before faults and the rate limit; logged like any API request.
 */
import { z } from 'zod';

export interface ScriptedResponse {
	/** Exact request path without the query, e.g. "/api/v1/agents/7". */
	path: string;
	/** Only this method (default: any). */
	method?: string;
	status: number;
	headers?: Record<string, string>;
	/** Sent as is (default empty). Content-Type is application/json unless `headers` sets it. */
	body?: string;
	/** How many matching requests get it (default 1). */
	count?: number;
}

export interface RedirectSpec {
	path: string;
	method?: string;
	/** Where the Location header points, e.g. another sandbox's URL with the same path. */
	location: string;
	/** 301, 302, 303, 307 or 308 (default 302). */
	status?: number;
	count?: number;
}

export const scriptedResponseSchema = z
	.object({
		path: z.string().startsWith('/'),
		method: z.string().min(1).optional(),
		status: z.number().int().min(100).max(599),
		headers: z.record(z.string()).optional(),
		body: z.string().optional(),
		count: z.number().int().min(1).optional(),
	})
	.strict();

export const redirectSchema = z
	.object({
		path: z.string().startsWith('/'),
		method: z.string().min(1).optional(),
		location: z.string().min(1),
		status: z
			.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)])
			.optional(),
		count: z.number().int().min(1).optional(),
	})
	.strict();

export function redirectAsScript(r: RedirectSpec): ScriptedResponse {
	return {
		path: r.path,
		method: r.method,
		status: r.status ?? 302,
		headers: { Location: r.location },
		body: '',
		count: r.count,
	};
}

export class ScriptedResponses {
	private queue: Array<{ spec: ScriptedResponse; remaining: number }> = [];

	add(spec: ScriptedResponse): void {
		this.queue.push({ spec, remaining: spec.count ?? 1 });
	}

	clear(): void {
		this.queue = [];
	}

	get pending(): ScriptedResponse[] {
		return this.queue.map(({ spec, remaining }) => ({ ...spec, count: remaining }));
	}

	/** The first queued response for this request, used up by one. */
	take(method: string, path: string): ScriptedResponse | undefined {
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
