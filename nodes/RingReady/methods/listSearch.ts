import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { getConversationPage, listAgents } from '../shared/api';
import type { ConversationSummary } from '../shared/contract';
import { AGENT_DASHBOARD_URL, CONVERSATION_PAGE_SIZE } from '../shared/contract';
import { RequestSession } from '../transport';

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
	const agents = await listAgents(new RequestSession(this));
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

/** With a filter, a search reads on through this many pages (of the largest size) for a list's worth of matches. */
const SEARCH_PAGES_PER_CALL = 10;

export async function searchConversations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const token = Number(paginationToken);
	let beforeId = Number.isSafeInteger(token) && token > 0 ? token : undefined;
	const session = new RequestSession(this);
	const found: ConversationSummary[] = [];
	// Without a filter every conversation matches: one short page. With one, pages are read until a
	// list's worth matched or the end, so that a conversation far down is found; the token goes on from there.
	const limit = filter ? CONVERSATION_PAGE_SIZE.max : LIST_PAGE_SIZE;
	let next: number | null = null;
	for (let pages = 0; pages < SEARCH_PAGES_PER_CALL; pages++) {
		const page = await getConversationPage(session, { limit, before_id: beforeId });
		found.push(
			...page.conversations.filter((c) =>
				matches(filter, c.caller_name, c.label, c.summary, c.from, c.id),
			),
		);
		next = page.next_before_id;
		if (next === null || found.length >= LIST_PAGE_SIZE || !filter) break;
		if (beforeId !== undefined && next >= beforeId) {
			next = null; // a cursor that does not move forward would only repeat this page
			break;
		}
		beforeId = next;
	}
	return {
		results: found.map((c) => ({
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
		paginationToken: next === null ? undefined : String(next),
	};
}
