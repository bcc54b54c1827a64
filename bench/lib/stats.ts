/**
 * Numbers from the sandbox's request log: what a run asked for, how much at once, and whether
 * list pages went back to back. These are load-independent, so a regression shows even when the
 * wall times are noisy.
 */
import type { RequestLogEntry } from '../../test/sandbox';
import type { SandboxStats } from '../sandbox-process';

export const LIST_PATH = '/api/v1/conversations';

export interface RequestSummary {
	total: number;
	listRequests: number;
	detailRequests: number;
	otherRequests: number;
	/** Answers with status 429. */
	status429: number;
	/** Other non-2xx answers (and dropped connections). */
	otherErrors: number;
	peakInFlight: number;
	/** Mean requests in flight between the first arrival and the last answer. */
	meanInFlight: number;
	connections: number;
	sandboxCpuMs: number;
	/** First arrival → last answer, measured at the sandbox (ms). */
	spanMs: number;
	/** Largest gap between a list page's answer and the next list request's arrival (ms). */
	maxListGapMs: number;
	medianListGapMs: number;
}

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function isList(entry: RequestLogEntry): boolean {
	return entry.path === LIST_PATH;
}

export function isDetail(entry: RequestLogEntry): boolean {
	return entry.path.startsWith(`${LIST_PATH}/`);
}

export function summarize(stats: SandboxStats): RequestSummary {
	const log = stats.log;
	const lists = log.filter(isList);
	const gaps: number[] = [];
	for (let i = 1; i < lists.length; i++) {
		const previousEnd = lists[i - 1].ended_ms;
		if (previousEnd !== null) gaps.push(lists[i].started_ms - previousEnd);
	}
	const first = log.length > 0 ? Math.min(...log.map((e) => e.started_ms)) : 0;
	const last = log.length > 0 ? Math.max(...log.map((e) => e.ended_ms ?? e.started_ms)) : 0;
	const busy = log.reduce((sum, e) => sum + ((e.ended_ms ?? e.started_ms) - e.started_ms), 0);
	const spanMs = last - first;
	return {
		total: log.length,
		listRequests: lists.length,
		detailRequests: log.filter(isDetail).length,
		otherRequests: log.filter((e) => !isList(e) && !isDetail(e)).length,
		status429: log.filter((e) => e.status === 429).length,
		otherErrors: log.filter((e) => e.status === null || (e.status >= 300 && e.status !== 429))
			.length,
		peakInFlight: stats.peakInFlight,
		meanInFlight: spanMs > 0 ? busy / spanMs : 0,
		connections: stats.connections,
		sandboxCpuMs: stats.cpuMs,
		spanMs,
		maxListGapMs: gaps.length > 0 ? Math.max(...gaps) : 0,
		medianListGapMs: gaps.length > 0 ? median(gaps) : 0,
	};
}
