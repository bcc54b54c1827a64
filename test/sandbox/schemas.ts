/**
 * Every limit the sandbox enforces and every request it validates, written once. The HTTP handlers,
 * the in-process controls and the OpenAPI document all read from here.
 */
import { z } from 'zod';

import { parseIsoTimestamp } from './time';

export const API_PREFIX = '/api/v1';
export const CONTROL_PREFIX = '/__sandbox';

export const CHANNELS = ['phone', 'web_chat'] as const;

export const PAGE_LIMIT = { min: 1, max: 200, default: 50 } as const;

/** PATCH /agents/{id}: the writable text fields and their limits (docs/ringready-api.md). */
export const AGENT_TEXT_FIELDS = {
	agent_goal: { maxLength: 10_000, required: true },
	greeting_message: { maxLength: 500, required: false },
	business_name: { maxLength: 100, required: true },
	business_services: { maxLength: 30_000, required: true },
	business_website: { maxLength: 400, required: false },
} as const;
export type AgentTextField = keyof typeof AGENT_TEXT_FIELDS;

export const FAQ_LIMITS = { maxEntries: 50, questionMaxLength: 200, answerMaxLength: 500 } as const;

export const WRITABLE_AGENT_FIELDS = [
	...(Object.keys(AGENT_TEXT_FIELDS) as AgentTextField[]),
	'faq',
] as const;
export type WritableAgentField = (typeof WRITABLE_AGENT_FIELDS)[number];

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 1_000_000;

/** Lengths are counted in Unicode code points (what "characters" means to a Python/pydantic service). */
export const charCount = (text: string): number => Array.from(text).length;

/** The token of a `Bearer <token>` header (any case), else undefined. */
export function bearerToken(auth: string | undefined): string | undefined {
	return typeof auth === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth)?.[1] : undefined;
}

/** What a log may show of the key behind an Authorization header: its prefix, never the whole key. */
export function keyForLog(auth: string | undefined): string | null {
	const token = bearerToken(auth);
	if (token === undefined) return null;
	return `${token.slice(0, token.length > 16 ? 12 : Math.floor(token.length / 2))}…`;
}

const isBlank = (text: string) => text.trim() === '';

const issue = (ctx: z.RefinementCtx, message: string) =>
	ctx.addIssue({ code: z.ZodIssueCode.custom, message });

