import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { returnAllAndLimit } from '../../shared/descriptions';
import type { ItemRequest } from '../../shared/items';
import { readLimit, readSimplify } from '../../shared/parameters';
import { agentSimplifyProperty, simplifyAgentSummary } from '../../shared/simplify';
import { listAgents, type RequestSession } from '../../transport';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	agentSimplifyProperty("each agent's ID, agent name, business name and phone number"),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

export const mode = 'read';

export function prepare(
	this: IExecuteFunctions,
	session: RequestSession,
	itemIndex: number,
): ItemRequest {
	const limit = readLimit.call(this, itemIndex);
	const simplify = readSimplify.call(this, itemIndex);
	return async () => {
		const agents = (await listAgents(session, { itemIndex })).slice(0, limit);
		return simplify ? agents.map(simplifyAgentSummary) : (agents as IDataObject[]);
	};
}
