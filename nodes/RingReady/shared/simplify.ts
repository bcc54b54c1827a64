import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { AgentDetail, AgentSummary, ConversationDetail } from './contract';
import {
	AGENT_FIELDS,
	AGENT_LIST_FIELDS,
	CONVERSATION_DETAIL_ONLY_FIELDS,
	CONVERSATION_LIST_FIELDS,
} from './contract';
import type { OutputChoice, OutputRecord } from './output';
import { OUTPUT_VERSION, pickFields, simplifyBeforeOutputVersion } from './output';
import { addReadableTranscriptText } from './transcript';

/**
 * Every "Simplify" (version 1) and "Output" (version 1.1 on): what Simplified keeps of a
 * conversation and of an agent, and what Selected Fields may choose.
 */

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