function checkLength(ctx: z.RefinementCtx, what: string, text: string, max: number) {
	const n = charCount(text);
	if (n > max) issue(ctx, `${what} must be at most ${max} characters (got ${n})`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shorten(text: string, max = 40): string {
	const chars = Array.from(text);
	return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

// ---------------------------------------------------------------------------------------------
// GET /api/v1/conversations query

function intParam(message: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
	return z
		.string()
		.regex(/^[0-9]+$/, message)
		.transform(Number)
		.refine((n) => n >= min && n <= max, message);
}
const positiveIntParam = (name: string) => intParam(`${name} must be a positive integer`);
const { min, max } = PAGE_LIMIT;
const limitParam = intParam(`limit must be an integer between ${min} and ${max}`, min, max);

const sinceParam = z.string().transform((text, ctx) => {
	const ms = parseIsoTimestamp(text);
	if (ms === undefined) {
		issue(
			ctx,
			`since must be an ISO-8601 timestamp such as 2026-06-09T14:03:00Z (got "${shorten(text)}")`,
		);
		return z.NEVER;
	}
	return ms;
});

/** Query parameters (strings; the last value wins when a name repeats). Unknown parameters are ignored. */
export const listQuerySchema = z.object({
	channel: z
		.enum(CHANNELS, {
			errorMap: () => ({ message: `channel must be one of: ${CHANNELS.join(', ')}` }),
		})
		.optional(),
	agent_id: positiveIntParam('agent_id').optional(),
	since: sinceParam.optional(),
	before_id: positiveIntParam('before_id').optional(),
	limit: limitParam.optional(),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const idPathParam = positiveIntParam('id');

// ---------------------------------------------------------------------------------------------
// PATCH /api/v1/agents/{id} body

function textField(name: AgentTextField) {
	const { maxLength, required } = AGENT_TEXT_FIELDS[name];
	return z
		.string({
			invalid_type_error: `${name} must be a string`,
			required_error: `${name} must be a string`,
		})
		.superRefine((value, ctx) => {
			if (required && isBlank(value)) issue(ctx, `${name} is required and cannot be blank`);
			else checkLength(ctx, name, value, maxLength);
		});
}

/**
 * The FAQ map. zod's record/object parsers rebuild objects and drop a `__proto__` key, so the map is
 * checked to be an object, turned into its own entries (JSON.parse keeps `__proto__` as an own
 * property, and Object.entries lists it) and validated as entries.
 */
const faqField = z
	.custom<Record<string, unknown>>(isPlainObject, {
		message:
			'faq must be an object mapping each question to its answer, e.g. {"Do you open on Sundays?": "No."}',
	})
	.transform((map) => Object.entries(map))
	.superRefine((entries, ctx) => {
		const { maxEntries, questionMaxLength, answerMaxLength } = FAQ_LIMITS;
		if (entries.length > maxEntries)
			issue(ctx, `faq must have at most ${maxEntries} entries (got ${entries.length})`);
		for (const [question, answer] of entries) {
			const q = JSON.stringify(shorten(question));
			if (isBlank(question)) issue(ctx, 'faq question cannot be blank');
			else checkLength(ctx, `faq question ${q}`, question, questionMaxLength);
			if (typeof answer !== 'string') issue(ctx, `faq answer for ${q} must be a string`);
			else if (isBlank(answer)) issue(ctx, `faq answer for ${q} cannot be blank`);
			else checkLength(ctx, `faq answer for ${q}`, answer, answerMaxLength);
		}
	})
	.transform((entries) => entries as Array<[string, string]>);

export const DASHBOARD_MESSAGE =
	'is not writable through the API: it is managed in the RingReady dashboard (voice, agent name, tier flags, webhooks, Conversion API and SMS settings)';

export const agentPatchSchema = z
	.custom<Record<string, unknown>>(isPlainObject, {
		message: `Request body must be a JSON object with the fields to update: ${WRITABLE_AGENT_FIELDS.join(', ')}`,
	})
	.refine((body) => Object.keys(body).length > 0, {
		message: `Request body must contain at least one field to update: ${WRITABLE_AGENT_FIELDS.join(', ')}`,
	})
	.pipe(
		z
			.object({
				agent_goal: textField('agent_goal').optional(),
				greeting_message: textField('greeting_message').optional(),
				business_name: textField('business_name').optional(),
				business_services: textField('business_services').optional(),
				business_website: textField('business_website').optional(),
				faq: faqField.optional(),
			})
			.strict(),
	);
export type AgentPatch = z.output<typeof agentPatchSchema>;

// ---------------------------------------------------------------------------------------------

/** One `detail` text from a zod error: every message, field named, joined by "; ". */
export function describeZodError(
	error: z.ZodError,
	options: { unknownKey?: (key: string) => string } = {},
): string {
	const messages: string[] = [];
	for (const issue of error.issues) {
		if (issue.code === z.ZodIssueCode.unrecognized_keys) {
			for (const key of issue.keys) {
				messages.push(options.unknownKey ? options.unknownKey(key) : `unknown field "${key}"`);
			}
			continue;
		}
		const field = issue.path.length > 0 ? String(issue.path[0]) : '';
		messages.push(
			field === '' || issue.message.startsWith(field)
				? issue.message
				: `${field}: ${issue.message}`,
		);
	}
	return [...new Set(messages)].join('; ');
}

export function nonWritableFieldMessage(key: string): string {
	return `${JSON.stringify(key)} ${DASHBOARD_MESSAGE}; writable fields are ${WRITABLE_AGENT_FIELDS.join(', ')}`;
}
