import type { IDataObject } from 'n8n-workflow';

import type { RequestOptions } from './request';
import { apiRequest } from './request';
import type { RequestSession } from './session';
import { whoamiShape } from './shapes';

/** GET /whoami: the key's account, key prefix and scopes. */
export async function getAccount(
	session: RequestSession,
	options: RequestOptions = {},
): Promise<IDataObject> {
	return (await apiRequest(session, 'GET', '/whoami', {
		...options,
		expect: whoamiShape,
	})) as IDataObject;
}
