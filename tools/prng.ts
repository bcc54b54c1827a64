/**
 * The one seeded PRNG (mulberry32) of the tooling: the sandbox's data, the scale run's bursts. Same seed and
 * stream → same sequence.
 */
export class Prng {
	private state: number;

	constructor(seed: number, stream = 0) {
		// Mix the seed and a stream number so independent sequences (keys, data, runtime) don't overlap.
		let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
		h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
		h = (h + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
		h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
		this.state = (h ^ (h >>> 16)) >>> 0;
	}

	/** [0, 1) */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [min, max]. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** `base` ± `share` (e.g. 0.3 = ±30 %), at least 1. */
	around(base: number, share = 0.3): number {
		return Math.max(1, Math.round(base * (1 - share + 2 * share * this.next())));
	}

	chance(p: number): boolean {
		return this.next() < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	weighted<T>(items: readonly T[], weight: (item: T) => number): T {
		let total = 0;
		for (const item of items) total += weight(item);
		let r = this.next() * total;
		for (const item of items) {
			r -= weight(item);
			if (r < 0) return item;
		}
		return items[items.length - 1];
	}

	hex(length: number): string {
		let out = '';
		while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
		return out;
	}
}
