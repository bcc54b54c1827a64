import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getAccount } from '../../transport/account';
import { mapItems } from '../../shared/items';
import type { RequestSession } from '../../transport/session';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(
		this,
		items,
		session,
		(itemIndex) => async () => await getAccount.call(this, itemIndex, { session }),
	);
}
