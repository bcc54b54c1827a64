import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { conversationPages } from '../../shared/api';
import type { ConversationQuery, ConversationSummary } from '../../shared/contract';
import { buildConversationQuery } from '../../shared/conversationQuery';
import {
	conversationFilters,
	maxConcurrencyOption,
	optionsCollection,
	returnAllAndLimit,
	transcriptTextOption,
} from '../../shared/descriptions';
import {
	CONVERSATION_FULL_FIELDS,
	CONVERSATION_OUTPUT,
	conversationSimplifyProperty,
	type ItemData,
	type OutputChoice,
	OutputItem,
	outputProperties,
	readOutput,
	shapeConversation,
} from '../../shared/output';
import {
	readRecordingDownload,
	recordingFile,
	recordingOptions,
	type RecordingDownload,
	type RecordingOptionValues,
} from '../../shared/recording';
import { agentIdFromLocator, readLimit } from '../../shared/validation';
import { fetchConversationDetails, type DetailOutcome } from '../../shared/conversations';
import { RunCancelledError, type RequestSession } from '../../transport';
import { serviceWideFailure } from '../../transport/errors';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	conversationSimplifyProperty,
	...outputProperties({
		...CONVERSATION_OUTPUT,
		fieldsNote: `. Choosing ${CONVERSATION_FULL_FIELDS.join(', ')} fetches each conversation in full, as Include Transcripts does.`,
	}),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			...conversationFilters,
			{
				displayName: 'Since',
				name: 'since',
				type: 'dateTime',
				default: '',
				description:
					'Only conversations that started at or after this time, e.g. {{ $now.minus({ days: 7 }) }} for the last week',
			},
		],
	},
	optionsCollection([
		{
			displayName: 'Include Transcripts',
			name: 'includeTranscripts',
			type: 'boolean',
			default: false,
			description:
				'Whether to fetch each conversation in full: transcript, recording URL and visitor IP (one extra request per conversation, made in parallel)',
		},
		maxConcurrencyOption,
		transcriptTextOption('. Turns on Include Transcripts.'),
		...recordingOptions(
			'. Turns on Include Transcripts: the recording address comes with the full conversation.',
		),
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['conversation'], operation: ['getAll'] } },
	properties,
);

interface FetchOptions {
	max: number;
	withTranscripts: boolean;
	transcriptText: boolean;
	output: OutputChoice;
	download: RecordingDownload | undefined;
	itemIndex: number;
}

export const read: ReadItem = function (session, itemIndex) {
	const node = session.node;
	const max = readLimit.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as RecordingOptionValues & {
		includeTranscripts?: boolean;
		transcriptText?: boolean;
	};
	const output = readOutput.call(this, node, itemIndex, CONVERSATION_OUTPUT);
	const download = readRecordingDownload(node, options, itemIndex);
	const fullFieldChosen =
		output.mode === 'selectedFields' &&
		output.fields.some((field) => CONVERSATION_FULL_FIELDS.includes(field));
	const query = buildConversationQuery(
		node,
		filters,
		() => {
			const locator = this.getNodeParameter('filters.agentId', itemIndex, '') as unknown;
			const value = (locator as { value?: unknown } | undefined)?.value ?? locator;
			return value === '' ? '' : agentIdFromLocator(node, locator, itemIndex);
		},
		this.getTimezone(),
		itemIndex,
	);
	const fetchOptions: FetchOptions = {
		max,
		withTranscripts: Boolean(
			options.includeTranscripts || options.transcriptText || download || fullFieldChosen,
		),
		transcriptText: Boolean(options.transcriptText),
		output,
		download,
		itemIndex,
	};
	return async () => await fetchConversations.call(this, session, query, fetchOptions);
};

async function fetchConversations(
	this: IExecuteFunctions,
	session: RequestSession,
	query: ConversationQuery,
	{ max, withTranscripts, transcriptText, output, download, itemIndex }: FetchOptions,
): Promise<ItemData[]> {
	// List pages share the run's throttle with the detail calls (first in line): under a rate
	// limit a page then neither draws a 429 nor waits out a Retry-After on its own.
	const pages = conversationPages(session, query, { max, itemIndex });
	if (!withTranscripts) {
		const conversations: ConversationSummary[] = [];
		for await (const page of pages) conversations.push(...page);
		return output.mode === 'raw'
			? (conversations as IDataObject[])
			: conversations.map((conversation) => shapeConversation(conversation, { output }));
	}

	// Only a run cancelled by another item's failure leaves details unfetched (and then fails anyway).
	// Without Continue On Fail the first failed transcript fails the run: from then on no page and no
	// transcript is requested, in this item or any other.
	const continueOnFail = this.continueOnFail();
	let firstFailure: DetailOutcome<IBinaryKeyData | undefined> | undefined;
	const outcomes = await fetchConversationDetails(session, pages, {
		itemIndex,
		afterDetail: download
			? async (detail) => await recordingFile.call(this, session, detail, download, itemIndex)
			: undefined,
		stopAfter: (outcome) => {
			if (continueOnFail) return false;
			firstFailure ??= outcome;
			session.cancel();
			return true;
		},
	}).then(
		(all) =>
			all.filter(
				(outcome): outcome is DetailOutcome<IBinaryKeyData | undefined> => outcome !== undefined,
			),
		// The listing cut short by that stop: the transcript's failure is what to report.
		async (error: unknown) =>
			firstFailure && error instanceof RunCancelledError ? [] : await Promise.reject(error),
	);
	if (firstFailure) {
		const { summary, detail } = firstFailure;
		const error = firstFailure.error as Error & { description?: string };
		// A recording's failure names its conversation already.
		if (!detail) error.message = `Conversation ${summary.id}: ${error.message}`;
		const fetched = outcomes.filter((outcome) => outcome.detail !== undefined).length;
		error.description =
			`${error.description ?? ''} The run stopped at this failure (${fetched} transcript${
				fetched === 1 ? ' was' : 's were'
			} fetched); no further request was sent.${
				serviceWideFailure(error) === undefined
					? ' Turn on "Continue On Fail" in the node settings to keep the conversations that succeeded.'
					: ''
			}`.trim();
		throw error;
	}
	return outcomes.map(({ summary, detail, attachment, error }) => {
		if (error !== undefined) {
			const { message, description } = error as { message: string; description?: string };
			return { error: message, description: description ?? null, conversation_id: summary.id };
		}
		const json = shapeConversation(detail!, { transcriptText, output });
		return download ? new OutputItem(json, attachment) : json;
	});
}
