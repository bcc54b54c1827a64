import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	conversationLocator,
	maxConcurrencyOption,
	optionsCollection,
	transcriptTextOption,
} from '../../shared/descriptions';
import { readSimplify } from '../../shared/parameters';
import { conversationSimplifyProperty, shapeConversation } from '../../shared/simplify';
import { parseId } from '../../shared/validation';
import { getConversation } from '../../transport';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	conversationLocator(),
	conversationSimplifyProperty,
	optionsCollection([transcriptTextOption(), maxConcurrencyOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['get'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const id = parseId(
		session.node,
		this.getNodeParameter('conversationId', itemIndex, '', { extractValue: true }),
		'Conversation ID',
		itemIndex,
	);
	const { transcriptText } = this.getNodeParameter('options', itemIndex, {}) as {
		transcriptText?: boolean;
	};
	const simplify = readSimplify.call(this, itemIndex);
	return async () => {
		const conversation = await getConversation(session, id, { itemIndex });
		return shapeConversation(conversation, { transcriptText, simplify }) as IDataObject;
	};
};
