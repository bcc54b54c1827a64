/**
 * Every request of one poll, within the time n8n gives it: the only module that talks to the
 * transport (nodes/RingReady/transport).
 */
import type { IDataObject, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resolveBaseUrl } from '../../credentials/RingReadyApi.credentials';
import type {
	ConversationDetail,
	ConversationQuery,
	ConversationSummary,
} from '../RingReady/shared/contract';
import { CONVERSATION_PAGE_SIZE } from '../RingReady/shared/contract';
import { RETRY_POLICY } from '../RingReady/transport';
import { getAccount } from '../RingReady/transport/account';
import {
	fetchConversationDetails,
	getConversation,
	getConversationPage,
} from '../RingReady/transport/conversations';
import { RequestSession } from '../RingReady/transport/session';
import { TRANSCRIPT_ATTEMPTS, parseHttpDate } from './cursor';
import type { ListedPart, ListingPlan } from './cursor';

/** Shares of the poll's time after which no list page (the listing resumes) or transcript starts. */
const BUDGET_SHARE = { list: 0.4, detail: 0.6 };
/** Share of the poll interval a poll works in, so that the next tick finds it done. */
const INTERVAL_SHARE = 0.8;
const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000 };

export interface FetchedDetails {
	/** The in-order prefix to emit: details, or summaries with an `error` for transcripts given up on. */
	items: IDataObject[];
	/** Transcripts that failed on this poll for a reason of their own (they count towards giving up). */
	failed: Array<{ id: number; error: unknown }>;
	/** The first transcript that failed for a reason that is not its own (RingReady busy or unreachable). */
	deferred?: { id: number; error: unknown };
}

/** One poll's requests: one session (one throttle, one read of the credential) and one time budget. */
export class PollFetch {
	private readonly session: RequestSession;

	/** Epoch ms (host clock: timing only, never the cursor); all undefined without n8n's budget. */
	readonly budget: {
		ms?: number;
		requestsBy?: number;
		pagesStartBy?: number;
		transcriptsStartBy?: number;
		/** The transport starts no request with less than minRequestMs left. */
		lastStart?: number;
	} = {};

	/** RingReady's clock: the newest `Date` header of the listing's responses. */
	serverNowMs?: number;

	constructor(
		private readonly context: IPollFunctions,
		budgeted: boolean,
	) {
		this.session = new RequestSession(context);
		const ms = budgeted ? pollBudgetMs(context) : undefined;
		if (ms === undefined) return;
		const start = Date.now();
		const lastStart = start + ms - RETRY_POLICY.minRequestMs;
		this.budget = {
			ms,
			requestsBy: start + ms,
			pagesStartBy: Math.min(start + ms * BUDGET_SHARE.list, lastStart),
			transcriptsStartBy: Math.min(start + ms * BUDGET_SHARE.detail, lastStart),
			lastStart,
		};
	}

	/** The credential's origin and key, read once for the whole poll. */
	async credential(): Promise<{ origin: string; apiKey: string }> {
		const data = (await this.session.credentials()).data ?? {};
		try {
			return { origin: resolveBaseUrl(data.baseUrl), apiKey: String(data.apiKey ?? '') };
		} catch (error) {
			throw new NodeOperationError(this.context.getNode(), (error as Error).message, {
				description: 'Fix the Base URL in the RingReady API credential.',
			});
		}
	}

	/** The RingReady user id of the key's owner (GET /whoami). */
	async userId(): Promise<unknown> {
		const context = { session: this.session, deadline: this.budget.requestsBy };
		return (await getAccount.call(this.context, undefined, context)).user_id;
	}

	async detail(id: number): Promise<ConversationDetail> {
		return await getConversation.call(this.context, id, { session: this.session });
	}

	/**
	 * Lists `plan` newest first until its end, its floor, `max` conversations, or the time for list
	 * pages (at least one page; `whole`: every page). A page cut off by the poll's deadline fails
	 * the poll, saying so.
	 */
	async listPart(
		query: ConversationQuery,
		plan: ListingPlan,
		options: { max?: number; whole?: boolean } = {},
	): Promise<ListedPart> {
		const { requestsBy } = this.budget;
		const pagesStartBy = options.whole ? undefined : this.budget.pagesStartBy;
		const max = options.max ?? Number.POSITIVE_INFINITY;
		const onResponse = (headers: Record<string, string | string[] | undefined>) => {
			const date = parseHttpDate(headers.date);
			if (date !== undefined) this.serverNowMs = Math.max(this.serverNowMs ?? date, date);
		};
		const conversations: ConversationSummary[] = [];
		const ids = new Set<number>();
		const stops: number[] = [];
		let beforeId = plan.beforeId;
		for (let pages = 0; ; ) {
			if (pages > 0 && pagesStartBy !== undefined && Date.now() >= pagesStartBy)
				return { conversations, stops, pages, reachedEnd: false };
			const qs = {
				...query,
				...(plan.since === undefined ? {} : { since: plan.since }),
				before_id: beforeId,
				limit: Math.min(CONVERSATION_PAGE_SIZE.max, max - conversations.length),
			};
			const request = { session: this.session, deadline: requestsBy, onResponse, first: true };
			const page = await getConversationPage.call(this.context, qs, request).catch((error) => {
				// A request cut off by the poll's deadline reports a timeout; say what really happened.
				throw requestsBy !== undefined && Date.now() >= requestsBy
					? this.outOfTime(pages, error)
					: error;
			});
			pages++;
			for (const conversation of page.conversations) {
				if (ids.has(conversation.id) || (plan.floor !== null && conversation.id < plan.floor))
					continue;
				ids.add(conversation.id);
				conversations.push(conversation);
			}
			const next = page.next_before_id;
			if (
				next === null ||
				conversations.length >= max ||
				(plan.floor !== null && next <= plan.floor)
			)
				return { conversations, stops, pages, reachedEnd: true };
			if (beforeId !== undefined && next >= beforeId) {
				throw new NodeApiError(this.context.getNode(), { next_before_id: next } as JsonObject, {
					message: 'RingReady returned a pagination cursor that does not move forward',
					description: `The cursor stayed at ${beforeId} or went back (${next}). Stopped to avoid looping; try again, and contact RingReady support if it persists.`,
				});
			}
			stops.push(next);
			beforeId = next;
		}
	}

