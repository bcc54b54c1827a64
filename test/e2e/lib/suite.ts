/** A tiny check runner: named checks, a readable log, and the summary line CI greps for. */
import type { Sandbox } from '../../sandbox';
import type { ImportCredential, N8n, N8nInstall, N8nOptions } from '../../../tools/n8n';
import type { Sink } from './sink';

/** What e2e.ts hands each track module. */
export interface TrackContext {
	suite: Suite;
	install: N8nInstall;
	workDir: string;
	sink: Sink;
	owner: { email: string; password: string; firstName: string; lastName: string };
	cleanups: Array<() => Promise<void>>;
	/** Texts scanned at the end for API keys (every n8n's log is added then). */
	outputs: Array<{ what: string; text: string }>;
	newSandbox: () => Promise<Sandbox>;
	/** An n8n in <work>/<folder> with the package installed, stopped at the end. */
	newN8n: (folder: string, options?: Partial<N8nOptions>) => Promise<N8n>;
	credentialsFor: (sandbox: Sandbox) => ImportCredential[];
}

export interface CheckResult {
	track: string;
	name: string;
	ok: boolean;
	ms: number;
	detail?: string;
}

export class Suite {
	readonly results: CheckResult[] = [];
	private readonly started = Date.now();

	constructor(
		private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
	) {}

	log(track: string, message: string): void {
		this.out(`[${stamp(Date.now() - this.started)}] ${track.padEnd(6)} ${message}`);
	}

	/** Runs one check; returns whether it passed. A thrown error (or rejected promise) is a failure. */
	async check(
		track: string,
		name: string,
		fn: () => Promise<void | string> | void | string,
	): Promise<boolean> {
		const started = Date.now();
		const [ok, detail] = await Promise.resolve()
			.then(fn)
			.then(
				(note) => [true, note || undefined] as const,
				(error: unknown) =>
					[false, error instanceof Error ? error.message : String(error)] as const,
			);
		this.record({ track, name, ok, ms: Date.now() - started, detail });
		return ok;
	}

	/** Records checks that could not run because something they need failed. */
	skip(track: string, names: string[], reason: string): void {
		for (const name of names)
			this.record({ track, name, ok: false, ms: 0, detail: `not run: ${reason}` });
	}

	private record(result: CheckResult): void {
		this.results.push(result);
		const mark = result.ok ? 'PASS' : 'FAIL';
		const detail = result.detail ? ` — ${indent(result.detail)}` : '';
		this.log(result.track, `${mark} ${result.name} (${(result.ms / 1000).toFixed(1)} s)${detail}`);
	}

	get failed(): number {
		return this.results.filter((result) => !result.ok).length;
	}

	get passed(): number {
		return this.results.filter((result) => result.ok).length;
	}

	/** The summary table, the failed checks' names, then the last line: `N passed, N failed`. */
	summary(title: string): void {
		this.out('');
		this.out(`=== ${title} — ${((Date.now() - this.started) / 1000).toFixed(0)} s ===`);
		for (const result of this.results) {
			this.out(`  ${result.ok ? 'PASS' : 'FAIL'}  [${result.track}] ${result.name}`);
			if (!result.ok && result.detail) this.out(`        ${indent(result.detail, '        ')}`);
		}
		this.out('');
		// Repeated without details, so that the end of a long log names every failure.
		for (const result of this.results.filter(({ ok }) => !ok))
			this.out(`failed: [${result.track}] ${result.name}`);
		this.out(`${this.passed} passed, ${this.failed} failed`);
	}
}

/** Throws, showing what `actual` holds, unless it contains `expected`. */
export function expectText(actual: string, expected: string, what: string): void {
	if (!actual.includes(expected))
		throw new Error(
			`${what}: expected to contain ${JSON.stringify(expected)}, got ${JSON.stringify(actual.slice(0, 400))}`,
		);
}

function stamp(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function indent(text: string, prefix = '    '): string {
	const lines = text.split('\n');
	const shown =
		lines.length > 25 ? [...lines.slice(0, 25), `… (${lines.length - 25} more lines)`] : lines;
	return shown.join(`\n${prefix}`);
}
