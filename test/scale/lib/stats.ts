/** Small helpers for the figures: percentiles, formatting. */

/** Nearest-rank percentile (p in 0..100) of the values; NaN when empty. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function ms(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** "p50 X, p95 Y, max Z" of durations in ms. */
export function spread(values: number[]): string {
	return `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))}`;
}

export function countBy<T>(values: T[], key: (value: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
	return counts;
}

/** "n× a, m× b" of the values by key. */
export const tally = <T>(values: T[], key: (value: T) => string) =>
	[...countBy(values, key)].map(([k, n]) => `${n}× ${k}`).join(', ');

/** What became of a request the sandbox logged: its status, or "dropped". */
export const outcome = (entry: { status: number | null; dropped: boolean }) =>
	entry.dropped ? 'dropped' : String(entry.status);
