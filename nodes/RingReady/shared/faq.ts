import type { FaqEntry } from './validation';

/**
 * FAQ questions match after trimming both sides: " Hours? " stored in RingReady is the question
 * "Hours?" for reading, updating and deleting alike. Entries no edit touches keep their stored
 * spelling; an entry an edit writes is stored trimmed.
 */

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

/** What a write changes in the stored FAQ, by (trimmed) question. */
export interface FaqChange {
	added: string[];
	updated: string[];
	removed: string[];
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
	for (const [question, answer] of a)
		if (!b.has(question) || b.get(question) !== answer) return false;
	return true;
}

/** The stored spellings of a question (normally one; two when stored questions differ only by spaces). */
export function storedQuestions(faq: Map<string, string>, question: string): string[] {
	const wanted = question.trim();
	return [...faq.keys()].filter((stored) => stored.trim() === wanted);
}

function answerOf(faq: Map<string, string>, question: string): string | undefined {
	const [stored] = storedQuestions(faq, question);
	return stored === undefined ? undefined : faq.get(stored);
}

function emptyReport(): FaqChangeReport {
	return { added: [], updated: [], unchanged: [], removed: [], not_found: [] };
}

/**
 * Applies the edits of several input items to one agent's FAQ, in item order, and reports what
 * each item changed. Replace All edits of one run together form the new FAQ, so a Replace All fed
 * one entry per input item sets the FAQ to exactly those entries. Pure: `current` is not changed.
 */
/** An updated question keeps its place in the FAQ (under its trimmed spelling); a new one goes last. */
function setInPlace(faq: Map<string, string>, stored: string[], question: string, answer: string) {
	if (stored.length === 0) {
		faq.set(question, answer);
		return;
	}
	const entries = [...faq];
	faq.clear();
	for (const [key, value] of entries) {
		if (key === stored[0]) faq.set(question, answer);
		else if (!stored.includes(key)) faq.set(key, value);
	}
}

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
				const stored = storedQuestions(next, question);
				for (const key of stored) next.delete(key);
				(stored.length > 0 ? report.removed : report.not_found).push(question.trim());
			}
			return;
		}
		for (const entry of edit.entries) {
			const question = entry.question.trim();
			const stored = storedQuestions(next, question);
			const previous =
				stored.length > 0
					? next.get(stored[0])
					: edit.kind === 'replace'
						? answerOf(current, question)
						: undefined;
			if (previous === undefined) report.added.push(question);
			else if (previous === entry.answer) report.unchanged.push(question);
			else report.updated.push(question);
			// An unchanged entry keeps its stored spelling, so that it causes no write.
			if (stored.length === 1 && next.get(stored[0]) === entry.answer) continue;
			setInPlace(next, stored, question, entry.answer);
		}
	});

	if (replacing) {
		const removed = faqChange(current, next).removed;
		edits.forEach((edit, index) => {
			if (edit.kind === 'replace') reports[index].removed = removed;
		});
	}
	return { next, reports };
}

/** Added, updated and removed questions between the stored FAQ and a new one (trimmed questions). Pure. */
export function faqChange(stored: Map<string, string>, next: Map<string, string>): FaqChange {
	const change: FaqChange = { added: [], updated: [], removed: [] };
	const nextByQuestion = new Map([...next].map(([question, answer]) => [question.trim(), answer]));
	const storedByQuestion = new Map<string, string>();
	for (const [question, answer] of stored) {
		if (!storedByQuestion.has(question.trim())) storedByQuestion.set(question.trim(), answer);
	}
	for (const [question, answer] of nextByQuestion) {
		const before = storedByQuestion.get(question);
		if (before === undefined) change.added.push(question);
		else if (before !== answer) change.updated.push(question);
	}
	for (const question of storedByQuestion.keys())
		if (!nextByQuestion.has(question)) change.removed.push(question);
	return change;
}

/** Everything a write of `edits` onto `stored` would do, without doing it (the basis of a preview). */
export function planFaqChange(stored: Map<string, string>, edits: FaqEdit[]) {
	const { next, reports } = applyFaqEdits(stored, edits);
	return { next, reports, change: faqChange(stored, next), changed: !faqEquals(stored, next) };
}
