import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as agent from './actions/agent';
import * as conversation from './actions/conversation';
import * as faq from './actions/faq';
import { router, runSession } from './actions/router';
import { searchAgents, searchConversations } from './methods/listSearch';

export class RingReady implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RingReady',
		name: 'ringReady',
		icon: { light: 'file:../../icons/ringready.svg', dark: 'file:../../icons/ringready.dark.svg' },
		group: ['transform'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Read the phone calls and web chats your RingReady AI receptionists handled, and tune the receptionists and their FAQ',
		defaults: { name: 'RingReady' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account', description: 'The owner of the API key' },
					{ name: 'Agent', value: 'agent', description: 'An AI receptionist' },
					{ name: 'Agent FAQ', value: 'faq', description: "An agent's questions and answers" },
					{ name: 'Conversation', value: 'conversation', description: 'A phone call or web chat' },
				],
				default: 'conversation',
			},
			...account.description,
			...agent.description,
			...conversation.description,
			...faq.description,
		],
	};

	methods = { listSearch: { searchAgents, searchConversations } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, runSession.call(this));
	}
}
