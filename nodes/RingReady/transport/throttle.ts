import { sleep } from 'n8n-workflow';

/**
 * Bounds the requests in flight for one batch of calls and backs off together when RingReady
 * answers 429: the ceiling halves and every caller waits out Retry-After, then the ceiling climbs
 * back one step per ceiling's worth of successes (additive increase, multiplicative decrease).
 * This is what keeps a burst of transcript fetches from collapsing under a per-key rate limit.
 */
export class RequestThrottle {
	private ceiling: number;

	private inFlight = 0;

	private resumeAt = 0;

	private successesAtCeiling = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly maxConcurrency: number) {
		this.ceiling = maxConcurrency;
	}

	get currentCeiling(): number {
		return this.ceiling;
	}

	async acquire(): Promise<void> {
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
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
	}

	release(): void {
		this.inFlight--;
		this.waiting.shift()?.();
	}

	succeeded(): void {
		if (this.ceiling >= this.maxConcurrency) return;
		if (++this.successesAtCeiling >= this.ceiling) {
			this.ceiling++;
			this.successesAtCeiling = 0;
			this.waiting.shift()?.();
		}
	}

	throttled(retryAfterMs: number): void {
		this.ceiling = Math.max(1, Math.floor(this.ceiling / 2));
		this.successesAtCeiling = 0;
		this.resumeAt = Math.max(this.resumeAt, Date.now() + retryAfterMs);
	}
}
