/**
 * Case 3 runs here, in a fresh process, so its RSS is not shared with the bench, the sandbox or
 * earlier cases. Forked by bench/cases/list-memory.ts with --expose-gc (used only to take a clean
 * baseline before the run). Receives { baseUrl, apiKey }, replies with MemoryResult.
 */
import type { INodeParameters } from 'n8n-workflow';

import { executeNode } from '../test/harness';
import { loadRingReady } from './lib/nodes';

export interface MemoryResult {
	ms: number;
	items: number;
	/** Bytes of the output items' JSON (what the pages carried). */
	jsonBytes: number;
	baselineRss: number;
	peakRss: number;
	/** Heap in use right after the run, output still held (what the workflow keeps). */
	heapAfter: number;
	baselineHeap: number;
	cpuMs: number;
	/** RSS samples were taken every 5 ms; maxRSS from the kernel is used when it rose during the run. */
	peakSource: 'samples' | 'kernel maxRSS';
}

async function measure(baseUrl: string, apiKey: string): Promise<MemoryResult> {
	const node = loadRingReady();
	const credentials = { apiKey, baseUrl };
	const run = async (parameters: INodeParameters) =>
		await executeNode(node, { typeVersion: 1, parameters, credentials });
	// Warm up: load every module and compile the paths the run takes, then start from a clean heap.
	for (let i = 0; i < 2; i++)
		await run({ resource: 'conversation', operation: 'getAll', limit: 200 });
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	const baselineRss = process.memoryUsage.rss();
	const baselineHeap = process.memoryUsage().heapUsed;
	const kernelPeakBefore = process.resourceUsage().maxRSS * 1024;

	let peak = baselineRss;
	const sampler = setInterval(() => {
		const rss = process.memoryUsage.rss();
		if (rss > peak) peak = rss;
	}, 5);
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await run({ resource: 'conversation', operation: 'getAll', returnAll: true });
	const ms = performance.now() - started;
	const used = process.cpuUsage(cpu);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage.rss());
	const heapAfter = process.memoryUsage().heapUsed;
	const kernelPeakAfter = process.resourceUsage().maxRSS * 1024;
	let peakSource: MemoryResult['peakSource'] = 'samples';
	if (kernelPeakAfter > kernelPeakBefore && kernelPeakAfter > peak) {
		peak = kernelPeakAfter;
		peakSource = 'kernel maxRSS';
	}
	const items = result.output[0] ?? [];
	const jsonBytes = Buffer.byteLength(JSON.stringify(items.map((item) => item.json)));
	return {
		ms,
		items: items.length,
		jsonBytes,
		baselineRss,
		peakRss: peak,
		heapAfter,
		baselineHeap,
		cpuMs: (used.user + used.system) / 1000,
		peakSource,
	};
}

process.once('message', (message: { baseUrl: string; apiKey: string }) => {
	measure(message.baseUrl, message.apiKey).then(
		(result) => process.send!({ result }, () => process.exit(0)),
		(error: unknown) =>
			process.send!({ error: error instanceof Error ? error.stack : String(error) }, () =>
				process.exit(1),
			),
	);
});
