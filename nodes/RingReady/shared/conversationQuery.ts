import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Channel, ConversationQuery } from './contract';
import { CHANNELS } from './contract';
import { parseId, toUtcTimestamp } from './validation';

/**
 * Validates the user's `filters` collection and turns it into GET /conversations query parameters.
 * `agentIdOf` reads the Agent locator's value (list, ID or URL), which only n8n can extract.
 */
export function buildConversationQuery(
	node: INode,
	filters: IDataObject,
	agentIdOf: () => unknown,
	timezone: string,
	itemIndex?: number,
): ConversationQuery {
	const query: ConversationQuery = {};
	const channel = filters.channel as string | undefined;
	const agentId = filters.agentId === undefined ? undefined : agentIdOf();
	if (channel !== undefined && channel !== '') {
		if (!(CHANNELS as readonly string[]).includes(channel)) {
			throw new NodeOperationError(
				node,
				`Channel must be one of ${CHANNELS.join(', ')}, got "${channel}"${
					itemIndex === undefined ? '' : ` [item ${itemIndex}]`
				}`,
				{ itemIndex, description: 'Choose Phone Call or Web Chat, or remove the Channel filter.' },
			);
		}
		query.channel = channel as Channel;
	}
	if (agentId !== undefined && agentId !== '') {
		query.agent_id = parseId(node, agentId, 'Agent ID', itemIndex);
	}
	if (filters.since !== undefined && filters.since !== '' && filters.since !== null) {
		query.since = toUtcTimestamp(node, filters.since, 'Since', timezone, itemIndex);
	}
	return query;
}
