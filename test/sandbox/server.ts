/**
 * The HTTP layer: routing, auth and scopes, JSON in and out, and the test controls (latency, faults,
 * rate limit, request log) applied to every non-control request.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { performance } from 'perf_hooks';
import type { z } from 'zod';

import { buildOpenApi } from './openapi';
import {
	AnswerQueue,
	sendInPieces,
	addConversationsSchema,
	failingConversationSchema,
	faultSchema,
	latencySchema,
	rateLimitSchema,
	redirectAsScript,
	redirectSchema,
	samePath,
	scriptedResponseSchema,
	slowSchema,
	type FaultSpec,
	type ScriptedResponse,
	type SlowSpec,
} from './controls';
import {
	API_PREFIX,
	CONTROL_PREFIX,
	MAX_BODY_BYTES,
	agentPatchSchema,
	bearerToken,
	describeZodError,
	idPathParam,
	isPlainObject,
	keyForLog,
	listQuerySchema,
	nonWritableFieldMessage,
} from './schemas';
import {
	RECORDINGS_PREFIX,
	Recordings,
	recordingAnswerSchema,
	type RecordingOrigin,
	type RecordingOrigins,
} from './recordings';
import { copyAgent, keyPrefix, type KeyRecord, type StoredConversation } from './seed';
import { SandboxError, Store } from './store';
import type {
	AccountName,
	AddConversationsOptions,
	AgentDetail,
	DemoKeys,
	RequestLog,
	RequestLogEntry,
	SandboxControl,
	Scope,
} from './types';

interface Reply {
	status: number;
	/** Pre-serialized JSON (or text when contentType says so). */
	body: string;
	headers?: Record<string, string>;
	contentType?: string;
}

const JSON_TYPE = 'application/json';

function reply(status: number, value: unknown, headers?: Record<string, string>): Reply {
	return { status, body: JSON.stringify(value), headers };
}

function error(status: number, detail: string, headers?: Record<string, string>): Reply {
	return reply(status, { detail }, headers);
}

const STATUS_TEXT: Record<number, string> = {
	429: 'Too many requests; slow down and retry after the Retry-After delay',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service temporarily unavailable',
	504: 'Gateway timeout',
};

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/** The control's options: in-process camelCase, over HTTP snake_case (what the schema checks). */
const renameKeys = (options: object, rename: (key: string) => string) =>
	Object.fromEntries(Object.entries(options).map(([k, v]) => [rename(k), v]));
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The value checked by `schema` (undefined properties dropped first); 422 naming what is wrong. */
function validate<T extends z.ZodTypeAny>(
	schema: T,
	value: unknown,
	unknownKey?: (key: string) => string,
): z.output<T> {
	const parsed = schema.safeParse(
		isPlainObject(value)
			? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined))
			: value,
	);
	if (!parsed.success) throw new SandboxError(422, describeZodError(parsed.error, { unknownKey }));
	return parsed.data;
}

/** Method, path pattern (its groups are the params), the scope it needs, the handler. */
type Route = [string, RegExp, Scope | 'any' | 'none', RouteHandler];
type RouteHandler = (ctx: {
	key: KeyRecord | undefined;
	params: string[];
	query: URLSearchParams;
	body: unknown;
}) => Reply;

export interface SandboxServerOptions {
	seed: number;
	counts: Partial<Record<AccountName, number>>;
	controls: boolean;
	latencyMs: number;
	/** The API's own origin and the second (media) listener's: where recording_url points. */
	origins: RecordingOrigins;
}

