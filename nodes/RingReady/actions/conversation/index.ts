import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one phone call or web chat with its transcript',
				action: 'Get conversation with transcript',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List phone calls and web chats, newest first, with optional transcripts',
				action: 'Get many conversations',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
