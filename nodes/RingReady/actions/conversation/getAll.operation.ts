import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ConversationQuery, ConversationSummary } from '../../shared/contract';
import { buildConversationQuery } from '../../shared/conversationQuery';
import {
	conversationFilters,
	maxConcurrencyOption,
	optionsCollection,
	returnAllAndLimit,
	transcriptTextOption,
} from '../../shared/descriptions';
import { readLimit, readSimplify } from '../../shared/parameters';
import { conversationSimplifyProperty, shapeConversation } from '../../shared/simplify';
import { agentIdFromLocator } from '../../shared/validation';
import {
	conversationPages,
	fetchConversationDetails,
	RunCancelledError,
	type DetailOutcome,
	type RequestSession,
} from '../../transport';
import { serviceWideFailure } from '../../transport/errors';
import type { ReadItem } from '../operation';

const properties: INodeProperties[] = [
	...returnAllAndLimit(),
	conversationSimplifyProperty,
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
	simplify: boolean;
	itemIndex: number;
}

export const read: ReadItem = function (session, itemIndex) {
	const node = session.node;
	const max = readLimit.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		includeTranscripts?: boolean;
		transcriptText?: boolean;
	};
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
		withTranscripts: Boolean(options.includeTranscripts || options.transcriptText),
		transcriptText: Boolean(options.transcriptText),
		simplify: readSimplify.call(this, itemIndex),
		itemIndex,
	};
	return async () => await fetchConversations.call(this, session, query, fetchOptions);
};

async function fetchConversations(
	this: IExecuteFunctions,
	session: RequestSession,
	query: ConversationQuery,
	{ max, withTranscripts, transcriptText, simplify, itemIndex }: FetchOptions,
): Promise<IDataObject[]> {
	// List pages share the run's throttle with the detail calls (first in line): under a rate
	// limit a page then neither draws a 429 nor waits out a Retry-After on its own.
	const pages = conversationPages(session, query, { max, itemIndex });
	if (!withTranscripts) {
		const conversations: ConversationSummary[] = [];
		for await (const page of pages) conversations.push(...page);
		return simplify
			? (conversations.map((c) => shapeConversation(c, { simplify })) as IDataObject[])
			: (conversations as IDataObject[]);
	}

	// Only a run cancelled by another item's failure leaves details unfetched (and then fails anyway).
	// Without Continue On Fail the first failed transcript fails the run: from then on no page and no
	// transcript is requested, in this item or any other.
	const continueOnFail = this.continueOnFail();
	let firstFailure: DetailOutcome | undefined;
	const outcomes = await fetchConversationDetails(session, pages, {
		itemIndex,
		stopAfter: (outcome) => {
			if (continueOnFail) return false;
			firstFailure ??= outcome;
			session.cancel();
			return true;
		},
	}).then(
		(all) => all.filter((outcome): outcome is DetailOutcome => outcome !== undefined),
		// The listing cut short by that stop: the transcript's failure is what to report.
		async (error: unknown) =>
			firstFailure && error instanceof RunCancelledError ? [] : await Promise.reject(error),
	);
	if (firstFailure) {
		const { summary } = firstFailure;
		const error = firstFailure.error as Error & { description?: string };
		error.message = `Conversation ${summary.id}: ${error.message}`;
		const fetched = outcomes.filter((outcome) => outcome.error === undefined).length;
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
	return outcomes.map(({ summary, detail, error }) => {
		if (error !== undefined) {
			const { message, description } = error as { message: string; description?: string };
			return { error: message, description: description ?? null, conversation_id: summary.id };
		}
		return shapeConversation(detail!, { transcriptText, simplify }) as IDataObject;
	});
}
