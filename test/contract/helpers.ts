/** Shared helpers for the contract tests: plain fetch against a sandbox, page walks, a small schema checker. */
import type { ConversationPage, ConversationSummary, Sandbox } from '../sandbox';

export interface ApiResponse<T = any> {
	status: number;
	headers: Headers;
	text: string;
	body: T;
}

export interface CallOptions {
	/** A key (sent as Bearer), null for no Authorization header. */
	key?: string | null;
	method?: string;
	/** Sent as JSON unless `raw` is given. */
	body?: unknown;
	raw?: string;
	headers?: Record<string, string>;
}

export async function call<T = any>(
	sb: Sandbox,
	path: string,
	opts: CallOptions = {},
): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
	let body: string | undefined;
	if (opts.raw !== undefined) body = opts.raw;
	else if (opts.body !== undefined) body = JSON.stringify(opts.body);
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(`${sb.url}${path}`, { method: opts.method ?? 'GET', headers, body });
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: res.status, headers: res.headers, text, body: parsed as T };
}

export function qs(params: Record<string, string | number | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : '';
}

/** Follows next_before_id to the end; returns every page. */
export async function walk(
	sb: Sandbox,
	key: string,
	params: Record<string, string | number | undefined>,
): Promise<ConversationPage[]> {
	const pages: ConversationPage[] = [];
	let before: number | undefined;
	for (let guard = 0; guard < 10_000; guard++) {
		const res = await call<ConversationPage>(
			sb,
			`/api/v1/conversations${qs({ ...params, before_id: before })}`,
			{
				key,
			},
		);
		if (res.status !== 200) throw new Error(`page ${pages.length + 1}: ${res.status} ${res.text}`);
		pages.push(res.body);
		if (res.body.next_before_id === null) return pages;
		before = res.body.next_before_id;
	}
	throw new Error('pagination did not end');
}

export const flatten = (pages: ConversationPage[]): ConversationSummary[] =>
	pages.flatMap((p) => p.conversations);

export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// ---------------------------------------------------------------------------------------------
// A small JSON-schema checker for the subset the sandbox's OpenAPI document uses.

type Schema = Record<string, any>;

export function checkSchema(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
	if (schema.$ref) {
		const name = String(schema.$ref).replace('#/components/schemas/', '');
		const target = doc.components?.schemas?.[name];
		if (!target) return [`${at}: unresolved $ref ${schema.$ref}`];
		return checkSchema(doc, target, value, at);
	}
	if (schema.oneOf) {
		const passing = (schema.oneOf as Schema[]).filter(
			(s) => checkSchema(doc, s, value, at).length === 0,
		);
		return passing.length === 1 ? [] : [`${at}: matches ${passing.length} of oneOf`];
	}
	const errors: string[] = [];
	if (schema.type !== undefined) {
		const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
		const actual =
			value === null
				? 'null'
				: Array.isArray(value)
					? 'array'
					: typeof value === 'number'
						? Number.isInteger(value)
							? 'integer'
							: 'number'
						: typeof value;
		const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
		if (!ok) return [`${at}: expected ${types.join('|')}, got ${actual}`];
	}
	if (schema.enum && !schema.enum.includes(value))
		errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below minimum`);
		if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above maximum`);
	}
	if (typeof value === 'string') {
		if (schema.format === 'date-time' && !TIMESTAMP_RE.test(value))
			errors.push(`${at}: not a timestamp: ${value}`);
		if (schema.maxLength !== undefined && Array.from(value).length > schema.maxLength)
			errors.push(`${at}: too long`);
	}
	if (Array.isArray(value) && schema.items) {
		value.forEach((item, i) => errors.push(...checkSchema(doc, schema.items, item, `${at}[${i}]`)));
	}
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
		const obj = value as Record<string, unknown>;
		const props: Schema = schema.properties ?? {};
		for (const req of (schema.required as string[] | undefined) ?? []) {
			if (!Object.prototype.hasOwnProperty.call(obj, req)) errors.push(`${at}: missing ${req}`);
		}
		for (const [k, v] of Object.entries(obj)) {
			if (props[k]) errors.push(...checkSchema(doc, props[k], v, `${at}.${k}`));
			else if (schema.additionalProperties === false) errors.push(`${at}: undocumented field ${k}`);
			else if (typeof schema.additionalProperties === 'object') {
				errors.push(
					...checkSchema(doc, schema.additionalProperties, v, `${at}[${JSON.stringify(k)}]`),
				);
			}
		}
	}
	return errors;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
