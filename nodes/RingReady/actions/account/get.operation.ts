import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemRequest } from '../../shared/items';
import { getAccount, type RequestSession } from '../../transport';

export const description: INodeProperties[] = [];

export const mode = 'read';

export function prepare(
	this: IExecuteFunctions,
	session: RequestSession,
	itemIndex: number,
): ItemRequest {
	return async () => await getAccount(session, { itemIndex });
}