export class SandboxServer {
	readonly store: Store;
	readonly control: SandboxControl;
	private latencyMs: number;
	/** Extra delay of GET /conversations pages (setListLatency) and of GET /conversations/{id} (setDetailLatency). */
	private listLatencyMs = 0;
	private detailLatencyMs = 0;
	private readonly faults = new AnswerQueue<FaultSpec>(
		(spec, path) => spec.path === undefined || path.startsWith(spec.path),
	);
	/** Conversation id → status of every GET /conversations/{id} (failConversation). */
	private failing = new Map<number, number>();
	private readonly scripted = new AnswerQueue<ScriptedResponse>(samePath);
	private readonly slow = new AnswerQueue<SlowSpec>(samePath);
	private readonly recordings: Recordings;
	private rateLimit: { maxInFlight: number; retryAfter: number } | null = null;
	private log: RequestLogEntry[] = [];
	private seq = 0;
	private inFlight = 0;
	private peakInFlight = 0;
	private connections = 0;
	private perKeyInFlight = new Map<string, number>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly t0 = performance.now();
	private readonly routes: Route[];

	constructor(private readonly options: SandboxServerOptions) {
		this.store = new Store(options.seed, options.counts, options.origins);
		this.latencyMs = options.latencyMs;
		this.recordings = new Recordings({
			origins: options.origins,
			now: () => this.now(),
			authorize: (auth, path) => this.authorize(auth, 'read', `GET ${path}`),
			recordingUrlOf: (id, account) => {
				const stored = account
					? this.store.conversation(account, id)
					: (this.store.conversation('A', id) ?? this.store.conversation('B', id));
				return stored ? stored.detail.recording_url : undefined;
			},
			later: (fn, ms) => this.timer(fn, ms),
		});
		this.routes = this.buildRoutes();
		this.control = this.buildControl();
	}

	get keys(): DemoKeys {
		return this.store.keys;
	}

	noteConnection(): void {
		this.connections++;
	}

	/** Cancels pending delayed responses (used on close). */
	cancelTimers(): void {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
	}

	/** Requests to the second (media) listener: recordings only. */
	handleMedia = (req: IncomingMessage, res: ServerResponse): void => {
		this.handleRecording('media', req, res);
	};

	private handleRecording(origin: RecordingOrigin, req: IncomingMessage, res: ServerResponse) {
		try {
			this.recordings.handle(origin, req, res, splitUrl(req).path);
		} catch (e) {
			this.sendNow(res, this.toReply(e));
		}
	}

