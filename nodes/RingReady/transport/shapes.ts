/**
 * What the RingReady API sends and takes (docs/ringready-api.md): its path, the limits the transport
 * applies, the shapes of its answers, and checks of each endpoint's 2xx body at the transport edge,
 * before any caller uses it. shared/contract.ts re-exports these with the rest of the API's limits.
 */
export const API_PREFIX = '/api/v1';

export const CONVERSATION_PAGE_SIZE = { max: 200 } as const;

export const CHANNELS = ['phone', 'web_chat'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Conversations fetched in full at once; the node's Max Concurrency description repeats the default for n8n's linter. */
export const TRANSCRIPT_CONCURRENCY = { default: 10, max: 50 } as const;

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

/**
 * A check returns what is wrong ("Expected …; got …") or undefined. Small hand-written guards: node code
 * must load in every n8n line without a runtime dependency.
 */
export type ShapeCheck = (body: unknown) => string | undefined;

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
