/**
 * The n8n-free reference client, the floor instrument: an undici Pool with exactly c kept-alive
 * connections (tools/http.ts), so never more than c requests in flight, list pages included.
 * - transcripts: the same plan as our node's Get Many + transcripts (list pages of 200 one after
 *   another; each page's transcripts fetched by c workers while the next page is listed);
 * - items: one GET /conversations/{id} per given id, c at a time.
 * It shows what this machine can do at concurrency c right now, so a miss against the latency floor
 * can be told apart from load on the machine.
 */
import { jsonClient } from '../tools/http';

export interface ReferenceOptions {
	baseUrl: string;
	apiKey: string;
	concurrency: number;
	caFile?: string;
}

function client(options: ReferenceOptions) {
	return jsonClient(new URL(options.baseUrl).origin, {
		connections: options.concurrency,
		headers: { authorization: `Bearer ${options.apiKey}` },
		caFile: options.caFile,
	});
}

/** Every conversation's id, listed through one connection (not timed by the cases). */
export async function listIds(options: Omit<ReferenceOptions, 'concurrency'>): Promise<number[]> {
	const http = client({ ...options, concurrency: 1 });
	try {
		const ids: number[] = [];
		let beforeId: number | null = null;
		do {
			const page: { conversations: Array<{ id: number }>; next_before_id: number | null } =
				await http.getJson(
					`/api/v1/conversations?limit=200${beforeId === null ? '' : `&before_id=${beforeId}`}`,
				);
			ids.push(...page.conversations.map((conversation) => conversation.id));
			beforeId = page.conversations.length === 0 ? null : page.next_before_id;
		} while (beforeId !== null);
		return ids;
	} finally {
		await http.close();
	}
}

export async function runReferenceTranscripts(
	options: ReferenceOptions,
): Promise<Array<Record<string, unknown>>> {
	const http = client(options);
	try {
		const ids: number[] = [];
		const results: Array<Record<string, unknown>> = [];
		let listing = true;
		let next = 0;
		const idle: Array<() => void> = [];
		const wakeAll = () => idle.splice(0).forEach((resume) => resume());
		const worker = async () => {
			for (;;) {
				if (next < ids.length) {
					const index = next++;
					results[index] = await http.getJson(`/api/v1/conversations/${ids[index]}`);
				} else if (listing) {
					await new Promise<void>((resolve) => idle.push(resolve));
				} else {
					return;
				}
			}
		};
		const workers = Array.from({ length: options.concurrency }, worker);
		let beforeId: number | null = null;
		do {
			const page: { conversations: Array<{ id: number }>; next_before_id: number | null } =
				await http.getJson(
					`/api/v1/conversations?limit=200${beforeId === null ? '' : `&before_id=${beforeId}`}`,
				);
			for (const { id } of page.conversations) ids.push(id);
			beforeId = page.conversations.length === 0 ? null : page.next_before_id;
			if (beforeId === null) listing = false;
			wakeAll();
		} while (beforeId !== null);
		await Promise.all(workers);
		return results;
	} finally {
		await http.close();
	}
}

export async function runReferenceItems(
	options: ReferenceOptions,
	ids: number[],
): Promise<Array<Record<string, unknown>>> {
	const http = client(options);
	try {
		const results: Array<Record<string, unknown>> = new Array(ids.length);
		let next = 0;
		const worker = async () => {
			while (next < ids.length) {
				const index = next++;
				results[index] = await http.getJson(`/api/v1/conversations/${ids[index]}`);
			}
		};
		await Promise.all(Array.from({ length: Math.min(options.concurrency, ids.length) }, worker));
		return results;
	} finally {
		await http.close();
	}
}
