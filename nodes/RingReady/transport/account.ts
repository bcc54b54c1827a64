import type { IDataObject } from 'n8n-workflow';

import type { RingReadyFunctions } from './index';
import { apiRequest } from './index';
import { whoamiShape } from './shapes';

/** GET /whoami: the key's account, key prefix and scopes. */
export async function getAccount(this: RingReadyFunctions, itemIndex?: number): Promise<IDataObject> {
	return (await apiRequest.call(this, 'GET', '/whoami', { itemIndex, expect: whoamiShape })) as IDataObject;
}
