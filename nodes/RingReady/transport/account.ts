import type { IDataObject } from 'n8n-workflow';

import type { RequestContext, RingReadyFunctions } from './index';
import { apiRequest } from './index';
import { whoamiShape } from './shapes';

/** GET /whoami: the key's account, key prefix and scopes. */
export async function getAccount(
	this: RingReadyFunctions,
	itemIndex?: number,
	context: RequestContext = {},
): Promise<IDataObject> {
	return (await apiRequest.call(this, 'GET', '/whoami', {
		...context,
		itemIndex,
		expect: whoamiShape,
	})) as IDataObject;
}
