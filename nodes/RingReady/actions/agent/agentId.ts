import type { IExecuteFunctions } from 'n8n-workflow';

import { agentIdFromLocator } from '../../shared/validation';

/** The agent chosen in the `agentId` resource locator (list, ID or dashboard URL), as a number. */
export function readAgentId(this: IExecuteFunctions, itemIndex: number): number {
	return agentIdFromLocator(
		this.getNode(),
		this.getNodeParameter('agentId', itemIndex, ''),
		itemIndex,
	);
}
