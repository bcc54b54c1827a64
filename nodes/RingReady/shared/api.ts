import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ApiRequestOptions, RequestOptions, RequestSession, ShapeCheck } from '../transport';
import { apiRequest } from '../transport';
import { CONVERSATION_PAGE_SIZE, type Channel } from './contract';

/**
 * The RingReady API's endpoints (docs/ringready-api.md): each names its path and the shape its
 * answer must have, checked at the transport's edge before any caller uses it. The answers' types
 * are here too; shared/contract.ts re-exports them with the rest of the API's limits.
 */

export interface ConversationSummary {
	id: number;
	channel: Channel;
	agent_id: number;
	started_at: string;
	[key: string]: unknown;
}

export interface TranscriptTurn {
	role: string;
	content: string;
	elapsed_s?: number;
}

export interface ConversationDetail extends ConversationSummary {
	transcript?: TranscriptTurn[];
}

export interface ConversationPage {
	conversations: ConversationSummary[];
	next_before_id: number | null;
	limit: number;
}

export interface AgentSummary {
	id: number;
	agent_name?: string;
	business_name?: string;
	phone_number?: string;
	[key: string]: unknown;
}

export interface AgentDetail extends AgentSummary {
	faq?: Record<string, string> | null;
}

export interface AgentUpdateResponse {
	id: number;
	updated: string[];
}

export interface ConversationQuery {
	channel?: Channel;
	agent_id?: number;
	since?: string;
}

/* The checks are small hand-written guards: node code must load in every n8n line without a runtime dependency. */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isId(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** What a body that failed a check looks like, in words (never the body itself). */
function describeBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return 'an empty response';
	if (typeof body === 'string') {
		const text = body.trim();
		if (text === '') return 'an empty response';
		if (/^<(!doctype|html|head|body|\?xml)/i.test(text) || /<\/?(html|body|div|p)\b/i.test(text)) {
			return 'a web page (HTML), not the API’s JSON';
		}
		if (/^[[{]/.test(text)) return 'JSON that is cut off or malformed';
		return 'text that is not JSON';
	}
	if (Array.isArray(body)) return 'a JSON list';
	if (typeof body !== 'object') return `a JSON ${typeof body}`;
	const keys = Object.keys(body).slice(0, 5);
	return keys.length === 0
		? 'an empty JSON object'
		: `a JSON object with ${keys.map((k) => `"${k.slice(0, 30)}"`).join(', ')}`;
}

function expected(what: string, body: unknown, why?: string): string {
	return `Expected ${what}; got ${why ?? describeBody(body)}`;
}

export const whoamiShape: ShapeCheck = (body) =>
	isObject(body) && isId(body.user_id) ? undefined : expected('the key’s account (user_id)', body);

export const agentListShape: ShapeCheck = (body) => {
	if (!isObject(body) || !Array.isArray(body.agents))
		return expected('a list of agents ("agents")', body);
	const bad = body.agents.findIndex((agent) => !isObject(agent) || !isId(agent.id));
	return bad === -1
		? undefined
		: expected('a list of agents', body, `agent ${bad + 1} without a valid "id"`);
};

/** An FAQ as the API sends it: a {question: answer} object of strings, or null (none yet). */
function faqProblem(faq: unknown): string | undefined {
	if (faq === null) return undefined;
	if (!isObject(faq)) return `"faq" that is ${Array.isArray(faq) ? 'a list' : typeof faq}`;
	const bad = Object.entries(faq).find(([, answer]) => typeof answer !== 'string');
	return bad ? `an FAQ answer that is not text (question "${bad[0].slice(0, 60)}")` : undefined;
}

export function agentShape(id: number, { withFaq }: { withFaq: boolean }): ShapeCheck {
	const what = withFaq ? `agent ${id} with its FAQ` : `agent ${id}`;
	return (body) => {
		if (!isObject(body)) return expected(what, body);
		if (body.id !== id)
			return expected(
				what,
				body,
				isId(body.id) ? `agent ${body.id}` : 'an object without a valid "id"',
			);
		if (!withFaq) return undefined;
		if (!('faq' in body)) return expected(what, body, 'an agent without "faq"');
		const problem = faqProblem(body.faq);
		return problem ? expected(what, body, problem) : undefined;
	};
}

export const agentUpdateShape: ShapeCheck = (body) =>
	isObject(body) && Array.isArray(body.updated)
		? undefined
		: expected('the list of updated fields ("updated")', body);

export const conversationPageShape: ShapeCheck = (body) => {
	const what = 'a page of conversations ("conversations", "next_before_id")';
	if (!isObject(body) || !Array.isArray(body.conversations)) return expected(what, body);
	const bad = body.conversations.findIndex((c) => !isObject(c) || !isId(c.id));
	if (bad !== -1) return expected(what, body, `conversation ${bad + 1} without a valid "id"`);
	const next = body.next_before_id;
	if (next !== null && next !== undefined && !isId(next))
		return expected(what, body, 'a "next_before_id" that is not an id');
	return undefined;
};

export function conversationShape(id: number): ShapeCheck {
	const what = `conversation ${id}`;
	return (body) => {
		if (!isObject(body)) return expected(what, body);
		if (body.id !== id) {
			return expected(
				what,
				body,
				isId(body.id) ? `conversation ${body.id}` : 'an object without a valid "id"',
			);
		}
		const { transcript } = body;
		if (transcript !== undefined && transcript !== null && !Array.isArray(transcript)) {
			return expected(what, body, 'a "transcript" that is not a list');
		}
		return undefined;
	};
}

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
