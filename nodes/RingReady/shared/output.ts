import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	IPollFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AgentDetail, AgentSummary, ConversationDetail } from './contract';
import {
	AGENT_FIELDS,
	AGENT_LIST_FIELDS,
	CONVERSATION_DETAIL_ONLY_FIELDS,
	CONVERSATION_LIST_FIELDS,
} from './contract';
import { addReadableTranscriptText } from './transcript';
import { invalid } from './validation';

/**
 * What the node outputs: each record as "Output" (node version 1.1 on: Simplified, Raw or Selected
 * Fields) or version 1's "Simplify" asks, read and checked before any request; what Simplified
 * keeps of a conversation and of an agent; and each item's result as n8n output items (its records,
 * files, or its failure under Continue On Fail).
 */

/** The first node version with Output instead of Simplify. */
export const OUTPUT_VERSION = 1.1;

/** Shown from version 1.1 on, the way n8n's own versioned nodes write it. */
const FROM_OUTPUT_VERSION = { '@version': [{ _cnd: { gte: OUTPUT_VERSION } }] };

/** Shown in version 1 only. */
const BEFORE_OUTPUT_VERSION = { '@version': [{ _cnd: { lt: OUTPUT_VERSION } }] };

export type OutputMode = 'simplified' | 'raw' | 'selectedFields';

const OUTPUT_MODES: readonly OutputMode[] = ['simplified', 'raw', 'selectedFields'];

/** What to output of each record. `fields`: Selected Fields, the id first, in the record's field order. */
export type OutputChoice =
	| { mode: 'simplified'; typeVersion: number }
	| { mode: 'raw' }
	| { mode: 'selectedFields'; fields: string[] };

export interface OutputRecord {
	/** "conversation", "agent": in descriptions and messages. */
	name: string;
	/** What Simplified keeps, e.g. "ID, channel, agent, ...". */
	simplified: string;
	/** Every field Selected Fields may choose (the API's fields of the record, and derived ones). */
	fields: readonly string[];
	/** Added to the Fields description (e.g. which fields need the transcript). */
	fieldsNote?: string;
}

/** Version 1's Simplify property, shown in version 1 only. */
export function simplifyBeforeOutputVersion(simplify: INodeProperties): INodeProperties {
	return { ...simplify, displayOptions: { show: { ...BEFORE_OUTPUT_VERSION } } };
}

/** Output and Fields for one kind of record, shown from version 1.1 on. */
export function outputProperties(record: OutputRecord): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'simplified',
			options: [
				{
					name: 'Simplified',
					value: 'simplified',
					description: `Only ${record.simplified}: what most workflows and AI agents need, in few tokens`,
				},
				{
					name: 'Raw',
					value: 'raw',
					description: `The whole ${record.name} as RingReady returns it`,
				},
				{
					name: 'Selected Fields',
					value: 'selectedFields',
					description: 'Only the fields you choose, and the ID',
				},
			],
			description: `Which fields of each ${record.name} to return`,
			displayOptions: { show: { ...FROM_OUTPUT_VERSION } },
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			options: [...record.fields]
				.sort((a, b) => a.localeCompare(b))
				.map((field) => ({ name: field, value: field })),
			default: [],
			description: `The fields of each ${record.name} to return; the ID is always returned${record.fieldsNote ?? ''}`,
			displayOptions: { show: { ...FROM_OUTPUT_VERSION, output: ['selectedFields'] } },
		},
	];
}

/** The parameters Output reads: version 1's `simplify`, or version 1.1's `output` and `fields`. */
export interface OutputValues {
	simplify?: unknown;
	output?: unknown;
	fields?: unknown;
}

/**
 * What to output, from the node's Output (version 1.1 on) or Simplify (version 1), checked before
 * any request: an unknown Output value or a field the record does not have fails, naming it.
 * `itemIndex` undefined: no items (the trigger's parameters).
 */
export function parseOutput(
	node: INode,
	values: OutputValues,
	record: OutputRecord,
	itemIndex?: number,
): OutputChoice {
	const { typeVersion } = node;
	if (typeVersion < OUTPUT_VERSION) {
		return values.simplify ? { mode: 'simplified', typeVersion } : { mode: 'raw' };
	}
	const mode = (values.output ?? 'simplified') as OutputMode;
	if (!OUTPUT_MODES.includes(mode)) {
		throw invalid(
			node,
			itemIndex,
			`Output must be Simplified, Raw or Selected Fields, got "${String(mode).slice(0, 40)}"`,
			`Set Output to "simplified", "raw" or "selectedFields".`,
		);
	}
	if (mode === 'simplified') return { mode, typeVersion };
	if (mode === 'raw') return { mode };
	const chosen = chosenFields(values.fields);
	const unknown = chosen.filter((field) => !record.fields.includes(field));
	if (unknown.length > 0) {
		throw invalid(
			node,
			itemIndex,
			`Fields: "${unknown[0].slice(0, 40)}" is not a field of ${/^[aeiou]/.test(record.name) ? 'an' : 'a'} ${record.name}`,
			`Choose from: ${record.fields.join(', ')}.`,
		);
	}
	return {
		mode,
		fields: ['id', ...record.fields.filter((field) => field !== 'id' && chosen.includes(field))],
	};
}

