import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { AgentDetail, AgentSummary, ConversationDetail } from './contract';
import { addTranscriptText, transcriptToText } from './transcript';

/** Every "Simplify": what it keeps of a conversation and of an agent. */

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

/** Simplify for a conversation: what it keeps is SIMPLIFIED_CONVERSATION_FIELDS. */
export const conversationSimplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return only the fields most workflows and AI agents need (ID, channel, agent, caller, label, summary, start time, duration, end reason, and the transcript as plain text in transcript_text whenever it is fetched) instead of the full conversation',
};

export function agentSimplifyProperty(what: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description: `Whether to return only ${what} instead of the full agent. Keeps an AI agent's context small.`,
	};
}

function pick(source: Record<string, unknown>, fields: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) picked[field] = (source[field] ?? null) as IDataObject[string];
	return picked;
}

export function simplifyAgentSummary(agent: AgentSummary): IDataObject {
	return pick(agent, SIMPLIFIED_AGENT_LIST_FIELDS);
}

export function simplifyAgent(agent: AgentDetail): IDataObject {
	const simplified = pick(agent, SIMPLIFIED_AGENT_FIELDS);
	simplified.faq_entry_count =
		agent.faq && typeof agent.faq === 'object' ? Object.keys(agent.faq).length : 0;
	return simplified;
}

/** What Simplify keeps: who, when, what about; a fetched transcript becomes `transcript_text`; no recording or device details. */
export const SIMPLIFIED_CONVERSATION_FIELDS = [
	'id',
	'channel',
	'agent_id',
	'caller_name',
	'from',
	'label',
	'summary',
	'started_at',
	'duration_seconds',
	'end_reason',
] as const;

/** A conversation as the node outputs it: the API's fields, optionally with transcript text or simplified. */
export function shapeConversation(
	conversation: ConversationDetail,
	{ transcriptText, simplify }: { transcriptText?: boolean; simplify?: boolean },
): Record<string, unknown> {
	const shaped: Record<string, unknown> = transcriptText
		? addTranscriptText(conversation)
		: { ...conversation };
	if (!simplify) return shaped;
	const simplified: Record<string, unknown> = {};
	for (const field of SIMPLIFIED_CONVERSATION_FIELDS)
		simplified[field] = conversation[field] ?? null;
	// A fetched transcript stays, as text: the compact form a model or a message reads best.
	if (transcriptText || Array.isArray(conversation.transcript)) {
		simplified.transcript_text = transcriptToText(conversation.transcript);
	}
	return simplified;
}
