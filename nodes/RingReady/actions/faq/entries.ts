import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { FAQ_LIMITS } from '../../shared/contract';
import type { FaqEntry } from '../../shared/validation';
import { requireText, validateFaqEntry } from '../../shared/validation';

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
	const node = this.getNode();
	const entries = raw.map((entry, position) => ({
		question: faqText(node, entry.question, `FAQ entry ${position + 1} question`, itemIndex),
		answer: faqText(node, entry.answer, `FAQ entry ${position + 1} answer`, itemIndex),
	}));
	entries.forEach((entry, position) =>
		validateFaqEntry(this.getNode(), entry, itemIndex, position),
	);
	return entries;
}

/** An expression may give a number, a list or an object: only text goes into the FAQ. */
function faqText(node: INode, value: unknown, label: string, itemIndex: number): string {
	if (value === undefined || value === null) return '';
	return requireText(node, value, label, itemIndex).trim();
}
