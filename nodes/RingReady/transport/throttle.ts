import { sleep } from 'n8n-workflow';

/**
 * Bounds the requests in flight for one batch of calls and backs off together when RingReady
 * answers 429. On the first 429 of a burst the ceiling halves and every caller waits out
 * Retry-After; 429s that arrive during that pause belong to the same burst and change nothing more
 * (halving once per refused request would collapse the ceiling to 1 for no reason). The ceiling
 * climbs back one step after many successes, so a lifted limit is found again without probing so
 * often that each probe costs another Retry-After.
 * This is what keeps a burst of transcript fetches from collapsing under a per-key rate limit.
 */
const SUCCESSES_PER_STEP_UP = 8;
/** A ceiling that drew a 429 is not tried again until this long has passed without any 429. */
const REFUSED_MEMORY_MS = 30_000;

export class RequestThrottle {
	private ceiling: number;

	private inFlight = 0;

	private resumeAt = 0;

	private successesAtCeiling = 0;

	/** The lowest ceiling RingReady refused (429) and when the last 429 came. */
	private refusedCeiling = Number.POSITIVE_INFINITY;

	private lastRefusalAt = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly maxConcurrency: number) {
		this.ceiling = maxConcurrency;
	}

	get currentCeiling(): number {
		return this.ceiling;
	}

	/** `first`: wait at the head of the queue (list pages, which the queued detail calls depend on). */
	async acquire(first = false): Promise<void> {
		for (;;) {
			const pause = this.resumeAt - Date.now();
			if (pause > 0) {
				await sleep(pause);
				continue;
			}
			if (this.inFlight < this.ceiling) {
				this.inFlight++;
				return;
			}
			await new Promise<void>((resolve) =>
				first ? this.waiting.unshift(resolve) : this.waiting.push(resolve),
			);
		}
	}

	release(): void {
		this.inFlight--;
		this.waiting.shift()?.();
	}

	succeeded(): void {
		if (this.ceiling >= this.maxConcurrency) return;
		if (
			this.refusedCeiling !== Number.POSITIVE_INFINITY &&
			Date.now() - this.lastRefusalAt > REFUSED_MEMORY_MS
		) {
			this.refusedCeiling = Number.POSITIVE_INFINITY;
		}
		// Below a ceiling that was refused: one step up per round of successes, up to just below it.
		// Never back to the refused ceiling while the refusal is recent: each probe there costs every
		// caller another Retry-After.
		if (this.ceiling + 1 >= this.refusedCeiling) return;
		const needed =
			this.refusedCeiling === Number.POSITIVE_INFINITY
				? this.ceiling * SUCCESSES_PER_STEP_UP
				: this.ceiling;
		if (++this.successesAtCeiling >= needed) {
			this.ceiling++;
			this.successesAtCeiling = 0;
			this.waiting.shift()?.();
		}
	}

	/** Every caller waits this long before its next request (RingReady is failing), the ceiling unchanged. */
	pause(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	throttled(retryAfterMs: number): void {
		const now = Date.now();
		this.lastRefusalAt = now;
		if (now >= this.resumeAt) {
			this.refusedCeiling = Math.min(this.refusedCeiling, this.ceiling);
			this.ceiling = Math.max(1, Math.floor(this.ceiling / 2));
			this.successesAtCeiling = 0;
		}
		this.resumeAt = Math.max(this.resumeAt, now + retryAfterMs);
	}
}
