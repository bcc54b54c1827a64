import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getAgent } from '../../shared/api';
import { agentLocator } from '../../shared/descriptions';
import {
	AGENT_OUTPUT,
	agentSimplifyProperty,
	outputProperties,
	readOutput,
	shapeAgent,
} from '../../shared/output';
import { readAgentId } from '../../shared/validation';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	agentLocator(),
	agentSimplifyProperty(AGENT_OUTPUT.simplified),
	...outputProperties(AGENT_OUTPUT),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['agent'], operation: ['get'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const agentId = readAgentId.call(this, itemIndex);
	const output = readOutput.call(this, session.node, itemIndex, AGENT_OUTPUT);
	return async () => shapeAgent(await getAgent(session, agentId, { itemIndex }), output);
};
