import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../shared/descriptions';
import { readLimit, readSimplify } from '../../shared/parameters';
import { agentSimplifyProperty, simplifyAgentSummary } from '../../shared/simplify';
import { listAgents } from '../../transport';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	agentSimplifyProperty("each agent's ID, agent name, business name and phone number"),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const limit = readLimit.call(this, itemIndex);
	const simplify = readSimplify.call(this, itemIndex);
	return async () => {
		const agents = (await listAgents(session, { itemIndex })).slice(0, limit);
		return simplify ? agents.map(simplifyAgentSummary) : (agents as IDataObject[]);
	};
};
