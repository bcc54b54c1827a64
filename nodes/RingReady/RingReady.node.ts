import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { router } from './actions/router';
import { versionDescription } from './actions/versionDescription';
import { searchAgents, searchConversations } from './methods/listSearch';

export class RingReady implements INodeType {
	description: INodeTypeDescription = versionDescription;

	methods = { listSearch: { searchAgents, searchConversations } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
