/**
 * Where a poll lists from, and what its listing means, when the window is too long to list in one
 * poll (see cursor.ts {@link Scan}). Pure functions: no n8n, no I/O, no clock.
 */
import type { Scan, TriggerState } from './cursor';
import { sinceFor } from './cursor';

/** One poll's listing: newest first from `beforeId` (undefined: the top) down to `floor` or the end. */
export interface ListingPlan {
	since: string | undefined;
	beforeId: number | undefined;
	/** Stop at conversations below this id (they are decided already); null: list to the end. */
	floor: number | null;
}

/** What a poll listed (see listing.ts). */
export interface ListedPart {
	/** `next_before_id` after each page listed, descending. */
	stops: number[];
	/** Pages listed. */
	pages: number;
	/** The listing got to its end (or to the floor); false: it stopped because the poll's time ran out. */
	reachedEnd: boolean;
}

export type ListingOutcome =
	/**
	 * Decide on what was listed: the whole window (no segment) or one part of a resumed listing.
	 * Keep `scan` once every conversation listed is emitted, else `unfinished` (the part again).
	 */
	| {
			decide: true;
			segment?: { since: string | null; last: boolean };
			scan: Scan | null;
			unfinished: Scan | null;
	  }
	/** Nothing can be decided yet: keep `scan` and emit nothing. */
	| { decide: false; scan: Scan };

export function planListing(state: TriggerState, windowMinutes: number): ListingPlan {
	const { scan } = state;
	if (!scan) return { since: sinceFor(state, windowMinutes), beforeId: undefined, floor: null };
	const since = scan.since ?? undefined;
	if (scan.floor === null) return { since, beforeId: scan.stops.at(-1), floor: null };
	// From the bottom up: the part just above the floor, as many pages as the last short poll managed
	// (a page per stop above the floor; from the top, what has arrived since as well).
	const above = scan.stops.filter((stop) => stop > scan.floor!);
	const start = above.length - Math.max(1, scan.pages);
	return { since, beforeId: start < 0 ? undefined : above[start], floor: scan.floor };
}

/** What the listing of `plan` lets this poll do, and the scan to keep if it decides completely. */
export function afterListing(
	state: TriggerState,
	plan: ListingPlan,
	part: ListedPart,
): ListingOutcome {
	const { scan } = state;
	if (!scan) {
		if (part.reachedEnd) return { decide: true, scan: null, unfinished: null };
		return {
			decide: false,
			scan: { since: plan.since ?? null, stops: part.stops, floor: null, pages: part.pages },
		};
	}
	const stops = [...new Set([...scan.stops, ...part.stops])]
		.filter((stop) => scan.floor === null || stop > scan.floor)
		.sort((a, b) => b - a);
	if (!part.reachedEnd) return { decide: false, scan: { ...scan, stops, pages: part.pages } };
	const last = plan.beforeId === undefined;
	return {
		decide: true,
		segment: { since: scan.since, last },
		scan: last ? null : { ...scan, stops, floor: plan.beforeId! },
		unfinished: { ...scan, stops },
	};
}
