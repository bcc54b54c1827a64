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
		description: 'The agent whose FAQ to replace. Pick it from the list, or give its numeric ID.',
	}),
	entriesProperty(
		`The complete new FAQ: entries not listed here are removed. When several input items name the same agent, their entries together form the new FAQ (so one entry per input item works). At most ${FAQ_LIMITS.maxEntries} entries.`,
	),
	previewOptions('each entry added, updated or removed, with its current and new answer'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['faq'], operation: ['replace'] } },
	properties,
);

export const batch: RunBatch = async function (session, itemCount) {
	return await runFaqEdits.call(
		this,
		session,
		itemCount,
		(itemIndex) => ({ kind: 'replace', entries: readFaqEntries.call(this, itemIndex) }),
		{ invalidItemFailsAgent: true },
	);
};