	/**
	 * The detail of each conversation, started in order, none after the time for transcripts but
	 * the first: the longest run from the start that could be fetched, for the caller to emit. A
	 * conversation that `givesUp` on is emitted without its transcript (an `error` field) if it
	 * fails for a reason of its own; any other failure, or the time running out, leaves it and the
	 * ones after it to the next poll.
	 */
	async details(
		conversations: ConversationSummary[],
		options: {
			shape: (detail: ConversationDetail) => IDataObject;
			givesUp: (id: number) => boolean;
		},
	): Promise<FetchedDetails> {
		const result: FetchedDetails = { items: [], failed: [] };
		const deferred = new Set<number>();
		const { lastStart } = this.budget;
		const timeIsUp = () => lastStart !== undefined && Date.now() >= lastStart;
		const outcomes = await fetchConversationDetails.call(this.context, [conversations], {
			session: this.session,
			deadline: this.budget.requestsBy,
			startBy: this.budget.transcriptsStartBy,
			stopAfter: ({ summary, error }) => {
				if (timeIsUp() || !failureOfItsOwn(error)) {
					deferred.add(summary.id);
					if (!timeIsUp()) result.deferred ??= { id: summary.id, error };
					return true;
				}
				result.failed.push({ id: summary.id, error });
				return !options.givesUp(summary.id);
			},
		});
		for (const outcome of outcomes) {
			if (!outcome || deferred.has(outcome.summary.id)) break;
			const { summary, detail, error } = outcome;
			if (detail) result.items.push(options.shape(detail));
			else if (options.givesUp(summary.id))
				result.items.push({ ...summary, error: transcriptGivenUp(error) });
			else break;
		}
		return result;
	}

	private outOfTime(pages: number, cause: unknown): NodeOperationError {
		const seconds = Math.round((this.budget.ms ?? 0) / 1000);
		const error = new NodeOperationError(
			this.context.getNode(),
			`RingReady Trigger ran out of n8n's poll time (${seconds} s) while listing new conversations (${pages} page${pages === 1 ? '' : 's'} listed)`,
			{
				description:
					"RingReady answered too slowly to list even one page in time. If this keeps happening, check RingReady's status.",
			},
		);
		(error as { cause?: unknown }).cause = cause;
		return error;
	}
}

/**
 * n8n's budget for this poll (getPollBudgetMs, n8n 2.38+), at most 80 % of the shortest Poll
 * Times interval that repeats within the hour; undefined on older n8n.
 */
function pollBudgetMs(context: IPollFunctions): number | undefined {
	const getBudget = (context as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	const budgetMs = typeof getBudget === 'function' ? Number(getBudget.call(context)) : NaN;
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) return undefined;
	let pollTimes: { item?: Array<{ mode?: string; value?: unknown; unit?: string }> } | undefined;
	try {
		pollTimes = context.getNodeParameter('pollTimes', {}) as typeof pollTimes;
	} catch {
		// No Poll Times: the budget alone.
	}
	const intervals = (pollTimes?.item ?? [])
		.map(({ mode, value, unit }) =>
			mode === 'everyMinute'
				? 60_000
				: mode === 'everyX'
					? Number(value) * (UNIT_MS[unit ?? ''] ?? NaN)
					: NaN,
		)
		.filter((ms) => Number.isFinite(ms) && ms >= 60_000);
	return intervals.length === 0
		? budgetMs
		: Math.min(budgetMs, Math.min(...intervals) * INTERVAL_SHARE);
}

/**
 * Whether a transcript request failed because of that conversation (gone, not servable, or
 * unreadable) rather than because RingReady was busy, unavailable, unreachable, or refused the
 * key: those hit every request and say nothing about the conversation.
 */
function failureOfItsOwn(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (Number.isInteger(status) && status >= 400)
		return ![401, 403, 408, ...RETRY_POLICY.retryableStatuses].includes(status as never);
	return Boolean((error.errorResponse as { unexpectedResponse?: unknown })?.unexpectedResponse);
}

export function transcriptGivenUp(error: unknown): string {
	return `The transcript could not be fetched on ${TRANSCRIPT_ATTEMPTS} polls in a row, so this conversation is emitted without it: ${reasonOf(error)}`;
}

export function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
