/**
 * The shapes the sandbox RingReady API serves (docs/ringready-api.md, snake_case as sent), written
 * once as zod schemas: the TypeScript types and the OpenAPI document's schemas (openapi.ts) follow.
 * Then the sandbox's options and controls (README.md says what each one does).
 */
import { z } from 'zod/v4';

import type {
	FailingConversationSpec,
	FaultSpec,
	RateLimitSpec,
	RedirectSpec,
	ScriptedResponse,
	SlowSpec,
} from './controls';
import type { RecordingAnswerSpec, RecordingRequest } from './recordings';
import { CHANNELS, PAGE_LIMIT, WRITABLE_AGENT_FIELDS } from './schemas';

export type * from './controls';
export type * from './recordings';

/** The served shapes by name: openapi.ts lists them as its components. */
export const SHAPES = z.registry<{ id: string }>();
const shape = <T extends z.ZodType>(id: string, schema: T): T => (
	SHAPES.add(schema, { id }),
	schema
);

const int = z.number().int();
const timestamp = z.string().meta({
	format: 'date-time',
	description: 'UTC, second precision, trailing Z',
	example: '2026-06-09T14:03:00Z',
});
const scope = z.enum(['read', 'write']);

export type AccountName = 'A' | 'B';
export type Channel = (typeof CHANNELS)[number];
export type Scope = z.infer<typeof scope>;

export const WhoAmI = shape(
	'WhoAmI',
	z.object({
		user_id: int,
		email: z.string(),
		auth_method: z.enum(['api_key']),
		api_key_prefix: z.string().describe('rr_live_ and 4 more characters'),
		scopes: z.array(scope),
	}),
);

const webChat = { device_type: z.enum(['desktop', 'mobile', 'tablet']), origin_url: z.string() };
const WebChat = shape('WebChat', z.object(webChat));
const WebChatDetail = shape('WebChatDetail', z.object({ ...webChat, visitor_ip: z.string() }));

export const TranscriptTurn = shape(
	'TranscriptTurn',
	z.object({
		role: z.enum(['agent', 'user']).describe('agent (the AI receptionist) or user (the caller)'),
		content: z.string(),
		elapsed_s: z.number().min(0).describe('Seconds since the start (one decimal)'),
	}),
);

/** Also null, as are duration_seconds and end_reason, while a conversation goes on (`live`). */
const ended = { ended_at: timestamp, duration_seconds: int.min(0), end_reason: z.string() };
const conversation = {
	id: int,
	channel: z.enum(CHANNELS),
	agent_id: int,
	from: z.string().nullable().describe('Caller number (E.164) for phone calls; null for web chats'),
	to: z.string().nullable().describe('The agent number for phone calls; null for web chats'),
	caller_name: z.string().nullable(),
	label: z.string(),
	summary: z.string(),
	started_at: timestamp,
	...ended,
	is_archived: z.boolean(),
	is_viewed: z.boolean(),
};

/** A conversation as listed by GET /api/v1/conversations. */
export const ConversationSummary = shape(
	'ConversationSummary',
	z.object({ ...conversation, web_chat: WebChat.nullable() }),
);

/** GET /api/v1/conversations/{id}: the list item plus transcript, recording_url and web_chat.visitor_ip. */
export const ConversationDetail = shape(
	'ConversationDetail',
	z.object({
		...conversation,
		web_chat: WebChatDetail.nullable(),
		transcript: z.array(TranscriptTurn),
		recording_url: z.string().nullable().meta({
			format: 'uri',
			description:
				"The call's audio file (audio/mpeg or audio/wav) for answered phone calls; null for web chats and hang-ups. On the API's own origin it needs the key (scope read); on another origin (media storage) it needs none.",
		}),
	}),
);

export const ConversationPage = shape(
	'ConversationPage',
	z.object({
		conversations: z.array(ConversationSummary),
		next_before_id: int.nullable().describe('null on the last page'),
		limit: int.min(PAGE_LIMIT.min).max(PAGE_LIMIT.max),
	}),
);

