/**
 * GET /api/v1/openapi.json: an OpenAPI 3.1 description of exactly what the sandbox serves: the served
 * shapes (types.ts) and the limits the validators use (schemas.ts).
 */
import { z } from 'zod/v4';

import {
	AGENT_TEXT_FIELDS,
	API_PREFIX,
	CHANNELS,
	FAQ_LIMITS,
	PAGE_LIMIT,
	WRITABLE_AGENT_FIELDS,
} from './schemas';
import { SHAPES } from './types';

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The served shapes (types.ts) as JSON schemas, without zod's safe-integer bounds. */
function shapeSchemas(): Record<string, Json> {
	const { schemas } = z.toJSONSchema(SHAPES, {
		uri: (id) => ref(id).$ref,
		override: ({ jsonSchema: s }) => {
			if (s.type === 'integer' && s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
			if (s.type === 'integer' && s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
		},
	});
	return Object.fromEntries(
		Object.entries(schemas).map(([name, { $schema: _, $id: __, id: ___, ...schema }]) => [
			name,
			schema,
		]),
	);
}

const errorResponse = (description: string) => ({
	description,
	content: { 'application/json': { schema: ref('Error') } },
});
const json = (description: string, schema: Json) => ({
	description,
	content: { 'application/json': { schema } },
});

const READ_SCOPE = { '403': errorResponse('The key lacks the read scope') };
const COMMON_ERRORS = {
	'401': errorResponse('Missing, malformed, invalid or revoked API key'),
	'429': {
		description:
			'Too many requests (per-key limits are not enforced yet; the sandbox answers 429 only when its rate-limit or fault controls say so)',
		headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
		content: { 'application/json': { schema: ref('Error') } },
	},
	'5XX': errorResponse(
		'Transient server error; retry later (the sandbox returns these only when faults are injected)',
	),
};

function idParam(what: string) {
	return {
		name: 'id',
		in: 'path',
		required: true,
		description: `The ${what} id (a positive integer; anything else is answered with 422)`,
		schema: { type: 'integer', minimum: 1 },
	};
}

export function buildOpenApi(serverUrl?: string): Json {
	const agentFieldDescriptions = Object.entries(AGENT_TEXT_FIELDS).map(
		([name, f]) => `${name} ≤ ${f.maxLength} characters${f.required ? ', cannot be blank' : ''}`,
	);
	const textProps: Record<string, Json> = {};
	for (const [name, f] of Object.entries(AGENT_TEXT_FIELDS)) {
		textProps[name] = {
			type: 'string',
			maxLength: f.maxLength,
			...(f.required
				? { minLength: 1, pattern: '\\S', description: 'Required: cannot be blanked' }
				: {}),
		};
	}
	const doc: Json = {
		openapi: '3.1.0',
		info: {
			title: 'RingReady Developer API (sandbox)',
			version: '1.0.0',
			description:
				'AI receptionists answering phone calls and web chats. Every response is limited to the key owner\'s data. Errors are {"detail": "..."}. Timestamps are UTC ISO-8601 with a trailing Z. Lengths are counted in Unicode code points.',
		},
		...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
		security: [{ bearerAuth: [] }],
		paths: {
			[`${API_PREFIX}/whoami`]: {
				get: {
					operationId: 'whoami',
					summary: 'The key owner and the key (any valid key, whatever its scopes)',
					responses: { '200': json('The key owner', ref('WhoAmI')), ...COMMON_ERRORS },
				},
			},
			[`${API_PREFIX}/conversations`]: {
				get: {
					operationId: 'listConversations',
					summary: 'Phone calls and web chats, newest (highest id) first',
					description:
						'Scope read. Pagination: repeat the query with before_id=<next_before_id>; next_before_id is null exactly when no further conversation matches. Ids increase with creation; started_at order may differ (conversations can be processed late). Unknown query parameters are ignored; an agent_id that is not yours matches nothing.',
					parameters: [
						{
							name: 'channel',
							in: 'query',
							required: false,
							schema: { type: 'string', enum: [...CHANNELS] },
						},
						{
							name: 'agent_id',
							in: 'query',
							required: false,
							description: 'Filter to one receptionist',
							schema: { type: 'integer', minimum: 1 },
						},
						{
							name: 'since',
							in: 'query',
							required: false,
							description:
								'ISO-8601 timestamp (Z or an offset; a date alone means midnight UTC; no zone means UTC). Inclusive: started_at >= since.',
							schema: { type: 'string', format: 'date-time' },
						},
						{
							name: 'before_id',
							in: 'query',
							required: false,
							description:
								"Cursor: only conversations with id < before_id (the previous page's next_before_id)",
							schema: { type: 'integer', minimum: 1 },
						},
						{
							name: 'limit',
							in: 'query',
							required: false,
							schema: {
								type: 'integer',
								minimum: PAGE_LIMIT.min,
								maximum: PAGE_LIMIT.max,
								default: PAGE_LIMIT.default,
							},
						},
					],
					responses: {
						'200': json('A page of conversations', ref('ConversationPage')),
						...COMMON_ERRORS,
						...READ_SCOPE,
						'422': errorResponse('A query parameter is invalid; detail names it'),
					},
				},
			},
			[`${API_PREFIX}/conversations/{id}`]: {
				get: {
					operationId: 'getConversation',
					summary: 'One conversation with its transcript (scope read)',
					parameters: [idParam('conversation')],
					responses: {
						'200': json('The conversation', ref('ConversationDetail')),
						...COMMON_ERRORS,
						...READ_SCOPE,
						'404': errorResponse('No such conversation, or not yours'),
						'422': errorResponse('The id is not a positive integer'),
					},
				},
			},
			[`${API_PREFIX}/agents`]: {
				get: {
					operationId: 'listAgents',
					summary: "The key owner's receptionists (scope read)",
					responses: {
						'200': json('The agents', ref('AgentList')),
						...COMMON_ERRORS,
						...READ_SCOPE,
					},
				},
			},
			[`${API_PREFIX}/agents/{id}`]: {
				get: {
					operationId: 'getAgent',
					summary: 'One receptionist with its FAQ and settings (scope read)',
					parameters: [idParam('agent')],
					responses: {
						'200': json('The agent', ref('AgentDetail')),
						...COMMON_ERRORS,
						...READ_SCOPE,
						'404': errorResponse('No such agent, or not yours'),
						'422': errorResponse('The id is not a positive integer'),
					},
				},
				patch: {
					operationId: 'updateAgent',
					summary: "Partial update of the agent's metadata (scope write)",
					description: `Only the fields sent change; a sent faq replaces the whole FAQ. Writable: ${WRITABLE_AGENT_FIELDS.join(', ')}. Limits: ${agentFieldDescriptions.join('; ')}; faq ≤ ${FAQ_LIMITS.maxEntries} entries, question ≤ ${FAQ_LIMITS.questionMaxLength}, answer ≤ ${FAQ_LIMITS.answerMaxLength} characters, neither blank. Any other field (voice, agent_name, tier flags, webhooks, Conversion API, SMS settings) is managed in the dashboard and answered with 422. Validation happens before the agent is looked up.`,
					parameters: [idParam('agent')],
					requestBody: {
						required: true,
						content: { 'application/json': { schema: ref('AgentUpdate') } },
					},
					responses: {
						'200': json('The fields changed, in the order sent', ref('AgentUpdateResult')),
						...COMMON_ERRORS,
						'403': errorResponse('The key lacks the write scope'),
						'404': errorResponse('No such agent, or not yours'),
						'413': errorResponse('Request body too large'),
						'422': errorResponse(
							'Invalid body (bad JSON, empty, wrong type, over a limit, blank required field, non-writable field); detail names the field',
						),
					},
				},
			},
			[`${API_PREFIX}/openapi.json`]: {
				get: {
					operationId: 'openapi',
					summary: 'This document (no key needed)',
					security: [],
					responses: { '200': json('OpenAPI document', { type: 'object' }) },
				},
			},
		},
		components: {
			securitySchemes: {
				bearerAuth: {
					type: 'http',
					scheme: 'bearer',
					description: 'Authorization: Bearer rr_live_...',
				},
			},
			schemas: {
				...shapeSchemas(),
				AgentUpdate: {
					type: 'object',
					minProperties: 1,
					additionalProperties: false,
					properties: {
						...textProps,
						faq: {
							type: 'object',
							description: 'The whole FAQ (replaces it): {question: answer}',
							maxProperties: FAQ_LIMITS.maxEntries,
							propertyNames: { maxLength: FAQ_LIMITS.questionMaxLength, pattern: '\\S' },
							additionalProperties: {
								type: 'string',
								minLength: 1,
								pattern: '\\S',
								maxLength: FAQ_LIMITS.answerMaxLength,
							},
						},
					},
				},
			},
		},
	};
	return doc;
}
