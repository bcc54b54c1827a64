import type { INodeProperties } from 'n8n-workflow';

import * as deleteEntries from './delete.operation';
import * as getAll from './getAll.operation';
import * as replace from './replace.operation';
import * as upsert from './upsert.operation';

export { deleteEntries as delete, getAll, replace, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['faq'] } },
		options: [
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update FAQ entries',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Remove FAQ entries by their question',
				action: 'Delete FAQ entries',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: "List an agent's FAQ entries, one item per question",
				action: 'Get many FAQ entries',
			},
			{
				name: 'Replace All',
				value: 'replace',
				description: "Replace an agent's whole FAQ with the given entries",
				action: 'Replace all FAQ entries',
			},
		],
		default: 'getAll',
	},
	{
		displayName:
			'Replace All removes every FAQ entry that is not listed under Entries. To add or change a few entries, use Create or Update.',
		name: 'replaceNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['faq'], operation: ['replace'], '@tool': [false] } },
	},
	{
		displayName:
			'As an AI tool, one call of Replace All makes the FAQ exactly what the model sends: every entry it leaves out is removed. Turn on Preview so the call only shows the change, or give the model Create or Update instead.',
		name: 'replaceToolNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['faq'], operation: ['replace'], '@tool': [true] } },
	},
	...deleteEntries.description,
	...getAll.description,
	...replace.description,
	...upsert.description,
];