export const AgentSummary = shape(
	'AgentSummary',
	z.object({
		id: int,
		phone_number: z.string(),
		agent_name: z.string(),
		business_name: z.string(),
		subscription_type: z.string(),
		created_at: timestamp,
	}),
);
shape('AgentList', z.object({ agents: z.array(AgentSummary) }));

export const AgentDetail = shape(
	'AgentDetail',
	z.object({
		id: int,
		phone_number: z.string(),
		subscription_type: z.string(),
		agent_name: z.string(),
		voice: z.string(),
		greeting_message: z.string(),
		agent_goal: z.string(),
		business_name: z.string(),
		business_website: z.string(),
		business_services: z.string(),
		/** Keys are arbitrary strings (`__proto__` included): the object has a null prototype. */
		faq: z.record(z.string(), z.string()).describe('question → answer'),
		appointment_booking: z.object({
			sms_enabled: z.boolean(),
			sms_url: z.string().nullable(),
			sms_purpose: z.string().nullable(),
		}),
		features: z.object({
			web_chat_enabled: z.boolean(),
			live_context_enabled: z.boolean(),
			webhook_enabled: z.boolean(),
			webhook_url: z.string().nullable(),
		}),
		is_suspended: z.boolean(),
		created_at: timestamp,
	}),
);

export const AgentUpdateResult = shape(
	'AgentUpdateResult',
	z.object({ id: int, updated: z.array(z.enum(WRITABLE_AGENT_FIELDS)) }),
);

shape('Error', z.object({ detail: z.string() }));

export type WhoAmI = z.infer<typeof WhoAmI>;
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;
export type ConversationSummary = z.infer<typeof ConversationSummary>;
export type ConversationDetail = z.infer<typeof ConversationDetail>;
export type ConversationPage = z.infer<typeof ConversationPage>;
export type AgentSummary = z.infer<typeof AgentSummary>;
export type AgentDetail = z.infer<typeof AgentDetail>;
export type AgentUpdateResult = z.infer<typeof AgentUpdateResult>;

// ---------------------------------------------------------------------------------------------
// Sandbox options and controls

export interface SandboxOptions {
	/** 0 = a free port (default 0; the CLI defaults to 4010). */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Enable the HTTP controls under /__sandbox/ (default false; the in-process `control` always works). */
	controls?: boolean;
	/** Delay every API response by this many ms (default 0). `reset()` returns to this value. */
	latencyMs?: number;
	/** PRNG seed for the generated data and keys (default 1). Same seed → same data and keys. */
	seed?: number;
	/** Seeded conversations per account (default A: 320, B: 40). */
	conversationsPerAccount?: { A?: number; B?: number };
}

/** The demo keys (README.md "Data"). */
export type DemoKeys = Record<
	'readWrite' | 'readOnly' | 'writeOnly' | 'revoked' | 'otherAccount',
	string
>;

export interface AddConversationsOptions {
	account?: AccountName;
	count: number;
	/** Must be one of the account's agents; default: the account's active agents in turn. */
	agentId?: number;
	/** Default: phone or web_chat (web_chat only for agents with web chat enabled). */
	channel?: Channel;
	/**
	 * ISO-8601. Default: now (server clock, second precision). The i-th of N conversations starts at
	 * startedAt − (N−1−i) s, so the last one created starts at startedAt; with `sameSecond` all start at startedAt.
	 * A startedAt in the past simulates a call processed late (new, higher id; older started_at).
	 */
	startedAt?: string;
	sameSecond?: boolean;
	/** Still going on (a web chat in progress): `ended_at`, `duration_seconds` and `end_reason` null until endConversation. */
	live?: boolean;
}

