/** Reading the node's parameters and checking them against the API's limits, before any request. */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { NodeOperationError } from 'n8n-workflow';

import type { WritableAgentField } from './contract';
import {
	AGENT_DASHBOARD_URL,
	FAQ_LIMITS,
	TRANSCRIPT_CONCURRENCY,
	WRITABLE_AGENT_FIELDS,
} from './contract';

export interface FaqEntry {
	question: string;
	answer: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Bad input, named with its item. `itemIndex` is undefined where there are no items (the trigger's parameters). */
export function invalid(
	node: INode,
	itemIndex: number | undefined,
	message: string,
	description: string,
) {
	const where = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
	return new NodeOperationError(node, `${message}${where}`, { itemIndex, description });
}

/** RingReady ids are positive integers; accepts numbers and numeric strings (resource locators give strings). */
export function parseId(node: INode, value: unknown, label: string, itemIndex?: number): number {
	const text = typeof value === 'number' ? String(value) : String(value ?? '').trim();
	const id = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!Number.isSafeInteger(id) || id < 1) {
		throw invalid(
			node,
			itemIndex,
			`${label} must be a positive whole number, got "${text.slice(0, 40)}"`,
			`Pick the ${label.toLowerCase()} from the list, or enter its numeric ID (for example 7).`,
		);
	}
	return id;
}

export function parseLimit(node: INode, value: unknown, itemIndex: number): number {
	const limit = Number(value);
	if (!Number.isSafeInteger(limit) || limit < 1) {
		throw invalid(
			node,
			itemIndex,
			`Limit must be a whole number of at least 1, got "${String(value)}"`,
			'Set Limit to 1 or more, or turn on Return All.',
		);
	}
	return limit;
}

export function parseConcurrency(node: INode, value: unknown, itemIndex: number): number {
	const concurrency = Number(value);
	if (
		!Number.isSafeInteger(concurrency) ||
		concurrency < 1 ||
		concurrency > TRANSCRIPT_CONCURRENCY.max
	) {
		throw invalid(
			node,
			itemIndex,
			`Max Concurrency must be a whole number from 1 to ${TRANSCRIPT_CONCURRENCY.max}, got "${String(value)}"`,
			'Set Max Concurrency to 10 (the default) unless RingReady asked you to send fewer requests at once.',
		);
	}
	return concurrency;
}

/** The agent chosen in the `agentId` resource locator (list, ID or dashboard URL), as a number. */
export function readAgentId(this: IExecuteFunctions, itemIndex: number): number {
	return agentIdFromLocator(
		this.getNode(),
		this.getNodeParameter('agentId', itemIndex, ''),
		itemIndex,
	);
}

/** Return All and Limit: the most items to return (Infinity for all). */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll
		? Number.POSITIVE_INFINITY
		: parseLimit(this.getNode(), this.getNodeParameter('limit', itemIndex), itemIndex);
}

/**
 * Turns a date parameter (n8n gives strings without a zone in the workflow's time zone, or
 * Date/DateTime objects from expressions) into the UTC form RingReady expects: 2026-06-09T14:03:00Z.
 */
export function toUtcTimestamp(
	node: INode,
	value: unknown,
	label: string,
	timezone: string,
	itemIndex?: number,
): string {
	let parsed: DateTime | undefined;
	if (value instanceof Date) parsed = DateTime.fromJSDate(value);
	else if (DateTime.isDateTime(value)) parsed = value;
	else if (typeof value === 'string' && value.trim() !== '')
		parsed = DateTime.fromISO(value.trim(), { zone: timezone });
	if (!parsed?.isValid) {
		throw invalid(
			node,
			itemIndex,
			`${label} is not a valid date: "${String(value).slice(0, 60)}"`,
			`Use an ISO-8601 date such as 2026-06-09T14:03:00Z, or an expression like {{ $now.minus({ days: 7 }) }}.`,
		);
	}
	// Whole seconds, as every timestamp of the API; rounded up so "at or after" keeps its meaning.
	const utc = parsed.toUTC();
	const seconds = utc.millisecond > 0 ? utc.startOf('second').plus({ seconds: 1 }) : utc;
	return seconds.toISO({ suppressMilliseconds: true }) as string;
}

function codePointLength(text: string): number {
	return Array.from(text).length;
}

