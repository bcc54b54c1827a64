/**
 * The tooling's HTTP client where raw control matters: an undici Pool with exactly the number of
 * connections asked for, kept alive, one request per connection at a time (no pipelining). The
 * bench's RTT probe uses it; node code never does (the package has no runtime dependencies).
 */
import { readFileSync } from 'fs';
import { Pool } from 'undici';

export interface JsonClient {
	/** GET `path` (with query) on the pool's origin; the parsed JSON body, or an error naming the status. */
	getJson<T = unknown>(path: string): Promise<T>;
	close(): Promise<void>;
}

export interface JsonClientOptions {
	/** Exactly this many connections; at most this many requests in flight. */
	connections: number;
	headers?: Record<string, string>;
	/** PEM file of a CA to trust (HTTPS against a self-signed sandbox). */
	caFile?: string;
}

export function jsonClient(origin: string, options: JsonClientOptions): JsonClient {
	const pool = new Pool(origin, {
		connections: options.connections,
		pipelining: 1,
		connect: options.caFile ? { ca: readFileSync(options.caFile, 'utf8') } : undefined,
	});
	return {
		getJson: async <T>(path: string): Promise<T> => {
			const response = await pool.request({
				method: 'GET',
				path,
				headers: { accept: 'application/json', ...options.headers },
			});
			if (response.statusCode < 200 || response.statusCode > 299) {
				await response.body.dump();
				throw new Error(`GET ${path} → HTTP ${response.statusCode}`);
			}
			return (await response.body.json()) as T;
		},
		close: async () => await pool.close(),
	};
}
