/**
 * CPU time of another process (n8n's main process during `n8n execute`), sampled from
 * /proc/<pid>/stat every few milliseconds, so the CPU of one node's run can be cut out of the whole
 * process's (boot, imports and the other nodes excluded) with the node's startTime/executionTime.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
	if (ticksPerSecond === undefined) {
		try {
			ticksPerSecond =
				Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticksPerSecond = 100;
		}
	}
	return ticksPerSecond;
}

const PAGE_BYTES = 4096;

/** utime + stime of a process in ms and its resident set in bytes; undefined once it is gone. */
export function processUsage(pid: number): { cpuMs: number; rssBytes: number } | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15, rss 24.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {
			cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks(),
			rssBytes: Number(fields[21]) * PAGE_BYTES,
		};
	} catch {
		return undefined;
	}
}

export class CpuSampler {
	private readonly samples: Array<{ at: number; cpuMs: number; rssBytes: number }> = [];
	private timer?: NodeJS.Timeout;

	constructor(
		private readonly pid: number,
		everyMs = 10,
	) {
		this.sample();
		this.timer = setInterval(() => this.sample(), everyMs);
	}

	private sample(): void {
		const usage = processUsage(this.pid);
		if (usage === undefined) this.stop();
		else this.samples.push({ at: Date.now(), ...usage });
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	/** The last sample taken at or before `at` (epoch ms). */
	private sampleAt(at: number) {
		let found: (typeof this.samples)[number] | undefined;
		for (const sample of this.samples) {
			if (sample.at > at) break;
			found = sample;
		}
		return found;
	}

	/**
	 * What the process used between two instants (epoch ms): CPU ms, and how far its resident set grew
	 * above the value at `from` (bytes); undefined if the samples do not cover the span.
	 */
	between(from: number, to: number): { cpuMs: number; rssGrowthBytes: number } | undefined {
		const start = this.sampleAt(from);
		const end = this.sampleAt(to);
		if (start === undefined || end === undefined || this.samples[this.samples.length - 1].at < to)
			return undefined;
		const during = this.samples.filter((sample) => sample.at >= start.at && sample.at <= to);
		return {
			cpuMs: end.cpuMs - start.cpuMs,
			rssGrowthBytes: Math.max(...during.map((sample) => sample.rssBytes)) - start.rssBytes,
		};
	}
}
