import type { INodeProperties } from 'n8n-workflow';

import { AGENT_DASHBOARD_URL, CHANNELS, TRANSCRIPT_CONCURRENCY } from './contract';
import { AGENT_URL_PATTERN } from './validation';

export function agentLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Agent',
		name: 'agentId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The AI receptionist (agent). Pick it from the list, or give its numeric ID.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an agent...',
				typeOptions: { searchListMethod: 'searchAgents', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 7',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*\\d+\\s*$',
							errorMessage: 'An agent ID is a whole number, e.g. 7',
						},
					},
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: `e.g. ${AGENT_DASHBOARD_URL}7`,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: AGENT_URL_PATTERN,
							errorMessage: 'Paste the agent page URL from the RingReady dashboard',
						},
					},
				],
				extractValue: { type: 'regex', regex: AGENT_URL_PATTERN },
			},
		],
		...overrides,
	};
}

export function conversationLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Conversation',
		name: 'conversationId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			'The phone call or web chat. Pick a recent one from the list, or give its numeric ID.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a conversation...',
				typeOptions: { searchListMethod: 'searchConversations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 184',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*\\d+\\s*$',
							errorMessage: 'A conversation ID is a whole number, e.g. 184',
						},
					},
				],
			},
		],
		...overrides,
	};
}

export const channelOptions = CHANNELS.map((value) => ({
	name: value === 'phone' ? 'Phone Call' : 'Web Chat',
	value,
}));

/** The filters of GET /conversations that both the node and the trigger offer. */
export const conversationFilters: INodeProperties[] = [
	agentLocator({
		required: false,
		description: 'Only conversations handled by this agent (AI receptionist)',
	}),
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		options: channelOptions,
		default: 'phone',
		description: 'Only phone calls, or only website chats',
	},
];

export function returnAllAndLimit(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/**
 * Add Transcript Text, wherever a transcript is fetched (Conversation › Get and Get Many, the
 * trigger). `note`: what it does besides, in that place.
 */
export function transcriptTextOption(note = ''): INodeProperties {
	return {
		displayName: 'Add Transcript Text',
		name: 'transcriptText',
		type: 'boolean',
		default: false,
		description: `Whether to add a "transcript_text" field: the transcript as plain text, one "Role: content" line per turn (handy for AI prompts, CRM notes and Slack messages)${note}`,
	};
}

/** Read once, from the first item; it bounds the whole run (every item, page and transcript). */
export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrency',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: TRANSCRIPT_CONCURRENCY.max },
	default: 10, // = TRANSCRIPT_CONCURRENCY.default; the lint rule wants a literal
	description:
		'How many requests to RingReady this node makes at the same time, for all input items together. The node slows down by itself when RingReady answers "too many requests".',
};

/** The Options collection of an operation. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}
