import type { IExecuteFunctions } from 'n8n-workflow';

import { agentIdFromLocator, parseLimit } from './validation';

/** The agent chosen in the `agentId` resource locator (list, ID or dashboard URL), as a number. */
export function readAgentId(this: IExecuteFunctions, itemIndex: number): number {
	return agentIdFromLocator(
		this.getNode(),
		this.getNodeParameter('agentId', itemIndex, ''),
		itemIndex,
	);
}

/** Return All and Limit: the most items to return (Infinity for all). */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll
		? Number.POSITIVE_INFINITY
		: parseLimit(this.getNode(), this.getNodeParameter('limit', itemIndex), itemIndex);
}
