import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { AgentDetail, AgentSummary } from '../../shared/contract';

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