/** The item's Output (or Simplify), as parseOutput checks it; no `itemIndex`: the trigger's. */
export function readOutput(
	this: IExecuteFunctions | IPollFunctions,
	node: INode,
	itemIndex: number | undefined,
	record: OutputRecord,
): OutputChoice {
	const read = (name: keyof OutputValues, fallback: unknown): unknown =>
		itemIndex === undefined
			? (this as IPollFunctions).getNodeParameter(name, fallback)
			: (this as IExecuteFunctions).getNodeParameter(name, itemIndex, fallback);
	return parseOutput(
		node,
		node.typeVersion < OUTPUT_VERSION
			? { simplify: read('simplify', false) }
			: { output: read('output', 'simplified'), fields: read('fields', []) },
		record,
		itemIndex,
	);
}

/** The editor saves a list; an expression (or a model) may give a comma-separated text. */
function chosenFields(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((field) => String(field).trim()).filter((field) => field !== '');
}

/** The record's `fields`, in that order; a field the record lacks is null. */
export function pickFields(
	record: Record<string, unknown>,
	fields: readonly string[],
): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) picked[field] = (record[field] ?? null) as IDataObject[string];
	return picked;
}

/** What Simplify keeps of an agent in a list: enough to pick one. */
export const SIMPLIFIED_AGENT_LIST_FIELDS = [
	'id',
	'agent_name',
	'business_name',
	'phone_number',
] as const;

/**
 * What Simplify keeps of one agent: who it is and what it says, bounded by the API's limits (goal at
 * most 10,000 characters, the rest 1,000 together). Business Services (up to 30,000 characters) and
 * the FAQ (up to 50 entries) are left out; the FAQ is counted, and Agent FAQ › Get Many reads it.
 */
export const SIMPLIFIED_AGENT_FIELDS = [
	'id',
	'agent_name',
	'business_name',
	'phone_number',
	'business_website',
	'greeting_message',
	'agent_goal',
] as const;

/** Simplify for a conversation (version 1): what it keeps is SIMPLIFIED_CONVERSATION_FIELDS. */
export const conversationSimplifyProperty: INodeProperties = simplifyBeforeOutputVersion({
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return only the fields most workflows and AI agents need (ID, channel, agent, caller, label, summary, start time, duration, end reason, and the transcript as plain text in transcript_text whenever it is fetched) instead of the full conversation',
});

/** Simplify for an agent (version 1). `what`: what it keeps. */
export function agentSimplifyProperty(what: string): INodeProperties {
	return simplifyBeforeOutputVersion({
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description: `Whether to return only ${what} instead of the full agent. Keeps an AI agent's context small.`,
	});
}

/** Agent › Get Many's records for Output. */
export const AGENT_LIST_OUTPUT: OutputRecord = {
	name: 'agent',
	simplified: "each agent's ID, agent name, business name and phone number",
	fields: AGENT_LIST_FIELDS,
};

/** Agent › Get's record for Output. */
export const AGENT_OUTPUT: OutputRecord = {
	name: 'agent',
	simplified:
		'ID, agent name, business name, phone number, website, greeting, goal and the number of FAQ entries (no business services, no FAQ: Agent FAQ › Get Many reads it)',
	fields: AGENT_FIELDS,
};

export function simplifyAgentSummary(agent: AgentSummary): IDataObject {
	return pickFields(agent, SIMPLIFIED_AGENT_LIST_FIELDS);
}

export function simplifyAgent(agent: AgentDetail): IDataObject {
	const simplified = pickFields(agent, SIMPLIFIED_AGENT_FIELDS);
	simplified.faq_entry_count =
		agent.faq && typeof agent.faq === 'object' ? Object.keys(agent.faq).length : 0;
	return simplified;
}

/** An agent in a list, as Output (or Simplify) asks. */
export function shapeAgentSummary(agent: AgentSummary, output: OutputChoice): IDataObject {
	if (output.mode === 'simplified') return simplifyAgentSummary(agent);
	if (output.mode === 'selectedFields') return pickFields(agent, output.fields);
	return agent as IDataObject;
}

/** One agent, as Output (or Simplify) asks. */
export function shapeAgent(agent: AgentDetail, output: OutputChoice): IDataObject {
	if (output.mode === 'simplified') return simplifyAgent(agent);
	if (output.mode === 'selectedFields') return pickFields(agent, output.fields);
	return agent as IDataObject;
}

