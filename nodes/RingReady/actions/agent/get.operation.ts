import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { agentLocator } from '../../shared/descriptions';
import { readAgentId, readSimplify } from '../../shared/parameters';
import { agentSimplifyProperty, simplifyAgent } from '../../shared/simplify';
import { getAgent } from '../../transport';
import type { ReadItem } from '../operation';

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

export const read: ReadItem = function (session, itemIndex) {
	const agentId = readAgentId.call(this, itemIndex);
	const simplify = readSimplify.call(this, itemIndex);
	return async () => {
		const agent = await getAgent(session, agentId, { itemIndex });
		return simplify ? simplifyAgent(agent) : (agent as IDataObject);
	};
};