	handle = (req: IncomingMessage, res: ServerResponse): void => {
		const { path, query } = splitUrl(req);
		const method = (req.method ?? 'GET').toUpperCase();

		// Recordings have their own log and controls (recordings.ts); the API controls do not touch them.
		if (path.startsWith(RECORDINGS_PREFIX)) {
			this.handleRecording('api', req, res);
			return;
		}

		if (
			this.options.controls &&
			(path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))
		) {
			this.handleControl(req, res, method, path).catch((e: unknown) =>
				this.sendNow(res, this.toReply(e)),
			);
			return;
		}
		this.handleApi(req, res, method, path, query).catch((e: unknown) =>
			this.sendNow(res, this.toReply(e)),
		);
	};

	private toReply(e: unknown): Reply {
		if (e instanceof SandboxError) return error(e.status, e.message);
		return error(500, `Sandbox error: ${e instanceof Error ? e.message : String(e)}`);
	}

	private now(): number {
		return Math.round((performance.now() - this.t0) * 1000) / 1000;
	}

	private async handleApi(
		req: IncomingMessage,
		res: ServerResponse,
		method: string,
		path: string,
		query: URLSearchParams,
	): Promise<void> {
		const auth = req.headers.authorization;
		const entry: RequestLogEntry = {
			seq: ++this.seq,
			method,
			path,
			query: Object.fromEntries(query.entries()),
			status: null,
			dropped: false,
			key: keyForLog(auth),
			started_ms: this.now(),
			ended_ms: null,
		};
		this.log.push(entry);
		this.inFlight++;
		if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
		let admittedKey: string | undefined;
		res.on('close', () => {
			this.inFlight--;
			if (admittedKey !== undefined) {
				const n = (this.perKeyInFlight.get(admittedKey) ?? 1) - 1;
				if (n <= 0) this.perKeyInFlight.delete(admittedKey);
				else this.perKeyInFlight.set(admittedKey, n);
			}
			entry.ended_ms = this.now();
			entry.status = entry.dropped || !res.headersSent ? null : res.statusCode;
		});

		const slow = this.slow.take(method, path);
		if (slow?.holdMs) await new Promise<void>((resolve) => this.timer(resolve, slow.holdMs!));

		const injected = (status: number, headers?: Record<string, string>) =>
			this.send(res, error(status, STATUS_TEXT[status] ?? `Injected fault ${status}`, headers));
		const scripted = this.scripted.take(method, path);
		if (scripted) {
			const { status, body = '', headers } = scripted;
			return this.send(res, { status, body, headers });
		}
		// Faults first (a gateway in front of the service), then the per-key rate limit.
		const fault = this.faults.take(path);
		if (fault?.drop) {
			entry.dropped = true;
			return this.later(() => req.socket.destroy());
		}
		if (fault) {
			const { status = 500, retryAfter } = fault;
			return injected(
				status,
				retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
			);
		}
		const failingId = method === 'GET' && /^\/api\/v1\/conversations\/(\d+)$/.exec(path)?.[1];
		const failing = failingId ? this.failing.get(Number(failingId)) : undefined;
		if (failing !== undefined) return injected(failing);
		const rateKey = bearerToken(auth) ?? '';
		if (this.rateLimit && (this.perKeyInFlight.get(rateKey) ?? 0) >= this.rateLimit.maxInFlight)
			return injected(429, { 'Retry-After': String(this.rateLimit.retryAfter) });
		admittedKey = rateKey;
		this.perKeyInFlight.set(rateKey, (this.perKeyInFlight.get(rateKey) ?? 0) + 1);

		let result: Reply;
		try {
			result = await this.route(req, method, path, query, auth);
		} catch (e) {
			result = this.toReply(e);
		}
		const extraMs =
			path === `${API_PREFIX}/conversations`
				? this.listLatencyMs
				: path.startsWith(`${API_PREFIX}/conversations/`)
					? this.detailLatencyMs
					: 0;
		if (slow?.trickle) this.later(() => this.trickle(res, result, slow.trickle!));
		else this.send(res, result, extraMs);
	}

	/** setTimeout that close() cancels. */
	private timer(fn: () => void, ms: number): void {
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, ms);
		this.timers.add(t);
	}

	/** Headers at once, then the body a few bytes at a time (slowDown's trickle). */
	private trickle(res: ServerResponse, r: Reply, how: { chunkBytes: number; everyMs: number }) {
		if (res.headersSent || res.destroyed) return;
		const headers = { 'Content-Type': r.contentType ?? JSON_TYPE, ...r.headers };
		sendInPieces(res, r.status, headers, Buffer.from(r.body), how, (fn, ms) => this.timer(fn, ms));
	}

	/** The key behind an Authorization header, or the 401 / 403 answer (API and recordings alike). */
	private authorize(
		auth: string | undefined,
		scope: Scope | 'any',
		request: string,
	): KeyRecord | Reply {
		const challenge = { 'WWW-Authenticate': 'Bearer' };
		if (auth === undefined || auth.trim() === '')
			return error(
				401,
				'Missing API key: send the header "Authorization: Bearer rr_live_..."',
				challenge,
			);
		const token = bearerToken(auth);
		if (token === undefined)
			return error(401, 'Malformed Authorization header: expected "Bearer rr_live_..."', challenge);
		const key = this.store.authenticate(token);
		if (typeof key === 'string')
			return error(401, key, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
		if (scope !== 'any' && !key.scopes.includes(scope))
			return error(403, `This API key lacks the "${scope}" scope required for ${request}`);
		return key;
	}

	private async route(
		req: IncomingMessage,
		method: string,
		path: string,
		query: URLSearchParams,
		auth: string | undefined,
	): Promise<Reply> {
		const matching = this.routes.filter(([, pattern]) => pattern.test(path));
		if (matching.length === 0) return error(404, 'Not Found');
		const route = matching.find(([m]) => m === method);
		if (!route)
			return error(405, 'Method Not Allowed', { Allow: matching.map(([m]) => m).join(', ') });
		const [, pattern, scope, handle] = route;
		let key: KeyRecord | undefined;
		if (scope !== 'none') {
			const authorized = this.authorize(auth, scope, `${method} ${path}`);
			if ('status' in authorized) return authorized;
			key = authorized;
		}
		let body: unknown;
		if (method === 'PATCH' || method === 'POST') {
			const text = await readBody(req);
			if (text === undefined)
				return error(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`);
			const parsed = parseBody(text);
			if (!parsed.ok) return error(422, 'Request body must be valid JSON');
			body = parsed.value;
		}
		return handle({ key, params: pattern.exec(path)!.slice(1), query, body });
	}

	private later(fn: () => void, extraMs = 0): void {
		const delayMs = this.latencyMs + extraMs;
		if (delayMs <= 0) {
			fn();
			return;
		}
		this.timer(fn, delayMs);
	}

	/** Sends after the configured latency (list pages: plus the list latency). */
	private send(res: ServerResponse, r: Reply, extraMs = 0): void {
		this.later(() => this.sendNow(res, r), extraMs);
	}

	private sendNow(res: ServerResponse, r: Reply): void {
		if (res.headersSent || res.destroyed) return;
		const headers: Record<string, string | number> = {
			'Content-Type': r.contentType ?? JSON_TYPE,
			'Content-Length': Buffer.byteLength(r.body),
			...r.headers,
		};
		res.writeHead(r.status, headers);
		res.end(r.body);
	}

	private buildRoutes(): Route[] {
		const store = this.store;
		const account = (key: KeyRecord | undefined): AccountName => key!.account;
		const parseId = (raw: string): number => {
			let text = raw;
			try {
				text = decodeURIComponent(raw);
			} catch {
				// keep it raw: the schema refuses it
			}
			return validate(idPathParam, text);
		};
		const summaryJson = (c: StoredConversation) => (c.summaryJson ??= JSON.stringify(c.summary));
		const text = (body: string, contentType?: string) => ({ status: 200, body, contentType });
		const openApi = JSON.stringify(buildOpenApi(this.options.origins.api));
		const routes: Record<string, [Route[2], Route[3]]> = {
			[`GET ${API_PREFIX}/whoami`]: ['any', ({ key }) => reply(200, store.whoami(key!))],
			[`GET ${API_PREFIX}/conversations`]: [
				'read',
				({ key, query }) => {
					const listQuery = validate(listQuerySchema, Object.fromEntries(query));
					const page = store.list(account(key), listQuery);
					const items = page.items.map(summaryJson).join(',');
					return text(
						`{"conversations":[${items}],"next_before_id":${page.next_before_id},"limit":${page.limit}}`,
					);
				},
			],
			[`GET ${API_PREFIX}/conversations/{id}`]: [
				'read',
				({ key, params }) => {
					const c = store.conversation(account(key), parseId(params[0]));
					if (!c) return error(404, 'Conversation not found');
					return text((c.detailJson ??= JSON.stringify(c.detail)));
				},
			],
			[`GET ${API_PREFIX}/agents`]: [
				'read',
				({ key }) => reply(200, { agents: store.agentSummaries(account(key)) }),
			],
			[`GET ${API_PREFIX}/agents/{id}`]: [
				'read',
				({ key, params }) => {
					const agent = store.agent(parseId(params[0]), account(key));
					return agent ? reply(200, agent) : error(404, 'Agent not found');
				},
			],
			[`PATCH ${API_PREFIX}/agents/{id}`]: [
				'write',
				({ key, params, body }) => {
					const id = parseId(params[0]);
					const patch = validate(agentPatchSchema, body, nonWritableFieldMessage);
					const order = Object.keys(body as Record<string, unknown>);
					return reply(200, store.patchAgent(account(key), id, patch, order));
				},
			],
			[`GET ${API_PREFIX}/openapi.json`]: ['none', () => text(openApi)],
			'GET /llms.txt': ['none', () => text(LLMS_TXT, 'text/plain; charset=utf-8')],
		};
		return Object.entries(routes).map(([route, [scope, handle]]) => {
			const [method, path] = route.split(' ');
			const pattern = path.replace(/\./g, '\\.').replace('{id}', '([^/]+)');
			return [method, new RegExp(`^${pattern}$`), scope, handle];
		});
	}

	private buildControl(): SandboxControl {
		const store = this.store;
		const latency = (ms: number) => validate(latencySchema, { ms }).ms;
		const clearRequests = () => {
			this.recordings.clearRequests();
			this.log = [];
			this.seq = 0;
			this.peakInFlight = this.inFlight;
			this.connections = 0;
		};
		return {
			setLatency: (ms) => void (this.latencyMs = latency(ms)),
			injectFaults: (f) => this.faults.add(validate(faultSchema, f)),
			clearFaults: () => this.faults.clear(),
			failConversation: (f) => {
				const spec = validate(failingConversationSchema, f);
				this.failing.set(spec.id, spec.status ?? 500);
			},
			failingConversations: () => Object.fromEntries(this.failing),
			clearFailingConversations: () => this.failing.clear(),
			scriptResponse: (r) => this.scripted.add(validate(scriptedResponseSchema, r)),
			redirect: (r) => this.scripted.add(redirectAsScript(validate(redirectSchema, r))),
			clearScripted: () => this.scripted.clear(),
			slowDown: (spec) => this.slow.add(validate(slowSchema, spec)),
			setRateLimit: (r) => {
				const { maxInFlight, retryAfter = 1 } = validate(rateLimitSchema, r);
				this.rateLimit = maxInFlight === null ? null : { maxInFlight, retryAfter };
			},
			addConversations: (o) => {
				const { live: _, ...options } = o; // in-process only
				validate(addConversationsSchema, renameKeys(options, snakeCase));
				return store.addConversations(o).map((c) => c.detail);
			},
			endConversation: (id, acct = 'A') => store.endConversation(acct, id).detail,
			overwriteConversation: (id, fields, acct = 'A') => store.overwrite(acct, id, fields),
			setListLatency: (ms) => void (this.listLatencyMs = latency(ms)),
			setDetailLatency: (ms) => void (this.detailLatencyMs = latency(ms)),
			recordingAnswer: (spec) => this.recordings.addAnswer(validate(recordingAnswerSchema, spec)),
			clearRecordingAnswers: () => this.recordings.clearAnswers(),
			recordingRequests: () => this.recordings.requests(),
			clearRecordingRequests: () => this.recordings.clearRequests(),
			requests: (): RequestLog => ({
				log: this.log.map((e) => ({ ...e, query: { ...e.query } })),
				peakInFlight: this.peakInFlight,
				connections: this.connections,
			}),
			clearRequests,
			reset: () => {
				store.reset();
				this.latencyMs = this.options.latencyMs;
				this.listLatencyMs = 0;
				this.detailLatencyMs = 0;
				this.rateLimit = null;
				this.failing.clear();
				for (const queue of [this.faults, this.scripted, this.slow]) queue.clear();
				this.recordings.clearAnswers();
				clearRequests();
			},
			conversations: (acct = 'A') =>
				[...store.conversationsOf(acct)].reverse().map((c) => c.detail),
			agents: (acct = 'A'): AgentDetail[] => store.agentsOf(acct).map(copyAgent),
			agent: (id: number): AgentDetail | undefined => {
				const a = store.agent(id);
				return a ? copyAgent(a) : undefined;
			},
		};
	}

	private async handleControl(
		req: IncomingMessage,
		res: ServerResponse,
		method: string,
		path: string,
	): Promise<void> {
		const c = this.control;
		const requestLog = () => {
			const { log, peakInFlight, connections } = c.requests();
			return { requests: log, peak_in_flight: peakInFlight, connections };
		};
		const show = () => {};
		const queued = (pending: () => unknown[]) => () => ({ queued: pending() });
		// Per path: what each method does with the body, then the answer (default: the state after).
		const controls: Record<string, [Record<string, (body: any) => unknown>, (() => unknown)?]> = {
			'/': [
				{
					GET: () => ({
						controls: Object.entries(controls).map(
							([p, [ops]]) => `${Object.keys(ops).join('|')} ${CONTROL_PREFIX}${p}`,
						),
					}),
				},
			],
			'/latency': [
				{ POST: (body) => (this.latencyMs = validate(latencySchema, body).ms) },
				() => ({ ms: this.latencyMs }),
			],
			'/faults': [
				{ POST: c.injectFaults, DELETE: c.clearFaults },
				queued(() => this.faults.pending),
			],
			'/failing-conversations': [
				{ POST: c.failConversation, GET: show, DELETE: c.clearFailingConversations },
				() => ({ failing: c.failingConversations() }),
			],
			'/script': [
				{ POST: c.scriptResponse, DELETE: c.clearScripted },
				queued(() => this.scripted.pending),
			],
			'/redirect': [{ POST: c.redirect }, queued(() => this.scripted.pending)],
			'/rate-limit': [{ POST: c.setRateLimit }, () => ({ rateLimit: this.rateLimit })],
			'/conversations': [
				{
					POST: (body) => {
						const options = renameKeys(validate(addConversationsSchema, body), camelCase);
						return { conversations: c.addConversations(options as AddConversationsOptions) };
					},
				},
			],
			'/requests': [{ GET: show, DELETE: c.clearRequests }, requestLog],
			'/recording-answers': [
				{ POST: c.recordingAnswer, GET: show, DELETE: c.clearRecordingAnswers },
				queued(() => this.recordings.pendingAnswers),
			],
			'/recording-requests': [
				{ GET: show, DELETE: c.clearRecordingRequests },
				() => ({ requests: c.recordingRequests() }),
			],
			'/reset': [{ POST: () => (c.reset(), { reset: true }) }],
			'/keys': [
				{
					GET: () => ({
						keys: this.keys,
						agents: { A: this.agentIds('A'), B: this.agentIds('B') },
					}),
				},
			],
		};
		const control = controls[path.slice(CONTROL_PREFIX.length) || '/'];
		if (!control) return this.sendNow(res, error(404, 'Unknown sandbox control'));
		const [ops, state] = control;
		const op = ops[method];
		if (!op)
			return this.sendNow(
				res,
				error(405, 'Method Not Allowed', { Allow: Object.keys(ops).join(', ') }),
			);
		const result = op(method === 'POST' ? await readControlBody(req) : undefined);
		this.sendNow(res, reply(200, state ? state() : result));
	}

	agentIds(account: AccountName): number[] {
		return this.store.agentsOf(account).map((a) => a.id);
	}
}

function splitUrl(req: IncomingMessage): { path: string; query: URLSearchParams } {
	const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s);
	return { path, query: new URLSearchParams(query) };
}

/** Reads the body as UTF-8; undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** A control's body: a JSON object, or {} when empty. */
async function readControlBody(req: IncomingMessage): Promise<Record<string, unknown>> {
	const text = await readBody(req);
	if (text === undefined) throw new SandboxError(413, 'Request body too large');
	if (text.trim() === '') return {};
	const parsed = parseBody(text);
	if (!parsed.ok || !isPlainObject(parsed.value))
		throw new SandboxError(422, 'Body must be a JSON object');
	return parsed.value;
}

const LLMS_TXT = `# RingReady (sandbox)

> AI receptionists that answer a business's phone calls and website chats.

- Developer API: ${API_PREFIX}/openapi.json (OpenAPI 3.1). Authorization: Bearer rr_live_...
- Endpoints: GET ${API_PREFIX}/whoami, GET ${API_PREFIX}/conversations, GET ${API_PREFIX}/conversations/{id},
  GET ${API_PREFIX}/agents, GET ${API_PREFIX}/agents/{id}, PATCH ${API_PREFIX}/agents/{id}
`;

export { keyPrefix };
