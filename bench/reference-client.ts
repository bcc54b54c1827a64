/**
 * A reference client with no n8n in the way: the same plan as our node (list pages of 200 one after
 * another; each page's transcripts fetched by a pool of c workers while the next page is listed),
 * with the platform's fetch and kept-alive connections. It shows what this machine can do at
 * concurrency c right now, so a miss against the latency floor can be told apart from load on the
 * machine.
 */

export async function runReferenceClient(
	baseUrl: string,
	apiKey: string,
	concurrency: number,
): Promise<{ conversations: Array<Record<string, unknown>>; ms: number }> {
	const started = performance.now();
	const headers = { Authorization: `Bearer ${apiKey}` };
	const get = async (path: string): Promise<any> => {
		const response = await fetch(`${baseUrl}/api/v1${path}`, { headers });
		if (!response.ok) throw new Error(`GET ${path} → HTTP ${response.status}`);
		return await response.json();
	};

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
				results[index] = await get(`/conversations/${ids[index]}`);
			} else if (listing) {
				await new Promise<void>((resolve) => idle.push(resolve));
			} else {
				return;
			}
		}
	};
	const workers = Array.from({ length: concurrency }, worker);
	let beforeId: number | null = null;
	do {
		const page: { conversations: Array<{ id: number }>; next_before_id: number | null } = await get(
			`/conversations?limit=200${beforeId === null ? '' : `&before_id=${beforeId}`}`,
		);
		for (const { id } of page.conversations) ids.push(id);
		beforeId = page.conversations.length === 0 ? null : page.next_before_id;
		if (beforeId === null) listing = false;
		wakeAll();
	} while (beforeId !== null);
	await Promise.all(workers);
	return { conversations: results, ms: performance.now() - started };
}
