/**
 * The sandbox's state and the API's operations on it, without HTTP: keys, agents, conversations,
 * listing with filters and the id cursor, PATCH, and the "add conversations now" control.
 */
import { Prng } from '../../tools/prng';
import type { RecordingOrigins } from './recordings';
import type { AgentPatch, ListQuery } from './schemas';
import { PAGE_LIMIT } from './schemas';
import {
	ACCOUNTS,
	copyAgent,
	faqFromEntries,
	generateSeed,
	hashKey,
	makeConversation,
	type KeyRecord,
	type SeedData,
	type StoredConversation,
} from './seed';
import { formatTimestamp, parseIsoTimestamp, toSecond } from './time';
import {
	AgentSummary,
	type AccountName,
	type AddConversationsOptions,
	type AgentDetail,
	type AgentUpdateResult,
	type Channel,
	type WhoAmI,
} from './types';

export class SandboxError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

interface AgentEntry {
	account: AccountName;
	kind: SeedData['agents'][number]['seed']['kind'];
	detail: AgentDetail;
}

/** Index of the first element with id >= target (array ascending by id). */
function lowerBound(items: StoredConversation[], target: number): number {
	let lo = 0;
	let hi = items.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (items[mid].id < target) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export class Store {
	private seedData!: SeedData;
	private keysByHash = new Map<string, KeyRecord>();
	private agentsById = new Map<number, AgentEntry>();
	private conversationsByAccount: Record<AccountName, StoredConversation[]> = { A: [], B: [] };
	private nextId = 1;
	private runtimeRng!: Prng;
	private roundRobin: Record<AccountName, number> = { A: 0, B: 0 };

	constructor(
		readonly seed: number,
		counts: Partial<Record<AccountName, number>>,
		readonly origins: RecordingOrigins,
	) {
		this.seedData = generateSeed(seed, counts, origins);
		this.reset();
	}

	get keys() {
		return this.seedData.keys;
	}

	/** Back to the seeded state. Seeded conversations are immutable and shared; agents are copied. */
	reset(): void {
		const data = this.seedData;
		this.keysByHash = new Map(data.keyRecords.map((k) => [k.hash, k]));
		this.agentsById = new Map(
			data.agents.map((a) => [
				a.detail.id,
				{ account: a.account, kind: a.seed.kind, detail: copyAgent(a.detail) },
			]),
		);
		this.conversationsByAccount = {
			A: data.conversations.A.slice(),
			B: data.conversations.B.slice(),
		};
		this.nextId = data.nextId;
		this.runtimeRng = new Prng(this.seed, 3);
		this.roundRobin = { A: 0, B: 0 };
	}

	/** The key's record, or why it is refused (the 401 detail). */
	authenticate(token: string): KeyRecord | string {
		const key = this.keysByHash.get(hashKey(token));
		if (!key) return 'Invalid API key';
		return key.revoked ? 'This API key has been revoked' : key;
	}

	whoami(key: KeyRecord): WhoAmI {
		const { user_id, email } = ACCOUNTS[key.account];
		return {
			user_id,
			email,
			auth_method: 'api_key',
			api_key_prefix: key.prefix,
			scopes: key.scopes,
		};
	}

	/** Newest (highest id) first; `next_before_id` is non-null exactly when another match exists. */
	list(account: AccountName, query: ListQuery) {
		const items = this.conversationsByAccount[account];
		const limit = query.limit ?? PAGE_LIMIT.default;
		const { channel, agent_id: agentId, since, before_id: beforeId } = query;
		const matches = (c: StoredConversation) =>
			(channel === undefined || c.channel === channel) &&
			(agentId === undefined || c.agentId === agentId) &&
			(since === undefined || c.startedMs >= since);
		const start = (beforeId === undefined ? items.length : lowerBound(items, beforeId)) - 1;
		const page: StoredConversation[] = [];
		let i = start;
		for (; i >= 0 && page.length < limit; i--) {
			if (matches(items[i])) page.push(items[i]);
		}
		let more = false;
		while (page.length === limit && i >= 0 && !more) more = matches(items[i--]);
		return { items: page, next_before_id: more ? page[page.length - 1].id : null, limit };
	}

	conversation(account: AccountName, id: number): StoredConversation | undefined {
		const items = this.conversationsByAccount[account];
		const i = lowerBound(items, id);
		return i < items.length && items[i].id === id ? items[i] : undefined;
	}

	/** Ascending id (the stored order). */
	conversationsOf(account: AccountName): readonly StoredConversation[] {
		return this.conversationsByAccount[account];
	}

	addConversations(o: AddConversationsOptions): StoredConversation[] {
		const account = o.account ?? 'A';
		const candidates = [...this.agentsById.values()].filter((a) => a.account === account);
		let fixed: AgentEntry | undefined;
		if (o.agentId !== undefined) {
			fixed = candidates.find((a) => a.detail.id === o.agentId);
			if (!fixed)
				throw new SandboxError(422, `agent_id ${o.agentId} is not an agent of account ${account}`);
		}
		const rotation = candidates.filter((a) => !a.detail.is_suspended);
		// Validated by the control (addConversationsSchema).
		const anchor = toSecond(
			o.startedAt === undefined ? Date.now() : parseIsoTimestamp(o.startedAt)!,
		);
		const created: StoredConversation[] = [];
		for (let i = 0; i < o.count; i++) {
			const agent = fixed ?? rotation[this.roundRobin[account]++ % rotation.length];
			const startedMs = o.sameSecond ? anchor : anchor - (o.count - 1 - i) * 1000;
			const stored = makeConversation(this.runtimeRng, {
				id: this.nextId++,
				account,
				agent: agent.detail,
				kind: agent.kind,
				channel: o.channel as Channel | undefined,
				startedMs,
				age: 0,
				origins: this.origins,
			});
			this.conversationsByAccount[account].push(stored);
			if (o.live)
				this.overwrite(account, stored.id, {
					ended_at: null,
					duration_seconds: null,
					end_reason: null,
				});
			created.push(stored);
		}
		return created;
	}

	endConversation(account: AccountName, id: number): StoredConversation {
		const stored = this.conversation(account, id);
		if (!stored) throw new SandboxError(404, 'Conversation not found');
		const endedMs = Math.max(toSecond(Date.now()), stored.startedMs);
		this.overwrite(account, id, {
			ended_at: formatTimestamp(endedMs),
			duration_seconds: Math.round((endedMs - stored.startedMs) / 1000),
			end_reason: 'visitor_ended',
		});
		return stored;
	}

	overwrite(account: AccountName, id: number, fields: Record<string, unknown>): void {
		const stored = this.conversation(account, id);
		if (!stored) throw new SandboxError(404, 'Conversation not found');
		for (const [field, value] of Object.entries(fields)) {
			(stored.detail as unknown as Record<string, unknown>)[field] = value;
			if (field !== 'transcript' && field !== 'recording_url')
				(stored.summary as unknown as Record<string, unknown>)[field] = value;
		}
		stored.detailJson = undefined;
		stored.summaryJson = undefined;
	}

	agentsOf(account: AccountName): AgentDetail[] {
		return [...this.agentsById.values()]
			.filter((a) => a.account === account)
			.map((a) => a.detail)
			.sort((a, b) => a.id - b.id);
	}

	/** The listed fields, in the listed order (zod keeps the schema's keys only). */
	agentSummaries(account: AccountName): AgentSummary[] {
		return this.agentsOf(account).map((a) => AgentSummary.parse(a));
	}

	/** The live object (callers copy it before handing it out). */
	agent(id: number, account?: AccountName): AgentDetail | undefined {
		const entry = this.agentsById.get(id);
		if (!entry || (account !== undefined && entry.account !== account)) return undefined;
		return entry.detail;
	}

	/** Applies a validated PATCH; `order` is the body's keys in the order sent. */
	patchAgent(
		account: AccountName,
		id: number,
		patch: AgentPatch,
		order: string[],
	): AgentUpdateResult {
		const agent = this.agent(id, account);
		if (!agent) throw new SandboxError(404, 'Agent not found');
		const { faq, ...text } = patch;
		for (const [field, value] of Object.entries(text)) {
			if (value !== undefined) (agent as unknown as Record<string, unknown>)[field] = value;
		}
		if (faq !== undefined) agent.faq = faqFromEntries(faq);
		return { id, updated: order as AgentUpdateResult['updated'] };
	}
}
