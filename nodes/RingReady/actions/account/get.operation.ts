import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getAccount } from '../../transport/account';
import { mapItems } from '../../shared/items';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await mapItems.call(
		this,
		items,
		(itemIndex) => async () => await getAccount.call(this, itemIndex),
	);
}
