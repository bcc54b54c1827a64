/** The results model and its one rendering (Markdown: the console and bench/RESULTS.md). */
import { medianRun, type Measured } from './bench';

export interface Row {
	subject: string;
	/** The time compared (ms). */
	ms: number;
	timedBy: string;
	floorMs?: number;
	m?: Measured;
	runsMs?: number[];
	note?: string;
}

export interface Target {
	text: string;
	measured: string;
	pass?: boolean;
}

export interface CaseResult {
	id: string;
	title: string;
	setup: string;
	rows: Row[];
	targets: Target[];
	notes: string[];
}

export const fixed = (value: number | undefined, digits = 2) =>
	value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
export const ratio = (value?: number, base?: number) =>
	value === undefined || base === undefined ? 'n/a' : `${fixed(value / base)}×`;
export const verdict = (pass?: boolean) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS');

export const floorRow = (subject: string, floorMs: number, note: string): Row => ({
	subject,
	ms: floorMs,
	timedBy: 'computed',
	floorMs,
	note,
});

/** The row of the median of several runs. */
export function row(
	subject: string,
	runs: Measured[],
	timedBy: string,
	floorMs?: number,
	note?: string,
): Row {
	const m = medianRun(runs);
	const of =
		runs.length === 1 ? '1 run' : runs.length === 2 ? 'best of 2' : `median of ${runs.length}`;
	const outcome = m.error ? `error: ${m.error.slice(0, 160)}` : m.status && `execution ${m.status}`;
	return {
		subject,
		ms: m.ms,
		timedBy: `${timedBy}, ${of}`,
		floorMs,
		m,
		runsMs: runs.map((run) => run.ms),
		note: [outcome, note].filter(Boolean).join('; '),
	};
}

const HEADER = ['Subject', 'Time ms', 'Timed by', '× floor', 'Items', 'Requests', '429s'];
const HEADER_END = ['Peak in flight', 'TCP conns', 'Client CPU ms/req', 'Note'];

function cells(r: Row): string[] {
	const q = r.m?.requests;
	return [
		r.subject,
		Math.round(r.ms).toLocaleString('en-US'),
		r.timedBy,
		r.floorMs === undefined ? '—' : `${fixed(r.ms / r.floorMs)}×`,
		r.m ? String(r.m.items) : '—',
		q ? `${q.total} (${q.list} list + ${q.detail} detail)` : '—',
		q ? String(q.status429) : '—',
		q ? String(q.peak) : '—',
		q ? String(q.connections) : '—',
		r.m?.cpuPerRequestMs === undefined ? '—' : fixed(r.m.cpuPerRequestMs),
		r.note ?? '',
	];
}

export function table(header: string[], rows: string[][]): string {
	const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
	return [header, header.map(() => '---'), ...rows]
		.map((r) => `| ${r.map(esc).join(' | ')} |`)
		.join('\n');
}

export function caseMarkdown(result: CaseResult): string {
	const several = result.rows.filter((r) => (r.runsMs?.length ?? 0) > 1);
	return [
		`## Case ${result.id}: ${result.title}`,
		'',
		result.setup,
		'',
		table([...HEADER, ...HEADER_END], result.rows.map(cells)),
		...(several.length > 0
			? [
					'',
					`Individual runs (ms): ${several.map((r) => `${r.subject}: ${r.runsMs!.map(Math.round).join(', ')}`).join('; ')}.`,
				]
			: []),
		...(result.targets.length > 0
			? [
					'',
					table(
						['Target', 'Measured', 'Verdict'],
						result.targets.map((t) => [t.text, t.measured, verdict(t.pass)]),
					),
				]
			: []),
		...(result.notes.length > 0 ? ['', ...result.notes.map((n) => `- ${n}`)] : []),
	].join('\n');
}