function checkText(
	node: INode,
	itemIndex: number,
	label: string,
	value: string,
	limits: { maxLength: number; required: boolean },
	fix: string,
) {
	if (limits.required && value.trim() === '') {
		throw invalid(
			node,
			itemIndex,
			`${label} can't be blank`,
			`RingReady requires ${label}. ${fix}`,
		);
	}
	// Counted in Unicode code points, as RingReady (a Python service) counts: an emoji is one character.
	const length = codePointLength(value);
	if (length > limits.maxLength) {
		throw invalid(
			node,
			itemIndex,
			`${label} is too long: ${count(length)} characters, the limit is ${count(limits.maxLength)}`,
			`Shorten ${label} to ${count(limits.maxLength)} characters or fewer.`,
		);
	}
}

/** A text parameter that an expression may have turned into a number, a list or an object. */
export function requireText(node: INode, value: unknown, label: string, itemIndex: number): string {
	if (typeof value !== 'string') {
		throw invalid(node, itemIndex, `${label} must be text`, `Set ${label} to a text value.`);
	}
	return value;
}

/** Checks every writable field against the API's limits; returns the PATCH body in API field names. */
export function validateAgentUpdate(
	node: INode,
	fields: Partial<Record<WritableAgentField, unknown>>,
	itemIndex: number,
): Record<string, string> {
	const body: Record<string, string> = {};
	for (const [field, value] of Object.entries(fields) as Array<[WritableAgentField, unknown]>) {
		const rule = WRITABLE_AGENT_FIELDS[field];
		if (!rule) {
			throw invalid(
				node,
				itemIndex,
				`"${field}" can't be changed through the RingReady API`,
				`Writable fields: ${Object.values(WRITABLE_AGENT_FIELDS)
					.map((f) => f.label)
					.join(', ')}. Other settings are managed in the RingReady dashboard.`,
			);
		}
		const text = requireText(node, value, rule.label, itemIndex);
		checkText(node, itemIndex, rule.label, text, rule, 'Enter a value or remove the field.');
		body[field] = text;
	}
	if (Object.keys(body).length === 0) {
		throw invalid(
			node,
			itemIndex,
			'No fields to update',
			'Add at least one field under "Update Fields".',
		);
	}
	return body;
}

export function validateFaqEntry(
	node: INode,
	entry: FaqEntry,
	itemIndex: number,
	position: number,
) {
	const where = `FAQ entry ${position + 1}`;
	checkText(
		node,
		itemIndex,
		`${where} question`,
		entry.question,
		{
			maxLength: FAQ_LIMITS.questionMaxLength,
			required: true,
		},
		'Enter the question text.',
	);
	checkText(
		node,
		itemIndex,
		`${where} answer`,
		entry.answer,
		{
			maxLength: FAQ_LIMITS.answerMaxLength,
			required: true,
		},
		'Enter the answer text.',
	);
}

/**
 * An agent's page in the RingReady dashboard, and nothing else: /agents/<id> or
 * /dashboard/agents/<id>, optionally with a query or fragment. The id is the whole last segment.
 */
export const AGENT_URL_PATTERN =
	'^\\s*https?://(?:www\\.)?ring-ready\\.com/(?:dashboard/)?agents/(\\d+)/?(?:[?#]\\S*)?\\s*$';

const agentUrl = new RegExp(AGENT_URL_PATTERN, 'i');

/** The agent id of an agent page URL (the locator's "By URL" mode). */
export function parseAgentUrl(node: INode, value: unknown, itemIndex?: number): number {
	const text = String(value ?? '').trim();
	const match = agentUrl.exec(text);
	if (!match) {
		throw invalid(
			node,
			itemIndex,
			`Agent URL is not the address of an agent's page: "${text.slice(0, 80)}"`,
			`Paste the address of the agent's page in the RingReady dashboard, e.g. ${AGENT_DASHBOARD_URL}7, or give the agent's numeric ID.`,
		);
	}
	return parseId(node, match[1], 'Agent ID', itemIndex);
}

/** The value of an Agent locator (list, ID or URL) as an agent id. */
export function agentIdFromLocator(node: INode, locator: unknown, itemIndex?: number): number {
	if (locator && typeof locator === 'object' && '__rl' in locator) {
		const { mode, value } = locator as { mode?: unknown; value?: unknown };
		if (mode === 'url') return parseAgentUrl(node, value, itemIndex);
		return parseId(node, value, 'Agent ID', itemIndex);
	}
	return parseId(node, locator, 'Agent ID', itemIndex);
}

export function faqSizeError(node: INode, agentId: number, size: number, itemIndex: number) {
	return invalid(
		node,
		itemIndex,
		`The FAQ of agent ${agentId} would have ${count(size)} entries; the limit is ${FAQ_LIMITS.maxEntries}`,
		`Remove entries first (Agent FAQ → Delete), or use Replace All with at most ${FAQ_LIMITS.maxEntries} entries. Nothing was changed.`,
	);
}
