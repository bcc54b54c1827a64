import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FAQ_LIMITS } from '../../shared/contract';
import type { FaqEntry } from '../../shared/validation';
import { validateFaqEntry } from '../../shared/validation';

export function entriesProperty(description: string): INodeProperties {
	return {
		displayName: 'Entries',
		name: 'entries',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Entry',
		default: {},
		description,
		options: [
			{
				displayName: 'Entry',
				name: 'entry',
				values: [
					{
						displayName: 'Question',
						name: 'question',
						type: 'string',
						default: '',
						description: `The question callers ask, as plain text (at most ${FAQ_LIMITS.questionMaxLength} characters). An existing question with the same text (spaces around it do not matter) is updated.`,
					},
					{
						displayName: 'Answer',
						name: 'answer',
						type: 'string',
						typeOptions: { rows: 2 },
						default: '',
						description: `The answer the receptionist gives (at most ${FAQ_LIMITS.answerMaxLength} characters)`,
					},
				],
			},
		],
	};
}

/** Reads and validates one item's entries; questions and answers are trimmed. */
export function readFaqEntries(this: IExecuteFunctions, itemIndex: number): FaqEntry[] {
	const raw = this.getNodeParameter('entries.entry', itemIndex, []) as Array<{
		question?: unknown;
		answer?: unknown;
	}>;
	const entries = raw.map((entry) => ({
		question: String(entry.question ?? '').trim(),
		answer: String(entry.answer ?? '').trim(),
	}));
	entries.forEach((entry, position) =>
		validateFaqEntry(this.getNode(), entry, itemIndex, position),
	);
	return entries;
}
