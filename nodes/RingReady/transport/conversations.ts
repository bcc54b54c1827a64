import { NodeApiError } from 'n8n-workflow';
import type { JsonObject } from 'n8n-workflow';

import type {
	ConversationDetail,
	ConversationPage,
	ConversationQuery,
	ConversationSummary,
} from '../shared/contract';
import { CONVERSATION_PAGE_SIZE } from '../shared/contract';
import type { ApiRequestOptions, RingReadyFunctions } from './index';
import { apiRequest } from './index';

/**
 * Walks GET /conversations newest first, following `next_before_id` until it is null or `max`
 * conversations have been yielded. Each page asks only for what is still needed (200 at most),
 * and the filters go with every page.
 */
export async function* conversationPages(
	this: RingReadyFunctions,
	query: ConversationQuery,
	options: { max?: number } & Pick<ApiRequestOptions, 'itemIndex' | 'throttle' | 'deadline' | 'onResponse'> = {},
): AsyncGenerator<ConversationSummary[]> {
	const { itemIndex, throttle, deadline, onResponse } = options;
	let remaining = options.max ?? Number.POSITIVE_INFINITY;
	let beforeId: number | undefined;
	while (remaining > 0) {
		const limit = Math.min(CONVERSATION_PAGE_SIZE.max, remaining);
		const page = (await apiRequest.call(this, 'GET', '/conversations', {
			qs: { ...query, before_id: beforeId, limit },
			itemIndex,
			throttle,
			first: true,
			deadline,
			onResponse,
		})) as ConversationPage;
		const conversations = page.conversations.slice(0, remaining);
		remaining -= conversations.length;
		if (conversations.length > 0) yield conversations;

		const next = page.next_before_id;
		if (next === null || next === undefined || page.conversations.length === 0) return;
		if (beforeId !== undefined && next >= beforeId) {
			throw new NodeApiError(this.getNode(), { next_before_id: next } as JsonObject, {
				message: 'RingReady returned a pagination cursor that does not move forward',
				description: `The cursor stayed at ${beforeId} or went back (${next}). Stopped to avoid looping; try again, and contact RingReady support if it persists.`,
				itemIndex,
			});
		}
		beforeId = next;
	}
}

export async function getConversation(
	this: RingReadyFunctions,
	id: number,
	options: Pick<ApiRequestOptions, 'itemIndex' | 'throttle' | 'deadline'> = {},
): Promise<ConversationDetail> {
	return (await apiRequest.call(this, 'GET', `/conversations/${id}`, options)) as ConversationDetail;
}