/** GET /__sandbox/requests (README.md "Controls"): times in ms since start, `key` a prefix only. */
export interface RequestLogEntry {
	seq: number;
	method: string;
	path: string;
	query: Record<string, string>;
	status: number | null;
	dropped: boolean;
	key: string | null;
	started_ms: number;
	ended_ms: number | null;
}

export interface RequestLog {
	log: RequestLogEntry[];
	peakInFlight: number;
	connections: number;
}

export interface SandboxControl {
	setLatency(ms: number): void;
	injectFaults(f: FaultSpec): void;
	/** Removes queued faults (reset() does too). */
	clearFaults(): void;
	/** The next `count` requests to exactly this path (and method) get this raw response (controls.ts). */
	scriptResponse(r: ScriptedResponse): void;
	/** The next `count` requests to this path get a 3xx with `Location` (a scripted response). */
	redirect(r: RedirectSpec): void;
	/** Removes queued scripted responses and redirects (reset() does too). */
	clearScripted(): void;
	/** The next `count` requests to this path are held before they are handled, and/or get their body in pieces (controls.ts). */
	slowDown(spec: SlowSpec): void;
	setRateLimit(r: RateLimitSpec): void;
	/** Makes one conversation's detail fail on every request (reset() clears it). */
	failConversation(f: FailingConversationSpec): void;
	/** The conversations failConversation made fail, by id, with their status. */
	failingConversations(): Record<number, number>;
	clearFailingConversations(): void;
	addConversations(o: AddConversationsOptions): ConversationDetail[];
	/** Ends a live conversation now (server clock): sets ended_at, duration_seconds and end_reason. */
	endConversation(id: number, account?: AccountName): ConversationDetail;
	/**
	 * Overwrites fields of a stored conversation as RingReady sends them, in the list and the detail
	 * (malformed records: a started_at in another format, a transcript with a null turn). Listing and
	 * `since` still use the conversation's real start. reset() does not undo it for seeded conversations.
	 */
	overwriteConversation(id: number, fields: Record<string, unknown>, account?: AccountName): void;
	/** Extra delay for every GET /conversations page (list pages only), on top of the latency; reset() clears it. */
	setListLatency(ms: number): void;
	/** Extra delay for every GET /conversations/{id} (transcripts), on top of the latency; reset() clears it. */
	setDetailLatency(ms: number): void;
	/**
	 * The next `count` requests for conversation `id`'s recording (either origin) get this answer:
	 * a redirect, a web page, an untyped file, a huge or slow body, or 404 (see recordings.ts).
	 */
	recordingAnswer(spec: RecordingAnswerSpec): void;
	/** Removes queued recording answers (reset() does too). */
	clearRecordingAnswers(): void;
	/** Every recording request to either origin, oldest first, with whether an Authorization header came. */
	recordingRequests(): RecordingRequest[];
	/** Clears the recording log (clearRequests() and reset() do too). */
	clearRecordingRequests(): void;
	requests(): RequestLog;
	/** Clears the API request log, the peak, the connection count and the recording log. */
	clearRequests(): void;
	reset(): void;
	/** All conversations of the account (default A), newest (highest id) first. The stored objects: read them, do not mutate them. */
	conversations(account?: AccountName): ConversationDetail[];
	/** The account's agents (default A), by id. Copies. */
	agents(account?: AccountName): AgentDetail[];
	/** Any account's agent, or undefined. A copy. */
	agent(id: number): AgentDetail | undefined;
}

export interface Sandbox {
	/** e.g. http://127.0.0.1:41234 (no trailing slash). */
	url: string;
	port: number;
	/** The second origin some recordings are on, e.g. http://127.0.0.1:41235 (started and stopped with the sandbox). */
	mediaUrl: string;
	keys: DemoKeys;
	/** Agent ids per account, ascending. */
	agentIds: Record<AccountName, number[]>;
	control: SandboxControl;
	/** TCP connections open right now on the API origin and the media origin (idle keep-alive ones included). */
	openSockets(): { api: number; media: number };
	close(): Promise<void>;
}
