import type { INodeProperties } from 'n8n-workflow';

import { getAccount } from '../../shared/api';
import type { ReadItem } from '../operation';

export const description: INodeProperties[] = [];

export const read: ReadItem = function (session, itemIndex) {
	return async () => await getAccount(session, { itemIndex });
};
