/**
 * The HTTP layer: routing, auth and scopes, JSON in and out, and the test controls (latency, faults,
 * rate limit, request log) applied to every non-control request.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { performance } from 'perf_hooks';
import type { z } from 'zod';

import { buildOpenApi } from './openapi';
import {
	API_PREFIX,
	CONTROL_PREFIX,
	MAX_BODY_BYTES,
	addConversationsSchema,
	agentPatchSchema,
	describeZodError,
	failingConversationSchema,
	faultSchema,
	idPathParam,
	isPlainObject,
	latencySchema,
	listQuerySchema,
	nonWritableFieldMessage,
	rateLimitSchema,
} from './schemas';
import {
	ScriptedResponses,
	redirectAsScript,
	redirectSchema,
	scriptedResponseSchema,
} from './scripted';
import type { RedirectSpec, ScriptedResponse } from './scripted';
import {
	RECORDINGS_PREFIX,
	Recordings,
	recordingAnswerSchema,
	type RecordingAnswerSpec,
	type RecordingOrigin,
	type RecordingOrigins,
} from './recordings';
import type { SlowSpec } from './slow';
import { SlowRequests, slowSchema } from './slow';
import { copyAgent, keyPrefix, type KeyRecord, type StoredConversation } from './seed';
import { SandboxError, Store } from './store';
import type {
	AccountName,
	AddConversationsOptions,
	AgentDetail,
	ConversationDetail,
	DemoKeys,
	FailingConversationSpec,
	FaultSpec,
	RateLimitSpec,
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

interface QueuedFault {
	spec: FaultSpec;
	remaining: number;
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

/** What the log may show of a token: its prefix, never the whole key. */
function maskToken(token: string): string {
	const visible = token.length > 16 ? 12 : Math.floor(token.length / 2);
	return `${token.slice(0, visible)}…`;
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/** Maps the in-process camelCase options onto the HTTP body the schema validates. */
function addOptionsToBody(o: AddConversationsOptions): Record<string, unknown> {
	const body: Record<string, unknown> = { count: o.count };
	if (o.account !== undefined) body.account = o.account;
	if (o.agentId !== undefined) body.agent_id = o.agentId;
	if (o.channel !== undefined) body.channel = o.channel;
	if (o.startedAt !== undefined) body.started_at = o.startedAt;
	if (o.sameSecond !== undefined) body.same_second = o.sameSecond;
	return body;
}

function validate<T extends z.ZodTypeAny>(schema: T, value: unknown): z.output<T> {
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw new SandboxError(422, describeZodError(parsed.error));
	return parsed.data;
}

interface Route {
	pattern: RegExp;
	methods: Record<string, { scope: Scope | 'any' | 'none'; handle: RouteHandler }>;
}
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
	private faults: QueuedFault[] = [];
	/** Conversation id → status of every GET /conversations/{id} (failConversation). */
	private failing = new Map<number, number>();
	private readonly scripted = new ScriptedResponses();

	private readonly slow = new SlowRequests();
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
	private openApiJson = '';
	private readonly routes: Route[];

	constructor(private readonly options: SandboxServerOptions) {
		this.store = new Store(options.seed, options.counts, options.origins);
		this.latencyMs = options.latencyMs;
		this.recordings = new Recordings({
			origins: options.origins,
			now: () => this.now(),
			authenticate: (token) => {
				const result = this.store.authenticate(token);
				if (result.ok) return result;
				return {
					ok: false,
					detail: result.reason === 'revoked' ? 'This API key has been revoked' : 'Invalid API key',
				};
			},
			recordingUrlOf: (id, account) => {
				const stored = account
					? this.store.conversation(account, id)
					: (this.store.conversation('A', id) ?? this.store.conversation('B', id));
				return stored ? stored.detail.recording_url : undefined;
			},
			maskToken,
			later: (fn, ms) => {
				const t = setTimeout(() => {
					this.timers.delete(t);
					fn();
				}, ms);
				this.timers.add(t);
			},
		});
		this.routes = this.buildRoutes();
		this.control = this.buildControl();
	}

	get keys(): DemoKeys {
		return this.store.keys;
	}

	setServerUrl(url: string): void {
		this.openApiJson = JSON.stringify(buildOpenApi(url));
	}

	/** Called for every accepted TCP connection. */
	noteConnection(): void {
		this.connections++;
	}

	/** Cancels pending delayed responses (used on close). */
	cancelTimers(): void {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
	}

	// --- request entry point ------------------------------------------------------------------

	/** Requests to the second (media) listener: recordings only. */
	handleMedia = (req: IncomingMessage, res: ServerResponse): void => {
		this.handleRecording('media', req, res);
	};

	private handleRecording(origin: RecordingOrigin, req: IncomingMessage, res: ServerResponse) {
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		try {
			this.recordings.handle(origin, req, res, q === -1 ? rawUrl : rawUrl.slice(0, q));
		} catch (e) {
			this.sendNow(res, this.toReply(e));
		}
	}

	handle = (req: IncomingMessage, res: ServerResponse): void => {
		const rawUrl = req.url ?? '/';
		const q = rawUrl.indexOf('?');
		const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
		const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
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
		const bearer = typeof auth === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth) : null;
		const token = bearer ? bearer[1] : undefined;

		const entry: RequestLogEntry = {
			seq: ++this.seq,
			method,
			path,
			query: Object.fromEntries(query.entries()),
			status: null,
			dropped: false,
			key: token === undefined ? null : maskToken(token),
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
		if (slow?.holdMs) await this.pause(slow.holdMs);

		const scripted = this.scripted.take(method, path);
		if (scripted) {
			this.send(res, {
				status: scripted.status,
				body: scripted.body ?? '',
				headers: scripted.headers,
			});
			return;
		}

		// Faults first (a gateway in front of the service), then the per-key rate limit.
		const fault = this.takeFault(path);
		if (fault) {
			if (fault.drop) {
				entry.dropped = true;
				this.later(() => req.socket.destroy());
				return;
			}
			const status = fault.status ?? 500;
			const headers =
				fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : undefined;
			this.send(res, error(status, STATUS_TEXT[status] ?? `Injected fault ${status}`, headers));
			return;
		}
		const failingStatus = this.failingStatus(method, path);
		if (failingStatus !== undefined) {
			this.send(
				res,
				error(failingStatus, STATUS_TEXT[failingStatus] ?? `Injected fault ${failingStatus}`),
			);
			return;
		}
		const rateKey = token ?? '';
		if (this.rateLimit && (this.perKeyInFlight.get(rateKey) ?? 0) >= this.rateLimit.maxInFlight) {
			this.send(
				res,
				error(429, STATUS_TEXT[429], { 'Retry-After': String(this.rateLimit.retryAfter) }),
			);
			return;
		}
		admittedKey = rateKey;
		this.perKeyInFlight.set(rateKey, (this.perKeyInFlight.get(rateKey) ?? 0) + 1);

		let result: Reply;
		try {
			result = await this.route(req, method, path, query, auth, token);
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

	private async pause(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.add(t);
		});
	}

	/** Headers at once, then the body a few bytes at a time (see slow.ts). */
	private trickle(
		res: ServerResponse,
		r: Reply,
		how: { chunkBytes: number; everyMs: number },
	): void {
		if (res.headersSent || res.destroyed) return;
		const body = Buffer.from(r.body);
		res.writeHead(r.status, {
			'Content-Type': r.contentType ?? JSON_TYPE,
			'Content-Length': body.length,
			...r.headers,
		});
		let sent = 0;
		const next = () => {
			if (res.destroyed) return;
			const piece = body.subarray(sent, sent + how.chunkBytes);
			sent += piece.length;
			if (sent >= body.length) {
				res.end(piece);
				return;
			}
			res.write(piece);
			const t = setTimeout(() => {
				this.timers.delete(t);
				next();
			}, how.everyMs);
			this.timers.add(t);
		};
		next();
	}

	private async route(
		req: IncomingMessage,
		method: string,
		path: string,
		query: URLSearchParams,
		auth: string | undefined,
		token: string | undefined,
	): Promise<Reply> {
		for (const route of this.routes) {
			const m = route.pattern.exec(path);
			if (!m) continue;
			const op = route.methods[method];
			if (!op) {
				return error(405, 'Method Not Allowed', { Allow: Object.keys(route.methods).join(', ') });
			}
			let key: KeyRecord | undefined;
			if (op.scope !== 'none') {
				if (auth === undefined || auth.trim() === '') {
					return error(
						401,
						'Missing API key: send the header "Authorization: Bearer rr_live_..."',
						{
							'WWW-Authenticate': 'Bearer',
						},
					);
				}
				if (token === undefined) {
					return error(401, 'Malformed Authorization header: expected "Bearer rr_live_..."', {
						'WWW-Authenticate': 'Bearer',
					});
				}
				const result = this.store.authenticate(token);
				if (!result.ok) {
					return error(
						401,
						result.reason === 'revoked' ? 'This API key has been revoked' : 'Invalid API key',
						{ 'WWW-Authenticate': 'Bearer error="invalid_token"' },
					);
				}
				key = result.key;
				if (op.scope !== 'any' && !key.scopes.includes(op.scope)) {
					return error(
						403,
						`This API key lacks the "${op.scope}" scope required for ${method} ${path}`,
					);
				}
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
			return op.handle({ key, params: m.slice(1), query, body });
		}
		return error(404, 'Not Found');
	}

	private takeFault(path: string): FaultSpec | undefined {
		const i = this.faults.findIndex(
			(f) => f.spec.path === undefined || path.startsWith(f.spec.path),
		);
		if (i === -1) return undefined;
		const f = this.faults[i];
		if (--f.remaining <= 0) this.faults.splice(i, 1);
		return f.spec;
	}

	private failingStatus(method: string, path: string): number | undefined {
		if (this.failing.size === 0 || method !== 'GET') return undefined;
		const match = /^\/api\/v1\/conversations\/(\d+)$/.exec(path);
		return match ? this.failing.get(Number(match[1])) : undefined;
	}

	private later(fn: () => void, extraMs = 0): void {
		const delayMs = this.latencyMs + extraMs;
		if (delayMs <= 0) {
			fn();
			return;
		}
		const t = setTimeout(() => {
			this.timers.delete(t);
			fn();
		}, delayMs);
		this.timers.add(t);
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

	// --- API routes ----------------------------------------------------------------------------

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
			const parsed = idPathParam.safeParse(text);
			if (!parsed.success) throw new SandboxError(422, describeZodError(parsed.error));
			return parsed.data;
		};
		const conversationJson = (c: StoredConversation) => (c.detailJson ??= JSON.stringify(c.detail));
		const summaryJson = (c: StoredConversation) => (c.summaryJson ??= JSON.stringify(c.summary));
		const p = (suffix: string) => new RegExp(`^${API_PREFIX.replace(/\//g, '\\/')}${suffix}$`);

		return [
			{
				pattern: p('\\/whoami'),
				methods: { GET: { scope: 'any', handle: ({ key }) => reply(200, store.whoami(key!)) } },
			},
			{
				pattern: p('\\/conversations'),
				methods: {
					GET: {
						scope: 'read',
						handle: ({ key, query }) => {
							const parsed = listQuerySchema.safeParse(Object.fromEntries(query.entries()));
							if (!parsed.success) return error(422, describeZodError(parsed.error));
							const page = store.list(account(key), parsed.data);
							const body = `{"conversations":[${page.items.map(summaryJson).join(',')}],"next_before_id":${page.next_before_id === null ? 'null' : page.next_before_id},"limit":${page.limit}}`;
							return { status: 200, body };
						},
					},
				},
			},
			{
				pattern: p('\\/conversations\\/([^/]+)'),
				methods: {
					GET: {
						scope: 'read',
						handle: ({ key, params }) => {
							const c = store.conversation(account(key), parseId(params[0]));
							if (!c) return error(404, 'Conversation not found');
							return { status: 200, body: conversationJson(c) };
						},
					},
				},
			},
			{
				pattern: p('\\/agents'),
				methods: {
					GET: {
						scope: 'read',
						handle: ({ key }) => reply(200, { agents: store.agentSummaries(account(key)) }),
					},
				},
			},
			{
				pattern: p('\\/agents\\/([^/]+)'),
				methods: {
					GET: {
						scope: 'read',
						handle: ({ key, params }) => {
							const agent = store.agent(parseId(params[0]), account(key));
							if (!agent) return error(404, 'Agent not found');
							return reply(200, agent);
						},
					},
					PATCH: {
						scope: 'write',
						handle: ({ key, params, body }) => {
							const id = parseId(params[0]);
							const parsed = agentPatchSchema.safeParse(body);
							if (!parsed.success) {
								return error(
									422,
									describeZodError(parsed.error, { unknownKey: nonWritableFieldMessage }),
								);
							}
							const order = Object.keys(body as Record<string, unknown>);
							return reply(200, store.patchAgent(account(key), id, parsed.data, order));
						},
					},
				},
			},
			{
				pattern: p('\\/openapi\\.json'),
				methods: {
					GET: {
						scope: 'none',
						handle: () => ({
							status: 200,
							body: this.openApiJson || JSON.stringify(buildOpenApi()),
						}),
					},
				},
			},
			{
				pattern: /^\/llms\.txt$/,
				methods: {
					GET: {
						scope: 'none',
						handle: () => ({
							status: 200,
							contentType: 'text/plain; charset=utf-8',
							body: LLMS_TXT,
						}),
					},
				},
			},
		];
	}

	// --- controls ------------------------------------------------------------------------------

	private buildControl(): SandboxControl {
		const store = this.store;
		return {
			setLatency: (ms) => {
				this.latencyMs = validate(latencySchema, { ms }).ms;
			},
			injectFaults: (f) => {
				const spec = validate(faultSchema, stripUndefined(f)) as FaultSpec;
				this.faults.push({ spec, remaining: spec.count });
			},
			clearFaults: () => {
				this.faults = [];
			},
			failConversation: (f) => {
				const spec = validate(
					failingConversationSchema,
					stripUndefined(f),
				) as FailingConversationSpec;
				this.failing.set(spec.id, spec.status ?? 500);
			},
			failingConversations: () => Object.fromEntries(this.failing),
			clearFailingConversations: () => {
				this.failing.clear();
			},
			scriptResponse: (r) => {
				this.scripted.add(validate(scriptedResponseSchema, stripUndefined(r)) as ScriptedResponse);
			},
			redirect: (r) => {
				this.scripted.add(
					redirectAsScript(validate(redirectSchema, stripUndefined(r)) as RedirectSpec),
				);
			},
			clearScripted: () => {
				this.scripted.clear();
			},
			slowDown: (spec) => {
				this.slow.add(validate(slowSchema, stripUndefined(spec)) as SlowSpec);
			},
			setRateLimit: (r) => {
				const spec = validate(rateLimitSchema, stripUndefined(r)) as RateLimitSpec;
				this.rateLimit =
					spec.maxInFlight === null
						? null
						: { maxInFlight: spec.maxInFlight, retryAfter: spec.retryAfter ?? 1 };
			},
			addConversations: (o) => {
				validate(addConversationsSchema, addOptionsToBody(o));
				return store.addConversations(o).map((c) => c.detail);
			},
			endConversation: (id, acct = 'A') => store.endConversation(acct, id).detail,
			overwriteConversation: (id, fields, acct = 'A') => store.overwrite(acct, id, fields),
			setListLatency: (ms) => {
				this.listLatencyMs = validate(latencySchema, { ms }).ms;
			},
			setDetailLatency: (ms) => {
				this.detailLatencyMs = validate(latencySchema, { ms }).ms;
			},
			recordingAnswer: (spec) => {
				this.recordings.addAnswer(
					validate(recordingAnswerSchema, stripUndefined(spec)) as RecordingAnswerSpec,
				);
			},
			clearRecordingAnswers: () => {
				this.recordings.clearAnswers();
			},
			recordingRequests: () => this.recordings.requests(),
			clearRecordingRequests: () => {
				this.recordings.clearRequests();
			},
			requests: (): RequestLog => ({
				log: this.log.map((e) => ({ ...e, query: { ...e.query } })),
				peakInFlight: this.peakInFlight,
				connections: this.connections,
			}),
			clearRequests: () => {
				this.recordings.clearRequests();
				this.log = [];
				this.seq = 0;
				this.peakInFlight = this.inFlight;
				this.connections = 0;
			},
			reset: () => {
				store.reset();
				this.latencyMs = this.options.latencyMs;
				this.listLatencyMs = 0;
				this.detailLatencyMs = 0;
				this.faults = [];
				this.failing.clear();
				this.scripted.clear();
				this.slow.clear();
				this.recordings.clearAnswers();
				this.recordings.clearRequests();
				this.rateLimit = null;
				this.log = [];
				this.seq = 0;
				this.peakInFlight = this.inFlight;
				this.connections = 0;
			},
			conversations: (acct = 'A'): ConversationDetail[] => {
				const items = store.conversationsOf(acct);
				const out: ConversationDetail[] = new Array(items.length);
				for (let i = 0; i < items.length; i++) out[i] = items[items.length - 1 - i].detail;
				return out;
			},
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
		const sub = path.slice(CONTROL_PREFIX.length) || '/';
		const readJson = async (): Promise<Record<string, unknown>> => {
			const text = await readBody(req);
			if (text === undefined) throw new SandboxError(413, 'Request body too large');
			if (text.trim() === '') return {};
			const parsed = parseBody(text);
			if (!parsed.ok || !isPlainObject(parsed.value))
				throw new SandboxError(422, 'Body must be a JSON object');
			return parsed.value;
		};
		const routes: Record<string, Record<string, () => Promise<Reply>>> = {
			'/': {
				GET: async () =>
					reply(200, {
						controls: [
							'POST /__sandbox/latency {"ms"}',
							'POST /__sandbox/faults {"status","retryAfter","count","drop","path"}',
							'DELETE /__sandbox/faults',
							'POST /__sandbox/failing-conversations {"id","status"}',
							'GET|DELETE /__sandbox/failing-conversations',
							'POST /__sandbox/script {"path","method","status","headers","body","count"}',
							'POST /__sandbox/redirect {"path","method","location","status","count"}',
							'DELETE /__sandbox/script',
							'POST /__sandbox/rate-limit {"maxInFlight","retryAfter"}',
							'POST /__sandbox/conversations {"account","count","agent_id","channel","started_at","same_second"}',
							'GET|DELETE /__sandbox/requests',
							'POST /__sandbox/recording-answers {"id","answer","status","location","bytes","declareLength","chunkBytes","everyMs","count"}',
							'GET|DELETE /__sandbox/recording-answers',
							'GET|DELETE /__sandbox/recording-requests',
							'POST /__sandbox/reset',
							'GET /__sandbox/keys',
						],
					}),
			},
			'/latency': {
				POST: async () => {
					const body = await readJson();
					this.latencyMs = validate(latencySchema, body).ms;
					return reply(200, { ms: this.latencyMs });
				},
			},
			'/faults': {
				POST: async () => {
					c.injectFaults((await readJson()) as unknown as FaultSpec);
					return reply(200, {
						queued: this.faults.map((f) => ({ ...f.spec, remaining: f.remaining })),
					});
				},
				DELETE: async () => {
					c.clearFaults();
					return reply(200, { queued: [] });
				},
			},
			'/failing-conversations': {
				POST: async () => {
					c.failConversation((await readJson()) as unknown as FailingConversationSpec);
					return reply(200, { failing: c.failingConversations() });
				},
				GET: async () => reply(200, { failing: c.failingConversations() }),
				DELETE: async () => {
					c.clearFailingConversations();
					return reply(200, { failing: {} });
				},
			},
			'/script': {
				POST: async () => {
					c.scriptResponse((await readJson()) as unknown as ScriptedResponse);
					return reply(200, { queued: this.scripted.pending });
				},
				DELETE: async () => {
					c.clearScripted();
					return reply(200, { queued: [] });
				},
			},
			'/redirect': {
				POST: async () => {
					c.redirect((await readJson()) as unknown as RedirectSpec);
					return reply(200, { queued: this.scripted.pending });
				},
			},
			'/rate-limit': {
				POST: async () => {
					c.setRateLimit((await readJson()) as unknown as RateLimitSpec);
					return reply(200, { rateLimit: this.rateLimit });
				},
			},
			'/conversations': {
				POST: async () => {
					const body = validate(addConversationsSchema, await readJson());
					const created = this.store.addConversations({
						account: body.account,
						count: body.count,
						agentId: body.agent_id,
						channel: body.channel,
						startedAt: body.started_at,
						sameSecond: body.same_second,
					});
					return reply(200, { conversations: created.map((x) => x.detail) });
				},
			},
			'/requests': {
				GET: async () => {
					const { log, peakInFlight, connections } = c.requests();
					return reply(200, { requests: log, peak_in_flight: peakInFlight, connections });
				},
				DELETE: async () => {
					c.clearRequests();
					return reply(200, {
						requests: [],
						peak_in_flight: this.peakInFlight,
						connections: this.connections,
					});
				},
			},
			'/recording-answers': {
				POST: async () => {
					c.recordingAnswer((await readJson()) as unknown as RecordingAnswerSpec);
					return reply(200, { queued: this.recordings.pendingAnswers });
				},
				GET: async () => reply(200, { queued: this.recordings.pendingAnswers }),
				DELETE: async () => {
					c.clearRecordingAnswers();
					return reply(200, { queued: [] });
				},
			},
			'/recording-requests': {
				GET: async () => reply(200, { requests: c.recordingRequests() }),
				DELETE: async () => {
					c.clearRecordingRequests();
					return reply(200, { requests: [] });
				},
			},
			'/reset': {
				POST: async () => {
					c.reset();
					return reply(200, { reset: true });
				},
			},
			'/keys': {
				GET: async () =>
					reply(200, { keys: this.keys, agents: { A: this.agentIds('A'), B: this.agentIds('B') } }),
			},
		};
		const route = routes[sub];
		if (!route) return this.sendNow(res, error(404, 'Unknown sandbox control'));
		const op = route[method];
		if (!op)
			return this.sendNow(
				res,
				error(405, 'Method Not Allowed', { Allow: Object.keys(route).join(', ') }),
			);
		this.sendNow(res, await op());
	}

	agentIds(account: AccountName): number[] {
		return this.store.agentsOf(account).map((a) => a.id);
	}
}

function stripUndefined<T extends object>(o: T): Record<string, unknown> {
	return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
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

const LLMS_TXT = `# RingReady (sandbox)

> AI receptionists that answer a business's phone calls and website chats.

- Developer API: ${API_PREFIX}/openapi.json (OpenAPI 3.1). Authorization: Bearer rr_live_...
- Endpoints: GET ${API_PREFIX}/whoami, GET ${API_PREFIX}/conversations, GET ${API_PREFIX}/conversations/{id},
  GET ${API_PREFIX}/agents, GET ${API_PREFIX}/agents/{id}, PATCH ${API_PREFIX}/agents/{id}
`;

export { keyPrefix };
