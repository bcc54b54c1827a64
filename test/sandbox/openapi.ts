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

const json = (description: string, schema: Json, extra: Json = {}) => ({
	description,
	...extra,
	content: { 'application/json': { schema } },
});

const COMMON_ERRORS = {
	'401': 'Missing, malformed, invalid or revoked API key',
	'5XX':
		'Transient server error; retry later (the sandbox returns these only when faults are injected)',
};
const READ_SCOPE = { '403': 'The key lacks the read scope' };
const BY_ID = (what: string) => ({
	...READ_SCOPE,
	'404': `No such ${what}, or not yours`,
	'422': 'The id is not a positive integer',
});

/** One operation: its 200 answer (a component's name), then its errors, each {detail} (docs/ringready-api.md). */
function operation(
	operationId: string,
	summary: string,
	[description, schema]: [string, string],
	errors: Record<string, string>,
	extra: Json = {},
): Json {
	const responses: Json = { '200': json(description, ref(schema)) };
	for (const [status, text] of Object.entries({ ...COMMON_ERRORS, ...errors }))
		responses[status] = json(text, ref('Error'));
	responses['429'] = json(
		'Too many requests (per-key limits are not enforced yet; the sandbox answers 429 only when its rate-limit or fault controls say so)',
		ref('Error'),
		{ headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } },
	);
	return { operationId, summary, ...extra, responses };
}

const query = (name: string, schema: Json, description?: string) => ({
	name,
	in: 'query',
	required: false,
	...(description ? { description } : {}),
	schema,
});

const idParam = (what: string) => ({
	name: 'id',
	in: 'path',
	required: true,
	description: `The ${what} id (a positive integer; anything else is answered with 422)`,
	schema: { type: 'integer', minimum: 1 },
});

export function buildOpenApi(serverUrl?: string): Json {
	const { maxEntries, questionMaxLength, answerMaxLength } = FAQ_LIMITS;
	const limits = Object.entries(AGENT_TEXT_FIELDS).map(
		([name, f]) => `${name} ≤ ${f.maxLength} characters${f.required ? ', cannot be blank' : ''}`,
	);
	const textProps = Object.fromEntries(
		Object.entries(AGENT_TEXT_FIELDS).map(([name, { maxLength, required }]) => [
			name,
			required
				? {
						type: 'string',
						maxLength,
						minLength: 1,
						pattern: '\\S',
						description: 'Required: cannot be blanked',
					}
				: { type: 'string', maxLength },
		]),
	);
	return {
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
				get: operation(
					'whoami',
					'The key owner and the key (any valid key, whatever its scopes)',
					['The key owner', 'WhoAmI'],
					{},
				),
			},
			[`${API_PREFIX}/conversations`]: {
				get: operation(
					'listConversations',
					'Phone calls and web chats, newest (highest id) first',
					['A page of conversations', 'ConversationPage'],
					{ ...READ_SCOPE, '422': 'A query parameter is invalid; detail names it' },
					{
						description:
							'Scope read. Pagination: repeat the query with before_id=<next_before_id>; next_before_id is null exactly when no further conversation matches. Ids increase with creation; started_at order may differ (conversations can be processed late). Unknown query parameters are ignored; an agent_id that is not yours matches nothing.',
						parameters: [
							query('channel', { type: 'string', enum: [...CHANNELS] }),
							query('agent_id', { type: 'integer', minimum: 1 }, 'Filter to one receptionist'),
							query(
								'since',
								{ type: 'string', format: 'date-time' },
								'ISO-8601 timestamp (Z or an offset; a date alone means midnight UTC; no zone means UTC). Inclusive: started_at >= since.',
							),
							query(
								'before_id',
								{ type: 'integer', minimum: 1 },
								"Cursor: only conversations with id < before_id (the previous page's next_before_id)",
							),
							query('limit', {
								type: 'integer',
								minimum: PAGE_LIMIT.min,
								maximum: PAGE_LIMIT.max,
								default: PAGE_LIMIT.default,
							}),
						],
					},
				),
			},
			[`${API_PREFIX}/conversations/{id}`]: {
				get: operation(
					'getConversation',
					'One conversation with its transcript (scope read)',
					['The conversation', 'ConversationDetail'],
					BY_ID('conversation'),
					{ parameters: [idParam('conversation')] },
				),
			},
			[`${API_PREFIX}/agents`]: {
				get: operation(
					'listAgents',
					"The key owner's receptionists (scope read)",
					['The agents', 'AgentList'],
					READ_SCOPE,
				),
			},
			[`${API_PREFIX}/agents/{id}`]: {
				get: operation(
					'getAgent',
					'One receptionist with its FAQ and settings (scope read)',
					['The agent', 'AgentDetail'],
					BY_ID('agent'),
					{ parameters: [idParam('agent')] },
				),
				patch: operation(
					'updateAgent',
					"Partial update of the agent's metadata (scope write)",
					['The fields changed, in the order sent', 'AgentUpdateResult'],
					{
						'403': 'The key lacks the write scope',
						'404': 'No such agent, or not yours',
						'413': 'Request body too large',
						'422':
							'Invalid body (bad JSON, empty, wrong type, over a limit, blank required field, non-writable field); detail names the field',
					},
					{
						description: `Only the fields sent change; a sent faq replaces the whole FAQ. Writable: ${WRITABLE_AGENT_FIELDS.join(', ')}. Limits: ${limits.join('; ')}; faq ≤ ${maxEntries} entries, question ≤ ${questionMaxLength}, answer ≤ ${answerMaxLength} characters, neither blank. Any other field (voice, agent_name, tier flags, webhooks, Conversion API, SMS settings) is managed in the dashboard and answered with 422. Validation happens before the agent is looked up.`,
						parameters: [idParam('agent')],
						requestBody: {
							required: true,
							content: { 'application/json': { schema: ref('AgentUpdate') } },
						},
					},
				),
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
							maxProperties: maxEntries,
							propertyNames: { maxLength: questionMaxLength, pattern: '\\S' },
							additionalProperties: {
								type: 'string',
								minLength: 1,
								pattern: '\\S',
								maxLength: answerMaxLength,
							},
						},
					},
				},
			},
		},
	};
}
