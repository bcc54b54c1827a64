import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listAgents } from '../../shared/api';
import { returnAllAndLimit } from '../../shared/descriptions';
import {
	AGENT_LIST_OUTPUT,
	agentSimplifyProperty,
	outputProperties,
	readOutput,
	shapeAgentSummary,
} from '../../shared/output';
import { readLimit } from '../../shared/validation';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	agentSimplifyProperty(AGENT_LIST_OUTPUT.simplified),
	...outputProperties(AGENT_LIST_OUTPUT),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['getAll'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const limit = readLimit.call(this, itemIndex);
	const output = readOutput.call(this, session.node, itemIndex, AGENT_LIST_OUTPUT);
	return async () =>
		(await listAgents(session, { itemIndex }))
			.slice(0, limit)
			.map((agent) => shapeAgentSummary(agent, output));
};
