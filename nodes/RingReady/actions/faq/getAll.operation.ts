import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent } from '../../transport/agents';
import { agentLocator } from '../../shared/descriptions';
import { faqFromApi } from '../../shared/faq';
import { mapItems } from '../../shared/items';
import { readAgentId } from '../agent/agentId';
import type { RequestSession } from '../../transport/session';

const properties: INodeProperties[] = [
	agentLocator({
		description: 'The agent whose FAQ to read. Pick it from the list, or give its numeric ID.',
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['getAll'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, items, session, (itemIndex) => {
		const agentId = readAgentId.call(this, itemIndex);
		return async () => {
			const agent = await getAgent.call(this, agentId, itemIndex, { withFaq: true, session });
			return [...faqFromApi(agent.faq)].map(([question, answer]) => ({
				question: question.trim(),
				answer,
			}));
		};
	});
}
