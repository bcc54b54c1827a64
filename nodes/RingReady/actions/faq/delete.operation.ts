import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { agentLocator } from '../../shared/descriptions';
import { runFaqEdits } from './runFaqEdits';
import { previewOptions } from '../../shared/preview';
import { requireText } from '../../shared/validation';
import type { RunBatch } from '../operation';

const properties: INodeProperties[] = [
	agentLocator({
		description:
			'The agent whose FAQ entries to delete. Pick it from the list, or give its numeric ID.',
	}),
	{
		displayName: 'Questions',
		name: 'questions',
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Question' },
		default: [],
		description:
			'The questions to remove, as they appear in the FAQ (spaces around a question do not matter). Questions not in the FAQ are reported under "not_found".',
	},
	previewOptions('each entry removed, with its answer'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['delete'] } },
	properties,
);

export const batch: RunBatch = async function (session, itemCount) {
	return await runFaqEdits.call(this, session, itemCount, (itemIndex) => {
		const raw = this.getNodeParameter('questions', itemIndex, []) as unknown;
		// An expression may give a list of questions; each one must be text, as in Create or Update.
		const questions = [raw]
			.flat(2)
			.map((question: unknown, position) =>
				question === undefined || question === null
					? ''
					: requireText(this.getNode(), question, `Question ${position + 1}`, itemIndex).trim(),
			)
			.filter((question) => question !== '');
		if (questions.length === 0) {
			throw new NodeOperationError(this.getNode(), `No questions to delete [item ${itemIndex}]`, {
				itemIndex,
				description: 'Add at least one question under "Questions".',
			});
		}
		return { kind: 'delete', questions };
	});
};
