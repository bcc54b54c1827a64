/**
 * The API reference's own example, as a plain script: list conversations in pages of 50 (the
 * API's default), following next_before_id until it is null, and fetch each transcript one at a
 * time. This is the "peer" a user would otherwise copy.
 *
 *   node -r ts-node/register/transpile-only bench/example-script.ts <baseUrl> <apiKey>
 *   (or RINGREADY_BASE_URL / RINGREADY_API_KEY)
 */

export interface ExampleResult {
	conversations: Array<Record<string, unknown>>;
	ms: number;
}

export async function runExampleScript(baseUrl: string, apiKey: string): Promise<ExampleResult> {
	const started = performance.now();
	const headers = { Authorization: `Bearer ${apiKey}` };
	const get = async (path: string): Promise<any> => {
		const response = await fetch(`${baseUrl}/api/v1${path}`, { headers });
		if (!response.ok) throw new Error(`GET ${path} → HTTP ${response.status}`);
		return await response.json();
	};

	const conversations: Array<Record<string, unknown>> = [];
	let beforeId: number | null = null;
	do {
		const page: { conversations: Array<{ id: number }>; next_before_id: number | null } = await get(
			`/conversations?limit=50${beforeId === null ? '' : `&before_id=${beforeId}`}`,
		);
		for (const conversation of page.conversations) {
			conversations.push(await get(`/conversations/${conversation.id}`));
		}
		beforeId = page.next_before_id;
	} while (beforeId !== null);
	return { conversations, ms: performance.now() - started };
}

if (require.main === module) {
	const baseUrl = process.argv[2] ?? process.env.RINGREADY_BASE_URL ?? 'http://127.0.0.1:4010';
	const apiKey = process.argv[3] ?? process.env.RINGREADY_API_KEY ?? '';
	runExampleScript(baseUrl.replace(/\/+$/, ''), apiKey).then(
		({ conversations, ms }) => {
			process.stdout.write(
				`${conversations.length} conversations with transcripts in ${ms.toFixed(0)} ms\n`,
			);
		},
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
			process.exit(1);
		},
	);
}
