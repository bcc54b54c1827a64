/**
 * Model-based test of the FAQ merge: any sequence of node runs
 * (Create or Update, Delete, Replace All; several input items per run) applied through the pure
 * merge functions leaves exactly the FAQ a small reference model holds, questions matched after
 * trimming. fast-check prints the seed and the shrunk counterexample when a run fails; replay one
 * with FAQ_MODEL_SEED=<seed>.
 */
import fc from 'fast-check';

import type { FaqEdit } from '../../nodes/RingReady/shared/faq';
import { applyFaqEdits, faqChange, planFaqChange } from '../../nodes/RingReady/shared/faq';

const QUESTIONS = [
	'Hours?',
	'Parking?',
	'Do you take cards?',
	'__proto__',
	'constructor',
	'toString',
	'Sundays?',
];
const ANSWERS = ['Yes.', 'No.', '9 to 5.', 'Ask us.'];

/** A question as a user or a stored FAQ may spell it: with spaces around it, or not. */
const spelled = fc
	.tuple(
		fc.constantFrom(...QUESTIONS),
		fc.constantFrom('', ' ', '  '),
		fc.constantFrom('', ' ', '\t'),
	)
	.map(([question, before, after]) => `${before}${question}${after}`);
const entry = fc.record({ question: spelled, answer: fc.constantFrom(...ANSWERS) });

/** A stored FAQ: distinct questions (after trimming), each possibly stored with spaces. */
const storedFaq = fc
	.uniqueArray(fc.tuple(spelled, fc.constantFrom(...ANSWERS)), {
		selector: ([question]) => question.trim(),
		maxLength: 6,
	})
	.map((pairs) => new Map(pairs));

/** One node run: one operation, one edit per input item. */
const entries = fc.array(entry, { maxLength: 4 });
const nodeRun: fc.Arbitrary<FaqEdit[]> = fc.oneof(
	...(['upsert', 'replace'] as const).map((kind) =>
		fc.array(
			entries.map((list): FaqEdit => ({ kind, entries: list })),
			{ minLength: 1, maxLength: 3 },
		),
	),
	fc.array(
		fc
			.array(spelled, { minLength: 1, maxLength: 3 })
			.map((questions): FaqEdit => ({ kind: 'delete', questions })),
		{ minLength: 1, maxLength: 3 },
	),
);

/** The reference: a plain map from trimmed question to answer. */
function modelRun(model: Map<string, string>, edits: FaqEdit[]): Map<string, string> {
	const next = edits.some((edit) => edit.kind === 'replace')
		? new Map<string, string>()
		: new Map(model);
	for (const edit of edits) {
		if (edit.kind === 'delete') for (const question of edit.questions) next.delete(question.trim());
		else for (const { question, answer } of edit.entries) next.set(question.trim(), answer);
	}
	return next;
}

function byTrimmedQuestion(faq: Map<string, string>): Map<string, string> {
	return new Map([...faq].map(([question, answer]) => [question.trim(), answer]));
}

const sorted = (values: Iterable<string>) => [...values].sort();

/** A cheap deep comparison (jest's expect is too slow for thousands of runs); throws with both sides. */
function same(actual: unknown, expected: unknown, what: string): void {
	const show = (value: unknown) =>
		JSON.stringify(
			value instanceof Map ? [...value].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : value,
		);
	if (show(actual) !== show(expected))
		throw new Error(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

it('any sequence of upserts, deletes and replaces leaves exactly the model’s FAQ', () => {
	const seed =
		process.env.FAQ_MODEL_SEED === undefined ? undefined : Number(process.env.FAQ_MODEL_SEED);
	fc.assert(
		fc.property(storedFaq, fc.array(nodeRun, { minLength: 1, maxLength: 8 }), (initial, runs) => {
			let stored = initial;
			let model = byTrimmedQuestion(initial);
			for (const edits of runs) {
				const plan = planFaqChange(stored, edits);
				const expected = modelRun(model, edits);

				// The FAQ written equals the model, with no two questions that differ only by spaces.
				same(byTrimmedQuestion(plan.next), expected, 'FAQ after the run');
				same(
					new Set([...plan.next.keys()].map((q) => q.trim())).size,
					plan.next.size,
					'distinct questions',
				);
				// What a preview would show: the difference between the two models.
				same(
					sorted(plan.change.added),
					sorted([...expected.keys()].filter((q) => !model.has(q))),
					'added',
				);
				same(
					sorted(plan.change.removed),
					sorted([...model.keys()].filter((q) => !expected.has(q))),
					'removed',
				);
				same(
					sorted(plan.change.updated),
					sorted(
						[...expected].filter(([q, a]) => model.has(q) && model.get(q) !== a).map(([q]) => q),
					),
					'updated',
				);
				// A run that changes nothing the model can see writes nothing, unless it respells a question.
				if (!plan.changed) same(expected, model, 'a run without a write');
				// Reports: every question an item names is accounted for exactly once.
				plan.reports.forEach((report, index) => {
					const edit = edits[index];
					const named =
						edit.kind === 'delete' ? edit.questions : edit.entries.map((e) => e.question);
					const reported = [
						...report.added,
						...report.updated,
						...report.unchanged,
						...(edit.kind === 'delete' ? [...report.removed, ...report.not_found] : []),
					];
					same(sorted(reported), sorted(named.map((q) => q.trim())), `report of item ${index}`);
				});
				same(faqChange(stored, plan.next), plan.change, 'faqChange');
				// The merge is pure: the same input gives the same FAQ.
				same(applyFaqEdits(stored, edits).next, plan.next, 'a second merge');

				stored = plan.next;
				model = expected;
			}
		}),
		{ numRuns: 3_000, seed, verbose: 1 },
	);
});
