import type { FaqEntry } from './validation';

/** One input item's requested change to one agent's FAQ. */
export type FaqEdit =
	| { kind: 'upsert'; entries: FaqEntry[] }
	| { kind: 'replace'; entries: FaqEntry[] }
	| { kind: 'delete'; questions: string[] };

export interface FaqChangeReport {
	added: string[];
	updated: string[];
	unchanged: string[];
	removed: string[];
	not_found: string[];
}

/** The API's `{question: answer}` map as a Map, so "__proto__" or "constructor" are ordinary questions. */
export function faqFromApi(faq: unknown): Map<string, string> {
	const map = new Map<string, string>();
	if (faq && typeof faq === 'object') {
		for (const [question, answer] of Object.entries(faq)) map.set(question, String(answer));
	}
	return map;
}

/** Back to the API's map. Object.fromEntries defines own properties, so "__proto__" stays a key. */
export function faqToApi(faq: Map<string, string>): Record<string, string> {
	return Object.fromEntries(faq);
}

export function faqEquals(a: Map<string, string>, b: Map<string, string>): boolean {
	if (a.size !== b.size) return false;
	for (const [question, answer] of a) if (b.get(question) !== answer) return false;
	return true;
}

function emptyReport(): FaqChangeReport {
	return { added: [], updated: [], unchanged: [], removed: [], not_found: [] };
}

/**
 * Applies the edits of several input items to one agent's FAQ, in item order, and reports what
 * each item changed. Replace All edits of one run together form the new FAQ, so a Replace All fed
 * one entry per input item sets the FAQ to exactly those entries.
 */
export function applyFaqEdits(
	current: Map<string, string>,
	edits: FaqEdit[],
): { next: Map<string, string>; reports: FaqChangeReport[] } {
	const reports = edits.map(emptyReport);
	const replacing = edits.some((edit) => edit.kind === 'replace');
	const next = replacing ? new Map<string, string>() : new Map(current);

	edits.forEach((edit, index) => {
		const report = reports[index];
		if (edit.kind === 'delete') {
			for (const question of edit.questions) {
				if (next.delete(question)) report.removed.push(question);
				else report.not_found.push(question);
			}
			return;
		}
		for (const { question, answer } of edit.entries) {
			const previous = next.has(question)
				? next.get(question)
				: edit.kind === 'replace'
					? current.get(question)
					: undefined;
			if (previous === undefined) report.added.push(question);
			else if (previous === answer) report.unchanged.push(question);
			else report.updated.push(question);
			next.set(question, answer);
		}
	});

	if (replacing) {
		const removed = [...current.keys()].filter((question) => !next.has(question));
		edits.forEach((edit, index) => {
			if (edit.kind === 'replace') reports[index].removed = removed;
		});
	}
	return { next, reports };
}
