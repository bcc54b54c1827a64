import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ApiRequestOptions, RequestOptions } from './http';
import { apiRequest } from './http';
import type { RequestSession } from './session';
import type {
	AgentDetail,
	AgentSummary,
	AgentUpdateResponse,
	ConversationDetail,
	ConversationPage,
	ConversationQuery,
	ConversationSummary,
} from './shapes';
import {
	agentListShape,
	agentShape,
	agentUpdateShape,
	CONVERSATION_PAGE_SIZE,
	conversationPageShape,
	conversationShape,
	whoamiShape,
} from './shapes';

/** The API's endpoints: each names its path and the shape its answer must have. */

/** GET /whoami: the key's account, key prefix and scopes. */
export async function getAccount(
	session: RequestSession,
	options: RequestOptions = {},
): Promise<IDataObject> {
	return (await apiRequest(session, 'GET', '/whoami', {
		...options,
		expect: whoamiShape,
	})) as IDataObject;
}

export async function listAgents(
	session: RequestSession,
	options: RequestOptions = {},
): Promise<AgentSummary[]> {
	const response = (await apiRequest(session, 'GET', '/agents', {
		...options,
		expect: agentListShape,
	})) as { agents: AgentSummary[] };
	return response.agents;
}

/** `withFaq`: the answer must carry the agent's FAQ explicitly (an object, or null for none). */
export async function getAgent(
	session: RequestSession,
	id: number,
	{ withFaq = false, ...options }: RequestOptions & { withFaq?: boolean } = {},
): Promise<AgentDetail> {
	return (await apiRequest(session, 'GET', `/agents/${id}`, {
		...options,
		expect: agentShape(id, { withFaq }),
	})) as AgentDetail;
}

/** `retryWrite: false`: sent once even when refused unapplied (see ApiRequestOptions.retryWrite). */
export async function updateAgent(
	session: RequestSession,
	id: number,
	body: Record<string, unknown>,
	options: RequestOptions & { retryWrite?: boolean } = {},
): Promise<AgentUpdateResponse> {
	return (await apiRequest(session, 'PATCH', `/agents/${id}`, {
		...options,
		body: body as never,
		expect: agentUpdateShape,
	})) as AgentUpdateResponse;
}

/** One GET /conversations page, its shape checked. `onResponse`: the trigger reads the server's clock from it. */
export async function getConversationPage(
	session: RequestSession,
	qs: ConversationQuery & { before_id?: number; limit?: number },
	options: RequestOptions & Pick<ApiRequestOptions, 'onResponse'> = {},
): Promise<ConversationPage> {
	const page = (await apiRequest(session, 'GET', '/conversations', {
		...options,
		qs: { ...qs },
		expect: conversationPageShape,
	})) as ConversationPage;
	return { ...page, next_before_id: page.next_before_id ?? null };
}

/** Where a walk of GET /conversations starts and stops; every field optional. */
export interface ConversationWalk {
	itemIndex?: number;
	max?: number;
	/** The first page's cursor (undefined: the newest). */
	beforeId?: number;
	/** Sent as `since` instead of the query's. */
	since?: string;
	/** Ids below it are not yielded, and a cursor at or below it ends the walk. */
	floor?: number | null;
	/** Called with each cursor the walk is about to follow; false stops it there. */
	goOn?: (nextBeforeId: number) => boolean;
	onResponse?: ApiRequestOptions['onResponse'];
}

/**
 * Walks GET /conversations newest first, following `next_before_id` until it is null or `max`
 * conversations have been yielded. Each page asks only for what is still needed (200 at most),
 * and the filters go with every page. A conversation already yielded is never yielded again
 * (pages that overlap), and an empty page with a cursor does not end the walk; the cursor must
 * decrease at every page, which bounds both.
 */
export async function* conversationPages(
	session: RequestSession,
	query: ConversationQuery,
	walk: ConversationWalk = {},
): AsyncGenerator<ConversationSummary[]> {
	const { itemIndex, floor, since, goOn, onResponse } = walk;
	let remaining = walk.max ?? Number.POSITIVE_INFINITY;
	let beforeId = walk.beforeId;
	const seen = new Set<number>();
	while (remaining > 0) {
		const qs = {
			...query,
			...(since === undefined ? {} : { since }),
			before_id: beforeId,
			limit: Math.min(CONVERSATION_PAGE_SIZE.max, remaining),
		};
		const page = await getConversationPage(session, qs, { itemIndex, first: true, onResponse });
		const fresh = page.conversations.filter((conversation) => {
			if (seen.has(conversation.id) || (floor != null && conversation.id < floor)) return false;
			seen.add(conversation.id);
			return true;
		});
		const conversations = fresh.slice(0, remaining);
		remaining -= conversations.length;
		if (conversations.length > 0) yield conversations;

		const next = page.next_before_id;
		if (next === null || (floor != null && next <= floor)) return;
		if (beforeId !== undefined && next >= beforeId) {
			throw new NodeApiError(session.node, { next_before_id: next } as JsonObject, {
				message: 'RingReady returned a pagination cursor that does not move forward',
				description: `The cursor stayed at ${beforeId} or went back (${next}). Stopped to avoid looping; try again, and contact RingReady support if it persists.`,
				itemIndex,
			});
		}
		if (remaining > 0 && goOn && !goOn(next)) return;
		beforeId = next;
	}
}

export async function getConversation(
	session: RequestSession,
	id: number,
	options: RequestOptions & Pick<ApiRequestOptions, 'startIf'> = {},
): Promise<ConversationDetail> {
	return (await apiRequest(session, 'GET', `/conversations/${id}`, {
		...options,
		expect: conversationShape(id),
	})) as ConversationDetail;
}
