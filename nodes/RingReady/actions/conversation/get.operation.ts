import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getConversation } from '../../transport/conversations';
import {
	conversationLocator,
	maxConcurrencyOption,
	simplifyProperty,
	transcriptTextOption,
} from '../../shared/descriptions';
import { mapItems } from '../../shared/items';
import { shapeConversation } from '../../shared/transcript';
import { parseId } from '../../shared/validation';
import type { RequestSession } from '../../transport/session';

const properties: INodeProperties[] = [
	conversationLocator(),
	simplifyProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [transcriptTextOption, maxConcurrencyOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
): Promise<INodeExecutionData[]> {
	return await mapItems.call(this, items, session, (itemIndex) => {
		const id = parseId(
			session.node,
			this.getNodeParameter('conversationId', itemIndex, '', { extractValue: true }),
			'Conversation ID',
			itemIndex,
		);
		const { transcriptText } = this.getNodeParameter('options', itemIndex, {}) as {
			transcriptText?: boolean;
		};
		const simplify = this.getNodeParameter('simplify', itemIndex, false) as boolean;
		return async () => {
			const conversation = await getConversation.call(this, id, { itemIndex, session });
			return shapeConversation(conversation, { transcriptText, simplify }) as IDataObject;
		};
	});
}
