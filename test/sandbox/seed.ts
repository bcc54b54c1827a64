/**
 * Deterministic data: same seed and counts → the same keys, conversations and ids.
 *
 * Conversation ids are global and follow creation, i.e. the moment a conversation became visible
 * (processing finishes some seconds after it ended). A few are "processed late" (hours after they
 * ended), so their id is higher than conversations that started after them; a few groups share one
 * `started_at` second.
 */
import { createHash } from 'crypto';

import {
	ACCOUNTS,
	AGENT_SEEDS,
	AREA_CODES,
	DAYS,
	END_REASONS,
	FIRST_NAMES,
	LAST_NAMES,
	ORIGIN_PATHS,
	STREETS,
	TIMES,
	WEB_GREETING,
	scenariosFor,
	type AgentSeed,
	type Scenario,
} from './content';
import { Prng } from '../../tools/prng';
import { recordingUrl, type RecordingOrigins } from './recordings';
import { formatTimestamp, toSecond } from './time';
import type {
	AccountName,
	AgentDetail,
	Channel,
	ConversationDetail,
	ConversationSummary,
	DemoKeys,
	Scope,
	TranscriptTurn,
} from './types';

export const DEFAULT_SEED = 1;
export const DEFAULT_COUNTS: Record<AccountName, number> = { A: 320, B: 40 };

const DAY_MS = 86_400_000;
/** Seeded conversations happen during the SPAN_DAYS before the base time. */
const SPAN_DAYS = 60;

/** The base time: 2026-06-10T12:00:00Z moved by up to 12 h by the seed. Seeded data is all before it. */
export function baseTimeFor(seed: number): number {
	return Date.UTC(2026, 5, 10, 12, 0, 0) + (Math.abs(Math.floor(seed)) % 720) * 60_000;
}

