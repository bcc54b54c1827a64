import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listAgents } from '../transport/agents';
import { getConversationPage } from '../transport/conversations';
import { AGENT_DASHBOARD_URL } from '../shared/contract';

const LIST_PAGE_SIZE = 50;

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) =>
		String(text ?? '')
			.toLowerCase()
			.includes(needle),
	);
}

export async function searchAgents(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const agents = await listAgents.call(this);
	return {
		results: agents
			.filter((agent) =>
				matches(filter, agent.agent_name, agent.business_name, agent.phone_number, agent.id),
			)
			.map((agent) => ({
				name: `${agent.agent_name ?? 'Agent'} — ${agent.business_name ?? ''} (#${agent.id})`,
				value: String(agent.id),
				url: `${AGENT_DASHBOARD_URL}${agent.id}`,
			})),
	};
}

export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const token = Number(paginationToken);
	const beforeId = Number.isSafeInteger(token) && token > 0 ? token : undefined;
	const page = await getConversationPage.call(this, { limit: LIST_PAGE_SIZE, before_id: beforeId });
	return {
		results: page.conversations
			.filter((c) => matches(filter, c.caller_name, c.label, c.summary, c.from, c.id))
			.map((c) => ({
				name: [
					`#${c.id}`,
					c.channel === 'phone' ? 'Call' : 'Chat',
					c.caller_name ?? c.from ?? 'Unknown caller',
					c.label,
					String(c.started_at)
						.replace('T', ' ')
						.replace(/:\d\dZ$/, ' UTC'),
				]
					.filter(Boolean)
					.join(' · '),
				value: String(c.id),
			})),
		paginationToken: page.next_before_id === null ? undefined : String(page.next_before_id),
	};
}
