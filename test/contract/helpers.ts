/** Shared helpers for the contract tests: plain fetch against a sandbox, page walks, a small schema checker. */
import type { ConversationPage, ConversationSummary, Sandbox } from '../sandbox';

/** `key` is sent as Bearer; `body` as JSON unless `raw` is given. */
export async function call(
	sb: Sandbox,
	path: string,
	opts: {
		key?: string;
		method?: string;
		body?: unknown;
		raw?: string;
		headers?: Record<string, string>;
	} = {},
) {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
	const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(`${sb.url}${path}`, { method: opts.method ?? 'GET', headers, body });
	const text = await res.text();
	let parsed: any = text; // unless it is JSON
	try {
		parsed = JSON.parse(text);
	} catch {}
	return { status: res.status, headers: res.headers, text, body: parsed };
}

/** The query string of the defined params (JSON drops the undefined ones). */
export function qs(params: Record<string, string | number | undefined>): string {
	const q = new URLSearchParams(JSON.parse(JSON.stringify(params)));
	return q.size ? `?${q}` : '';
}

/** Follows next_before_id to the end; returns every page. */
export async function walk(
	sb: Sandbox,
	key: string,
	params: Record<string, string | number | undefined>,
): Promise<ConversationPage[]> {
	const pages: ConversationPage[] = [];
	let before: number | undefined;
	do {
		const res = await call(sb, `/api/v1/conversations${qs({ ...params, before_id: before })}`, {
			key,
		});
		if (res.status !== 200) throw new Error(`page ${pages.length + 1}: ${res.status} ${res.text}`);
		pages.push(res.body);
		before = res.body.next_before_id ?? undefined;
	} while (before !== undefined && pages.length < 10_000);
	return pages;
}

export const flatten = (pages: ConversationPage[]): ConversationSummary[] =>
	pages.flatMap((p) => p.conversations);

export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

type Schema = Record<string, any>;

function typeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return Number.isInteger(value) ? 'integer' : typeof value;
}

/**
 * Errors of `value` against `schema`, for the JSON-schema subset the sandbox's OpenAPI document uses;
 * fields must come in the documented order.
 */
export function checkSchema(doc: Schema, schema: Schema, value: unknown, at = '$'): string[] {
	if (schema.$ref) {
		const target = doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
		return target ? checkSchema(doc, target, value, at) : [`${at}: unresolved ${schema.$ref}`];
	}
	if (schema.anyOf)
		return schema.anyOf.some((s: Schema) => !checkSchema(doc, s, value, at).length)
			? []
			: [`${at}: matches none of anyOf`];
	const actual = typeOf(value);
	const types: string[] = schema.type === undefined ? [actual] : [schema.type].flat();
	if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer')))
		return [`${at}: expected ${types.join('|')}, got ${actual}`];
	const errors: string[] = [];
	const fail = (what: string) => errors.push(`${at}: ${what}`);
	if (schema.enum && !schema.enum.includes(value)) fail(`${JSON.stringify(value)} not in enum`);
	if (typeof value === 'number' && (value < schema.minimum || value > schema.maximum))
		fail('out of range');
	if (typeof value === 'string' && schema.format === 'date-time' && !TIMESTAMP_RE.test(value))
		fail(`not a timestamp: ${value}`);
	if (typeof value === 'string' && Array.from(value).length > schema.maxLength) fail('too long');
	if (Array.isArray(value) && schema.items)
		value.forEach((item, i) => errors.push(...checkSchema(doc, schema.items, item, `${at}[${i}]`)));
	if (actual === 'object') {
		const obj = value as Record<string, unknown>;
		for (const name of schema.required ?? []) if (!(name in obj)) fail(`missing ${name}`);
		const order = Object.keys(schema.properties ?? {});
		const sent = Object.keys(obj).filter((k) => order.includes(k));
		if (sent.join() !== order.filter((k) => k in obj).join()) fail(`fields out of order: ${sent}`);
		for (const [k, v] of Object.entries(obj)) {
			const sub = schema.properties?.[k] ?? schema.additionalProperties;
			if (sub === false) fail(`undocumented field ${k}`);
			else if (typeof sub === 'object') errors.push(...checkSchema(doc, sub, v, `${at}.${k}`));
		}
	}
	return errors;
}

/** An error answer: that status and a body of exactly {detail} matching `detail`. */
export function expectError(
	res: { status: number; body: any },
	status: number,
	detail: RegExp | string = /./,
): void {
	const matcher =
		typeof detail === 'string' ? expect.stringContaining(detail) : expect.stringMatching(detail);
	expect({ status: res.status, body: res.body }).toEqual({ status, body: { detail: matcher } });
}
