/**
 * Shapes served by the sandbox RingReady API (docs/ringready-api.md, snake_case as sent), plus the
 * sandbox's options and controls (README.md says what each one does).
 */
import type {
	FailingConversationSpec,
	FaultSpec,
	RateLimitSpec,
	RedirectSpec,
	ScriptedResponse,
	SlowSpec,
} from './controls';
import type { RecordingAnswerSpec, RecordingRequest } from './recordings';

export type {
	FailingConversationSpec,
	FaultSpec,
	RateLimitSpec,
	RedirectSpec,
	ScriptedResponse,
	SlowSpec,
} from './controls';
export type {
	RecordingAnswerKind,
	RecordingAnswerSpec,
	RecordingAudio,
	RecordingOrigin,
	RecordingRequest,
} from './recordings';

export type AccountName = 'A' | 'B';
export type Channel = 'phone' | 'web_chat';
export type Scope = 'read' | 'write';

export interface WhoAmI {
	user_id: number;
	email: string;
	auth_method: 'api_key';
	api_key_prefix: string;
	scopes: Scope[];
}

export interface WebChatInfo {
	device_type: 'desktop' | 'mobile' | 'tablet';
	origin_url: string;
}

export interface WebChatDetailInfo extends WebChatInfo {
	visitor_ip: string;
}

export interface TranscriptTurn {
	/** `agent` (the AI receptionist) or `user` (the caller / chat visitor). */
	role: 'agent' | 'user';
	content: string;
	/** Seconds since the conversation started (one decimal). */
	elapsed_s: number;
}

/** A conversation as listed by GET /api/v1/conversations. */
export interface ConversationSummary {
	id: number;
	channel: Channel;
	agent_id: number;
	/** Caller's number (E.164) for phone calls; null for web chats. */
	from: string | null;
	/** The agent's number for phone calls; null for web chats. */
	to: string | null;
	caller_name: string | null;
	label: string;
	summary: string;
	started_at: string;
	/** null (as are duration_seconds and end_reason) while a conversation is still going on (addConversations `live`). */
	ended_at: string;
	duration_seconds: number;
	end_reason: string;
	is_archived: boolean;
	is_viewed: boolean;
	/** Present (non-null) for web chats, null for phone calls. */
	web_chat: WebChatInfo | null;
}

/** GET /api/v1/conversations/{id}: the list item plus transcript, recording_url and web_chat.visitor_ip. */
export interface ConversationDetail extends Omit<ConversationSummary, 'web_chat'> {
	web_chat: WebChatDetailInfo | null;
	transcript: TranscriptTurn[];
	/**
	 * The call's audio for answered phone calls, on the sandbox's own origin (needs the owner's key)
	 * or on its media origin (no key); null for web chats and hang-ups. See recordings.ts.
	 */
	recording_url: string | null;
}

/** What `control.addConversations` returns: full detail objects. */
export type Conversation = ConversationDetail;

export interface ConversationPage {
	conversations: ConversationSummary[];
	next_before_id: number | null;
	limit: number;
}

export interface AgentSummary {
	id: number;
	phone_number: string;
	agent_name: string;
	business_name: string;
	subscription_type: string;
	created_at: string;
}

export interface AgentDetail {
	id: number;
	phone_number: string;
	subscription_type: string;
	agent_name: string;
	voice: string;
	greeting_message: string;
	agent_goal: string;
	business_name: string;
	business_website: string;
	business_services: string;
	/** question → answer. Keys are arbitrary strings (`__proto__` included): the object has a null prototype. */
	faq: Record<string, string>;
	appointment_booking: { sms_enabled: boolean; sms_url: string | null; sms_purpose: string | null };
	features: {
		web_chat_enabled: boolean;
		live_context_enabled: boolean;
		webhook_enabled: boolean;
		webhook_url: string | null;
	};
	is_suspended: boolean;
	created_at: string;
}

export interface AgentUpdateResult {
	id: number;
	updated: string[];
}

export interface ErrorBody {
	detail: string;
}

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
export interface DemoKeys {
	readWrite: string;
	readOnly: string;
	writeOnly: string;
	revoked: string;
	otherAccount: string;
}

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
	 * `since` still use the conversation's real start.
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
