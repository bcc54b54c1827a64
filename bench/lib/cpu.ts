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
			ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		} catch {
			ticksPerSecond = 100;
		}
	}
	return ticksPerSecond;
}

/** utime + stime of a process in ms; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
	} catch {
		return undefined;
	}
}

export class CpuSampler {
	private readonly samples: Array<{ at: number; cpuMs: number }> = [];
	private timer?: NodeJS.Timeout;

	constructor(private readonly pid: number, everyMs = 10) {
		this.sample();
		this.timer = setInterval(() => this.sample(), everyMs);
	}

	private sample(): void {
		const cpuMs = processCpuMs(this.pid);
		if (cpuMs === undefined) this.stop();
		else this.samples.push({ at: Date.now(), cpuMs });
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	/** The process's CPU time at the last sample taken at or before `at` (epoch ms). */
	private cpuAt(at: number): number | undefined {
		let found: number | undefined;
		for (const sample of this.samples) {
			if (sample.at > at) break;
			found = sample.cpuMs;
		}
		return found;
	}

	/** CPU ms the process used between two instants (epoch ms); undefined if not covered by samples. */
	between(from: number, to: number): number | undefined {
		const start = this.cpuAt(from);
		const end = this.cpuAt(to);
		if (start === undefined || end === undefined || this.samples[this.samples.length - 1].at < to) return undefined;
		return end - start;
	}
}
