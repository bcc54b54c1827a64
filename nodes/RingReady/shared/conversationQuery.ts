import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Channel, ConversationQuery } from './contract';
import { CHANNELS } from './contract';
import { parseId, toUtcTimestamp } from './validation';

export interface ConversationFilters {
	channel?: string;
	/** Already extracted from the resource locator. */
	agentId?: unknown;
	since?: unknown;
}

/** Validates the user's filters and turns them into GET /conversations query parameters. */
export function buildConversationQuery(
	node: INode,
	filters: ConversationFilters,
	timezone: string,
	itemIndex?: number,
): ConversationQuery {
	const query: ConversationQuery = {};
	if (filters.channel !== undefined && filters.channel !== '') {
		if (!(CHANNELS as readonly string[]).includes(filters.channel)) {
			throw new NodeOperationError(
				node,
				`Channel must be one of ${CHANNELS.join(', ')}, got "${filters.channel}"${
					itemIndex === undefined ? '' : ` [item ${itemIndex}]`
				}`,
				{ itemIndex, description: 'Choose Phone Call or Web Chat, or remove the Channel filter.' },
			);
		}
		query.channel = filters.channel as Channel;
	}
	if (filters.agentId !== undefined && filters.agentId !== '') {
		query.agent_id = parseId(node, filters.agentId, 'Agent ID', itemIndex);
	}
	if (filters.since !== undefined && filters.since !== '' && filters.since !== null) {
		query.since = toUtcTimestamp(node, filters.since, 'Since', timezone, itemIndex);
	}
	return query;
}

/** Reads a resource locator value whether n8n handed over the locator object or a plain value. */
export function locatorValue(value: unknown): unknown {
	if (value && typeof value === 'object' && '__rl' in (value as IDataObject)) {
		return (value as IDataObject).value;
	}
	return value;
}
