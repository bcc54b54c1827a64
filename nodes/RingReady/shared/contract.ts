/**
 * The RingReady API's limits and shapes (docs/ringready-api.md), written once. Validation, parameter
 * descriptions and pagination all read from here.
 */

export { API_PREFIX, TRANSCRIPT_CONCURRENCY } from '../transport';
export type {
	AgentDetail,
	AgentSummary,
	AgentUpdateResponse,
	ConversationDetail,
	ConversationPage,
	ConversationQuery,
	ConversationSummary,
	TranscriptTurn,
} from './api';

export const CONVERSATION_PAGE_SIZE = { max: 200 } as const;

export const CHANNELS = ['phone', 'web_chat'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * Downloading a recording (Download Recording): the size limit's default and most, in MB as the
 * option takes it (a 30-minute call in MP3 is about 15 MB), and the redirects followed at most
 * (signed storage links usually take one). The option's description repeats the default for n8n's linter.
 */
const RECORDING_DEFAULT_MAX_MB = 25;
export const RECORDING_LIMITS = {
	defaultMaxMb: RECORDING_DEFAULT_MAX_MB,
	defaultMaxBytes: RECORDING_DEFAULT_MAX_MB * 1024 * 1024,
	maxMb: 1024,
	maxRedirects: 3,
} as const;

/** An agent's page in the RingReady dashboard: the agent locator's "By URL" mode and list links. */
export const AGENT_DASHBOARD_URL = 'https://www.ring-ready.com/dashboard/agents/';

/** The agent fields the API lets a key change (PATCH /agents/{id}); everything else is dashboard-only. */
export const WRITABLE_AGENT_FIELDS = {
	agent_goal: { label: 'Agent Goal', maxLength: 10_000, required: true },
	greeting_message: { label: 'Greeting Message', maxLength: 500, required: false },
	business_name: { label: 'Business Name', maxLength: 100, required: true },
	business_services: { label: 'Business Services', maxLength: 30_000, required: true },
	business_website: { label: 'Business Website', maxLength: 400, required: false },
} as const;
export type WritableAgentField = keyof typeof WRITABLE_AGENT_FIELDS;

export const FAQ_LIMITS = { maxEntries: 50, questionMaxLength: 200, answerMaxLength: 500 } as const;

export const DASHBOARD_ONLY_FIELDS_NOTE =
	'Voice, agent name, tier flags, webhooks, Conversion API and SMS settings are managed in the RingReady dashboard, not the API.';

/** The fields of a conversation in GET /conversations (what Get Many lists). */
export const CONVERSATION_LIST_FIELDS = [
	'id',
	'channel',
	'agent_id',
	'from',
	'to',
	'caller_name',
	'label',
	'summary',
	'started_at',
	'ended_at',
	'duration_seconds',
	'end_reason',
	'is_archived',
	'is_viewed',
	'web_chat',
] as const;

/** What GET /conversations/{id} adds to the list's fields (web chats' `web_chat.visitor_ip` is inside `web_chat`). */
export const CONVERSATION_DETAIL_ONLY_FIELDS = ['transcript', 'recording_url'] as const;

/** The fields of an agent in GET /agents. */
export const AGENT_LIST_FIELDS = [
	'id',
	'agent_name',
	'business_name',
	'phone_number',
	'subscription_type',
	'created_at',
] as const;

/** The fields of an agent in GET /agents/{id}. */
export const AGENT_FIELDS = [
	'id',
	'agent_name',
	'business_name',
	'phone_number',
	'subscription_type',
	'voice',
	'greeting_message',
	'agent_goal',
	'business_website',
	'business_services',
	'faq',
	'appointment_booking',
	'features',
	'is_suspended',
	'created_at',
] as const;
