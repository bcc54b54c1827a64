import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listAgents } from '../../transport/agents';
import { returnAllAndLimit } from '../../shared/descriptions';
import { mapItems } from '../../shared/items';
import { parseLimit } from '../../shared/validation';
import type { RequestSession } from '../../transport/session';
import { agentSimplifyProperty, simplifyAgentSummary } from './simplify';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	agentSimplifyProperty("each agent's ID, agent name, business name and phone number"),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, items, session, (itemIndex) => {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll
			? undefined
			: parseLimit(this.getNode(), this.getNodeParameter('limit', itemIndex), itemIndex);
		const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
		return async () => {
			const agents = (await listAgents.call(this, itemIndex, { session })).slice(0, limit);
			return simplify ? agents.map(simplifyAgentSummary) : (agents as IDataObject[]);
		};
	});
}