/**
 * What Simplified keeps from version 1.1 on: at most 10 fields, so version 1's end_reason goes.
 * The summary and the transcript already say how a conversation ended, and its codes
 * (`visitor_ended`, `caller_hung_up`) tell a model little; the agent tells receptionists apart
 * (and is what the Agent operations take), `from` is the number to call back.
 */
export const SIMPLIFIED_CONVERSATION_FIELDS_V1_1 = [
	'id',
	'channel',
	'agent_id',
	'caller_name',
	'from',
	'label',
	'summary',
	'started_at',
	'duration_seconds',
] as const;

/**
 * What Simplify (version 1) keeps: who, when, what about; a fetched transcript becomes
 * `transcript_text`; no recording or device details. 11 fields with the transcript.
 */
export const SIMPLIFIED_CONVERSATION_FIELDS = [
	...SIMPLIFIED_CONVERSATION_FIELDS_V1_1,
	'end_reason',
] as const;

/** Conversation › Get and Get Many's records for Output. */
export const CONVERSATION_OUTPUT: OutputRecord = {
	name: 'conversation',
	simplified:
		'the ID, channel, agent, caller, label, summary, start time, duration, and the transcript as plain text in transcript_text whenever it is fetched',
	fields: [...CONVERSATION_LIST_FIELDS, ...CONVERSATION_DETAIL_ONLY_FIELDS, 'transcript_text'],
};

/** The fields only a conversation fetched in full has: choosing one in Get Many fetches each conversation in full. */
export const CONVERSATION_FULL_FIELDS: readonly string[] = [
	...CONVERSATION_DETAIL_ONLY_FIELDS,
	'transcript_text',
];

/**
 * A conversation as the node and the trigger output it, as Output (or Simplify) asks: the API's
 * fields, with transcript text if asked (Add Transcript Text), simplified, or only the selected
 * fields. A transcript turn without a role and text is left out of the text and named in `error`,
 * which is kept whatever the fields (so are the trigger's notes in `errors`).
 */
export function shapeConversation(
	conversation: ConversationDetail,
	{ transcriptText, output }: { transcriptText?: boolean; output: OutputChoice },
	errors: string[] = [],
): IDataObject {
	const withText =
		transcriptText ||
		(output.mode === 'selectedFields' && output.fields.includes('transcript_text')) ||
		// Simplified keeps a fetched transcript as text: the compact form a model reads best.
		(output.mode === 'simplified' && Array.isArray(conversation.transcript));
	const full = (
		withText ? addReadableTranscriptText(conversation) : { ...conversation }
	) as IDataObject;
	if (typeof full.error === 'string') errors = [full.error, ...errors];
	let shaped = full;
	if (output.mode === 'selectedFields') shaped = pickFields(full, output.fields);
	else if (output.mode === 'simplified') {
		const fields =
			output.typeVersion < OUTPUT_VERSION
				? SIMPLIFIED_CONVERSATION_FIELDS
				: SIMPLIFIED_CONVERSATION_FIELDS_V1_1;
		shaped = pickFields(full, withText ? [...fields, 'transcript_text'] : fields);
	}
	if (errors.length > 0) shaped.error = errors.join('. ');
	return shaped;
}

/** An item that failed under Continue On Fail: the router outputs it as n8n users expect an error item. */
export class ItemFailure {
	constructor(readonly error: unknown) {}

	json(): IDataObject {
		const { message, description } = this.error as {
			message?: string;
			description?: string | null;
		};
		const json: IDataObject = { error: message ?? String(this.error) };
		if (description) json.description = description;
		return json;
	}
}

/** An output item that carries files (n8n binary data, e.g. a recording) besides its JSON. */
export class OutputItem {
	constructor(
		readonly json: IDataObject,
		readonly binary?: IBinaryKeyData,
	) {}
}

/** One output item: its JSON, or an OutputItem with files. */
export type ItemData = IDataObject | OutputItem;

/** What one input item produced: its output item(s), or its failure. */
export type ItemResult = ItemData | ItemData[] | ItemFailure;

/** An item's result as n8n output items (without pairedItem). */
export function executionData(result: ItemResult): INodeExecutionData[] {
	if (result instanceof ItemFailure) return [{ json: result.json() }];
	return (Array.isArray(result) ? result : [result]).map((data) =>
		data instanceof OutputItem
			? data.binary
				? { json: data.json, binary: data.binary }
				: { json: data.json }
			: { json: data },
	);
}

/** The results of a run by input item index; an item without one (cancelled) outputs nothing. */
export type ItemResults = Array<ItemResult | undefined>;

export function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}
