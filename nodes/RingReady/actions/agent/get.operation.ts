import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent } from '../../transport/agents';
import { agentLocator } from '../../shared/descriptions';
import { mapItems } from '../../shared/items';
import { readAgentId } from './agentId';
import type { RequestSession } from '../../transport/session';

const properties: INodeProperties[] = [agentLocator()];

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
		return async () => (await getAgent.call(this, agentId, itemIndex, { session })) as IDataObject;
	});
}
