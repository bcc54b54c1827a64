/** Small measuring helpers shared by the cases. */
import { jsonClient } from '../../tools/http';
import { median } from './stats';

export interface Rtt {
	/** Median round trip of GET /conversations/{id} (one kept-alive connection), ms. */
	detailMs: number;
	/** Median round trip of GET /conversations?limit=200, ms. */
	listMs: number;
}

/** Sequential requests over one kept-alive connection (undici): the network floor each request costs. */
export async function measureRtt(
	baseUrl: string,
	apiKey: string,
	samples = 25,
	caFile?: string,
): Promise<Rtt> {
	const http = jsonClient(new URL(baseUrl).origin, {
		connections: 1,
		headers: { authorization: `Bearer ${apiKey}` },
		caFile,
	});
	const get = async (path: string) => {
		const started = performance.now();
		const body = await http.getJson<{ conversations?: Array<{ id: number }> }>(`/api/v1${path}`);
		return { ms: performance.now() - started, body };
	};
	try {
		const first = await get('/conversations?limit=200');
		const id = first.body.conversations?.[0]?.id;
		if (id === undefined) throw new Error('measureRtt: the sandbox has no conversations');
		const detail: number[] = [];
		const list: number[] = [];
		for (let i = 0; i < samples; i++) {
			detail.push((await get(`/conversations/${id}`)).ms);
			if (i % 3 === 0) list.push((await get('/conversations?limit=200')).ms);
		}
		return { detailMs: median(detail), listMs: median(list) };
	} finally {
		await http.close();
	}
}

export function cpuMsSince(mark: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(mark);
	return (used.user + used.system) / 1000;
}

export async function timed<T>(
	fn: () => Promise<T>,
): Promise<{ value: T; ms: number; cpuMs: number }> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const value = await fn();
	return { value, ms: performance.now() - started, cpuMs: cpuMsSince(cpu) };
}