export function hashKey(key: string): string {
	return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What the service shows of a key: `rr_live_` and four more characters. */
export function keyPrefix(key: string): string {
	return key.slice(0, 12);
}

export interface KeyRecord {
	/** sha256 of the full key: the only form stored. */
	hash: string;
	prefix: string;
	account: AccountName;
	scopes: Scope[];
	revoked: boolean;
}

/** A stored conversation: the API objects plus what the server needs to filter fast. */
export interface StoredConversation {
	id: number;
	account: AccountName;
	agentId: number;
	channel: Channel;
	startedMs: number;
	detail: ConversationDetail;
	summary: ConversationSummary;
	/** Serialized forms, filled on first use (cleared when a control changes the conversation). */
	summaryJson?: string;
	detailJson?: string;
}

export interface SeedData {
	keys: DemoKeys;
	keyRecords: KeyRecord[];
	/** Fresh copies each call to generateSeed; AgentDetail.faq has a null prototype. */
	agents: Array<{
		account: AccountName;
		seed: Pick<AgentSeed, 'kind' | 'weight' | 'activeUntil'>;
		detail: AgentDetail;
	}>;
	/** Per account, ascending id. */
	conversations: Record<AccountName, StoredConversation[]>;
	nextId: number;
}

export function faqFromEntries(entries: Iterable<[string, string]>): Record<string, string> {
	// A null-prototype object has no `__proto__` setter: every question is an ordinary own property.
	const faq = Object.create(null) as Record<string, string>;
	for (const [question, answer] of entries) faq[question] = answer;
	return faq;
}

export function copyAgent(agent: AgentDetail): AgentDetail {
	return {
		...agent,
		faq: faqFromEntries(Object.entries(agent.faq)),
		appointment_booking: { ...agent.appointment_booking },
		features: { ...agent.features },
	};
}

/** The demo keys in the order they are drawn: name, account, scopes, revoked. */
const DEMO_KEYS: Array<[keyof DemoKeys, AccountName, Scope[], boolean?]> = [
	['readWrite', 'A', ['read', 'write']],
	['readOnly', 'A', ['read']],
	['writeOnly', 'A', ['write']],
	['revoked', 'A', ['read', 'write'], true],
	['otherAccount', 'B', ['read', 'write']],
];

/** Keys with distinct prefixes (the prefix is what the API shows of a key). */
function makeKeys(seed: number): { keys: DemoKeys; records: KeyRecord[] } {
	const rng = new Prng(seed, 1);
	const keys = {} as DemoKeys;
	const records = DEMO_KEYS.map(([name, account, scopes, revoked = false]) => {
		let key: string;
		do key = `rr_live_${rng.hex(32)}`;
		while (Object.values(keys).some((k) => keyPrefix(k) === keyPrefix(key)));
		keys[name] = key;
		return { hash: hashKey(key), prefix: keyPrefix(key), account, scopes, revoked };
	});
	return { keys, records };
}

/** The template with each {name} replaced by its value (unknown names are kept). */
const fill = (template: string, vars: Record<string, string>) =>
	template.replace(/\{(\w+)\}/g, (placeholder, name: string) => vars[name] ?? placeholder);

/** The scenarios that can happen for this business on this channel (or on any channel the agent has). */
function candidatesFor(kind: AgentSeed['kind'], channel: Channel | undefined, webChat: boolean) {
	return scenariosFor(kind).filter((s) => {
		const channels = s.channels ?? ['phone', 'web_chat'];
		if (channel) return channels.includes(channel);
		return channels.includes('phone') || (webChat && channels.includes('web_chat'));
	});
}

export interface ConversationSpec {
	id: number;
	account: AccountName;
	agent: AgentDetail;
	kind: AgentSeed['kind'];
	channel?: Channel;
	startedMs: number;
	/** 0..1: how "old" (for is_viewed / is_archived); 0 = just created (unviewed). */
	age: number;
	/** Where recording_url points (the running sandbox's two origins). */
	origins: RecordingOrigins;
}

/** One realistic conversation (detail and list forms) from the PRNG. */
export function makeConversation(rng: Prng, spec: ConversationSpec): StoredConversation {
	const { agent } = spec;
	const webChatAllowed = agent.features.web_chat_enabled;
	const scenario: Scenario = rng.weighted(
		candidatesFor(spec.kind, spec.channel, webChatAllowed),
		(s) => s.weight,
	);
	let channel: Channel;
	if (spec.channel) channel = spec.channel;
	else {
		const channels = (scenario.channels ?? ['phone', 'web_chat']).filter(
			(c) => c === 'phone' || webChatAllowed,
		);
		channel = channels.length > 1 ? (rng.chance(0.62) ? 'phone' : 'web_chat') : channels[0];
	}
	const isPhone = channel === 'phone';

	const first = rng.pick(FIRST_NAMES);
	const last = rng.pick(LAST_NAMES);
	const vars: Record<string, string> = {
		agent: agent.agent_name,
		business: agent.business_name,
		caller: first,
		full: `${first} ${last}`,
		day: rng.pick(DAYS),
		time: rng.pick(TIMES),
		address: `${rng.int(12, 9850)} ${rng.pick(STREETS)}`,
	};
	for (const [name, options] of Object.entries(scenario.vars ?? {})) vars[name] = rng.pick(options);

	const duration = rng.int(scenario.duration[0], scenario.duration[1]);
	// The greeting, then the scenario's turns (none for a silent call).
	const turnCount = scenario.silent ? 0 : scenario.turns.length + 1;
	const transcript: TranscriptTurn[] = new Array(turnCount);
	const share = (duration - 2) / Math.max(turnCount, 1);
	let elapsed = 0;
	for (let i = 0; i < turnCount; i++) {
		elapsed =
			i === 0
				? 0.4 + rng.int(0, 10) / 10
				: Math.min(duration - 0.5, elapsed + Math.max(0.8, share * (0.6 + rng.next() * 0.8)));
		const [role, text] =
			i === 0
				? (['agent', isPhone ? agent.greeting_message : WEB_GREETING] as const)
				: scenario.turns[i - 1];
		transcript[i] = { role, content: fill(text, vars), elapsed_s: Math.round(elapsed * 10) / 10 };
	}

	let summary = fill(scenario.summary, vars);
	if (!isPhone)
		summary = summary.replace(/\bCaller\b/g, 'Visitor').replace(/\bcaller\b/g, 'visitor');
	const named = !scenario.anonymous && rng.chance(isPhone ? 0.8 : 0.6);
	const startedAt = formatTimestamp(spec.startedMs);
	const endedAt = formatTimestamp(spec.startedMs + duration * 1000);
	const endReasons = scenario.endReasons?.[channel] ?? END_REASONS[channel];
	const isViewed = spec.age > 0 && rng.chance(spec.age > 0.1 ? 0.9 : 0.3);
	const isArchived = spec.age > 0.3 && rng.chance(0.1);

	let webChat: ConversationDetail['web_chat'] = null;
	if (!isPhone) {
		webChat = {
			device_type: rng.weighted(['desktop', 'mobile', 'tablet'] as const, (d) =>
				d === 'tablet' ? 1 : 4,
			),
			origin_url: `${agent.business_website}${rng.pick(ORIGIN_PATHS)}`,
			visitor_ip: `${rng.pick(['203.0.113', '198.51.100', '192.0.2'])}.${rng.int(1, 254)}`,
		};
	}
	const fromNumber = isPhone
		? `+1${rng.pick(AREA_CODES)}555${String(rng.int(100, 199)).padStart(4, '0')}`
		: null;

	const detail: ConversationDetail = {
		id: spec.id,
		channel,
		agent_id: agent.id,
		from: fromNumber,
		to: isPhone ? agent.phone_number : null,
		caller_name: named ? (isPhone ? vars.full : vars.caller) : null,
		label: scenario.label,
		summary,
		started_at: startedAt,
		ended_at: endedAt,
		duration_seconds: duration,
		end_reason: rng.pick(endReasons),
		is_archived: isArchived,
		is_viewed: isViewed,
		web_chat: webChat,
		transcript,
		// From the id alone (no PRNG draw), so the rest of the data is the same whatever the origins.
		recording_url: isPhone && !scenario.silent ? recordingUrl(spec.origins, spec.id) : null,
	};
	const { transcript: _, recording_url: __, ...listed } = detail;
	const listItem: ConversationSummary = {
		...listed,
		web_chat: webChat && { device_type: webChat.device_type, origin_url: webChat.origin_url },
	};
	return {
		id: spec.id,
		account: spec.account,
		agentId: agent.id,
		channel,
		startedMs: toSecond(spec.startedMs),
		detail,
		summary: listItem,
	};
}

interface Draft {
	account: AccountName;
	index: number;
	agent: AgentDetail;
	kind: AgentSeed['kind'];
	startedMs: number;
	visibleMs: number;
}

/** Hours of the day calls come in (UTC, weighted toward business hours; plumbers also get night calls). */
function pickHour(rng: Prng, kind: AgentSeed['kind']): number {
	if (kind === 'plumbing' && rng.chance(0.12)) return rng.pick([0, 1, 2, 3, 4, 5, 22, 23]);
	return rng.weighted([13, 14, 15, 16, 17, 18, 19, 20, 21, 22], (h) =>
		h >= 15 && h <= 20 ? 3 : 1,
	);
}

function draftsFor(
	rng: Prng,
	account: AccountName,
	count: number,
	agents: SeedData['agents'],
	baseMs: number,
): Draft[] {
	const mine = agents.filter((a) => a.account === account);
	const spanStart = baseMs - SPAN_DAYS * DAY_MS;
	const drafts: Draft[] = [];
	for (let i = 0; i < count; i++) {
		let startedMs = 0;
		let chosen = mine[0];
		for (let attempt = 0; attempt < 20; attempt++) {
			chosen = rng.weighted(mine, (a) => a.seed.weight);
			const day = rng.int(0, SPAN_DAYS - 1);
			startedMs =
				spanStart +
				day * DAY_MS +
				pickHour(rng, chosen.seed.kind) * 3_600_000 +
				rng.int(0, 3599) * 1000;
			const activeUntil = chosen.seed.activeUntil ?? 1;
			if (startedMs <= spanStart + activeUntil * SPAN_DAYS * DAY_MS && startedMs < baseMs - 600_000)
				break;
		}
		startedMs = Math.min(startedMs, baseMs - 600_000);
		drafts.push({
			account,
			index: i,
			agent: chosen.detail,
			kind: chosen.seed.kind,
			startedMs,
			visibleMs: 0,
		});
	}
	drafts.sort((a, b) => a.startedMs - b.startedMs || a.index - b.index);

	// Groups that share one started_at second: a conversation and the 1–3 that follow it.
	const groups = Math.max(count >= 6 ? 2 : 0, Math.round(count / 60));
	for (let g = 0; g < groups; g++) {
		const anchor = Math.floor(((g + 0.5) * count) / groups);
		const size = 1 + (g % 3);
		for (let k = 1; k <= size && anchor + k < count; k++)
			drafts[anchor + k].startedMs = drafts[anchor].startedMs;
	}
	drafts.sort((a, b) => a.startedMs - b.startedMs || a.index - b.index);
	return drafts;
}

export function generateSeed(
	seed: number,
	counts: Partial<Record<AccountName, number>>,
	origins: RecordingOrigins,
): SeedData {
	const baseMs = baseTimeFor(seed);
	const { keys, records } = makeKeys(seed);
	const agents = AGENT_SEEDS.map(({ account, kind, weight, activeUntil, ...agent }) => ({
		account,
		seed: { kind, weight, activeUntil },
		detail: copyAgent({ ...agent, faq: faqFromEntries(agent.faq) }),
	}));

	const rng = new Prng(seed, 2);
	const all: Draft[] = [];
	for (const account of ['A', 'B'] as const) {
		const count = Math.max(0, Math.floor(counts[account] ?? DEFAULT_COUNTS[account]));
		const drafts = draftsFor(rng, account, count, agents, baseMs);
		// Processing takes seconds after the end; every 40th (from the 5th) takes hours: processed late.
		// Durations are at most 15 minutes, so visibility is estimated from started_at + 15 min.
		for (let i = 0; i < drafts.length; i++) {
			const normal = drafts[i].startedMs + 900_000 + rng.int(5, 120) * 1000;
			drafts[i].visibleMs = normal;
			if (i % 40 === 5 && i + 3 < drafts.length) {
				drafts[i].visibleMs =
					Math.max(normal, drafts[i + 3].startedMs + 900_000 + 3_600_000) +
					rng.int(0, 4) * 3_600_000;
			}
		}
		all.push(...drafts);
	}
	all.sort(
		(a, b) =>
			a.visibleMs - b.visibleMs ||
			a.startedMs - b.startedMs ||
			(a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
			a.index - b.index,
	);

	const conversations: Record<AccountName, StoredConversation[]> = { A: [], B: [] };
	let id = 1;
	for (const draft of all) {
		const age = (baseMs - draft.startedMs) / (SPAN_DAYS * DAY_MS);
		const stored = makeConversation(rng, {
			id: id++,
			account: draft.account,
			agent: draft.agent,
			kind: draft.kind,
			startedMs: draft.startedMs,
			age,
			origins,
		});
		conversations[draft.account].push(stored);
	}
	return { keys, keyRecords: records, agents, conversations, nextId: id };
}

export { ACCOUNTS };
