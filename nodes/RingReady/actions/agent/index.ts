import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['agent'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get an agent's full settings, including its FAQ",
				action: 'Get agent settings',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the AI receptionists (agents) of the account',
				action: 'Get many agents',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change an agent's goal, greeting or business details",
				action: 'Update agent settings',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
	...update.description,
];
