import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { FAQ_LIMITS } from '../../shared/contract';
import { agentLocator } from '../../shared/descriptions';
import { entriesProperty, readFaqEntries } from './entries';
import { runFaqEdits } from './runFaqEdits';
import { previewOptions } from '../../shared/preview';
import type { RunBatch } from '../operation';

const properties: INodeProperties[] = [
	agentLocator({
		description: 'The agent whose FAQ to change. Pick it from the list, or give its numeric ID.',
	}),
	entriesProperty(
		`Entries to add, or to update when the question already exists; other entries stay. Use an expression such as {{ $json.question }} to add one entry per input item. The FAQ holds at most ${FAQ_LIMITS.maxEntries} entries.`,
	),
	previewOptions('each entry added or updated, with its current and new answer'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['upsert'] } },
	properties,
);

export const batch: RunBatch = async function (session, itemCount) {
	return await runFaqEdits.call(this, session, itemCount, (itemIndex) => ({
		kind: 'upsert',
		entries: readFaqEntries.call(this, itemIndex),
	}));
};
