import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent } from '../../transport/agents';
import { agentLocator } from '../../shared/descriptions';
import { mapItems } from '../../shared/items';
import { readAgentId } from './agentId';
import type { RequestSession } from '../../transport/session';
import { agentSimplifyProperty, simplifyAgent } from './simplify';

const properties: INodeProperties[] = [
	agentLocator(),
	agentSimplifyProperty(
		'ID, agent name, business name, phone number, website, greeting, goal and the number of FAQ entries (no business services, no FAQ: Agent FAQ › Get Many reads it)',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, items, session, (itemIndex) => {
		const agentId = readAgentId.call(this, itemIndex);
		const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
		return async () => {
			const agent = await getAgent.call(this, agentId, itemIndex, { session });
			return simplify ? simplifyAgent(agent) : (agent as IDataObject);
		};
	});
}
