import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiRequest } from '../../transport';
import { mapItems } from '../../shared/items';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await mapItems.call(
		this,
		items,
		(itemIndex) => async () => (await apiRequest.call(this, 'GET', '/whoami', { itemIndex })) as IDataObject,
	);
}
