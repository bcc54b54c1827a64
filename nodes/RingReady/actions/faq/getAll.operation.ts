import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { agentLocator } from '../../shared/descriptions';
import { faqFromApi } from '../../shared/faq';
import type { ItemRequest } from '../../shared/items';
import { readAgentId } from '../../shared/parameters';
import { getAgent, type RequestSession } from '../../transport';

const properties: INodeProperties[] = [
	agentLocator({
		description: 'The agent whose FAQ to read. Pick it from the list, or give its numeric ID.',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['getAll'] } },
	properties,
);

export const mode = 'read';

export function prepare(
	this: IExecuteFunctions,
	session: RequestSession,
	itemIndex: number,
): ItemRequest {
	const agentId = readAgentId.call(this, itemIndex);
	return async () => {
		const agent = await getAgent(session, agentId, { itemIndex, withFaq: true });
		return [...faqFromApi(agent.faq)].map(([question, answer]) => ({
			question: question.trim(),
			answer,
		}));
	};
}
