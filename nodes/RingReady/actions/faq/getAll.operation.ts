import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent } from '../../shared/api';
import { agentLocator } from '../../shared/descriptions';
import { faqFromApi } from '../../shared/faq';
import { readAgentId } from '../../shared/validation';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	agentLocator({
		description: 'The agent whose FAQ to read. Pick it from the list, or give its numeric ID.',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['getAll'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const agentId = readAgentId.call(this, itemIndex);
	return async () => {
		const agent = await getAgent(session, agentId, { itemIndex, withFaq: true });
		return [...faqFromApi(agent.faq)].map(([question, answer]) => ({
			question: question.trim(),
			answer,
		}));
	};
};
