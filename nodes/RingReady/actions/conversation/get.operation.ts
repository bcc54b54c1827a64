import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getConversation } from '../../shared/api';
import {
	conversationLocator,
	maxConcurrencyOption,
	optionsCollection,
	transcriptTextOption,
} from '../../shared/descriptions';
import {
	CONVERSATION_OUTPUT,
	conversationSimplifyProperty,
	OutputItem,
	outputProperties,
	readOutput,
	shapeConversation,
} from '../../shared/output';
import {
	readRecordingDownload,
	recordingFile,
	recordingOptions,
	type RecordingOptionValues,
} from '../../shared/recording';
import { parseId } from '../../shared/validation';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	conversationLocator(),
	conversationSimplifyProperty,
	...outputProperties(CONVERSATION_OUTPUT),
	optionsCollection([transcriptTextOption(), ...recordingOptions(), maxConcurrencyOption]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['get'] } },
	properties,
);

export const read: ReadItem = function (session, itemIndex) {
	const { node } = session;
	const id = parseId(
		node,
		this.getNodeParameter('conversationId', itemIndex, '', { extractValue: true }),
		'Conversation ID',
		itemIndex,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as RecordingOptionValues & {
		transcriptText?: boolean;
	};
	const output = readOutput.call(this, node, itemIndex, CONVERSATION_OUTPUT);
	const download = readRecordingDownload(node, options, itemIndex);
	return async () => {
		const conversation = await getConversation(session, id, { itemIndex });
		const json = shapeConversation(conversation, {
			transcriptText: options.transcriptText,
			output,
		});
		if (!download) return json;
		const binary = await recordingFile.call(this, session, conversation, download, itemIndex);
		return new OutputItem(json, binary);
	};
};
