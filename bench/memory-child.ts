/**
 * Case 5's measured process (forked by bench/cases/list-memory.ts with --expose-gc, for a clean
 * baseline): runs Return All through the harness and reports time, CPU and memory.
 */
import { executeNode } from '../test/harness';
import { loadRingReady } from './lib/nodes';

export interface MemoryResult {
	ms: number;
	cpuMs: number;
	items: number;
	/** Bytes of the output items' JSON (what the pages carried). */
	jsonBytes: number;
	baselineRss: number;
	peakRss: number;
	baselineHeap: number;
	/** Heap in use right after the run, output still held. */
	heapAfter: number;
	/** RSS sampled every 5 ms, or the kernel's maxRSS when it rose higher. */
	peakSource: 'samples' | 'kernel maxRSS';
}

async function measure(baseUrl: string, apiKey: string): Promise<MemoryResult> {
	const node = loadRingReady();
	const run = async (parameters: Record<string, unknown>) =>
		await executeNode(node, {
			typeVersion: 1,
			parameters: { resource: 'conversation', operation: 'getAll', ...parameters },
			credentials: { apiKey, baseUrl },
		});
	for (let i = 0; i < 2; i++) await run({ limit: 200 }); // load and compile every path first
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	const baselineRss = process.memoryUsage.rss();
	const baselineHeap = process.memoryUsage().heapUsed;
	const kernelBefore = process.resourceUsage().maxRSS * 1024;
	let peakRss = baselineRss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await run({ returnAll: true });
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	clearInterval(sampler);
	peakRss = Math.max(peakRss, process.memoryUsage.rss());
	const heapAfter = process.memoryUsage().heapUsed;
	const kernelAfter = process.resourceUsage().maxRSS * 1024;
	const kernel = kernelAfter > kernelBefore && kernelAfter > peakRss;
	const items = result.output[0] ?? [];
	return {
		ms,
		cpuMs: (used.user + used.system) / 1000,
		items: items.length,
		jsonBytes: Buffer.byteLength(JSON.stringify(items.map((item) => item.json))),
		baselineRss,
		peakRss: kernel ? kernelAfter : peakRss,
		baselineHeap,
		heapAfter,
		peakSource: kernel ? 'kernel maxRSS' : 'samples',
	};
}

process.once('message', ({ baseUrl, apiKey }: { baseUrl: string; apiKey: string }) => {
	measure(baseUrl, apiKey).then(
		(result) => process.send!({ result }, () => process.exit(0)),
		(error: unknown) =>
			process.send!({ error: error instanceof Error ? error.stack : String(error) }, () =>
				process.exit(1),
			),
	);
});
