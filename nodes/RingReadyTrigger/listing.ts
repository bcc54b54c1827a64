/**
 * The trigger's requests within n8n's poll time: one poll's part of the listing (see scan.ts), and
 * the time budget it works in.
 */
import type { IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';
import { CONVERSATION_PAGE_SIZE } from '../RingReady/shared/contract';
import { getConversationPage, RequestSession } from '../RingReady/transport';
import { parseHttpDate } from './cursor';
import type { ListedPart, ListingPlan } from './scan';

/**
 * Shares of the poll's time: no further list page starts after LIST (the listing resumes at the
 * next poll, see scan.ts), no further transcript after DETAIL (the rest follow at the next poll);
 * the rest is for the requests in flight.
 */
const BUDGET_SHARE = { list: 0.4, detail: 0.6 };
/** Share of the poll interval a poll works in, so that the next tick finds it done. */
const INTERVAL_SHARE = 0.8;

export interface PollBudget {
	/** Epoch ms (host clock: timing only, never the cursor) by which every request must be done. */
	requestsBy?: number;
	/** Epoch ms after which no further list page starts. */
	pagesStartBy?: number;
	/** Epoch ms after which no further transcript fetch starts. */
	transcriptsStartBy?: number;
	/** The budget in ms, for messages. */
	budgetMs?: number;
}

/**
 * The time this poll works in: n8n's budget (IPollFunctions.getPollBudgetMs, n8n 2.38+; older n8n
 * has none), and at most 80 % of the shortest poll interval when it is shorter.
 */
export function pollSession(this: IPollFunctions): { session: RequestSession; budget: PollBudget } {
	const getBudget = (this as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	let budgetMs = typeof getBudget === 'function' ? Number(getBudget.call(this)) : Number.NaN;
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) {
		return { session: new RequestSession(this), budget: {} };
	}
	const intervalMs = shortestIntervalMs.call(this);
	if (intervalMs !== undefined) budgetMs = Math.min(budgetMs, intervalMs * INTERVAL_SHARE);
	const start = Date.now();
	const requestsBy = start + budgetMs;
	// One session per poll: its requests share one throttle, one read of the credential and the deadline.
	const session = new RequestSession(this, { deadline: requestsBy });
	const lastStart = session.lastStartAt()!;
	return {
		session,
		budget: {
			requestsBy,
			pagesStartBy: Math.min(start + budgetMs * BUDGET_SHARE.list, lastStart),
			transcriptsStartBy: Math.min(start + budgetMs * BUDGET_SHARE.detail, lastStart),
			budgetMs,
		},
	};
}

const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000 };

/** The shortest interval of n8n's Poll Times parameter that repeats within the hour, if any. */
function shortestIntervalMs(this: IPollFunctions): number | undefined {
	let pollTimes: { item?: Array<{ mode?: string; value?: unknown; unit?: string }> };
	try {
		pollTimes = this.getNodeParameter('pollTimes', {}) as typeof pollTimes;
	} catch {
		return undefined;
	}
	const intervals = (pollTimes?.item ?? []).map((time) => {
		if (time.mode === 'everyMinute') return 60_000;
		if (time.mode === 'everyX') return Number(time.value) * (UNIT_MS[time.unit ?? ''] ?? NaN);
		return NaN;
	});
	const valid = intervals.filter((ms) => Number.isFinite(ms) && ms >= 60_000);
	return valid.length === 0 ? undefined : Math.min(...valid);
}

/** What the listing learnt of the server's clock: the newest `Date` header of its responses. */
export interface ServerClock {
	nowMs?: number;
}

/**
 * Lists `plan` newest first, page by page, until its end, its floor, or `budget.pagesStartBy` (at
 * least one page). A page request cut off by the poll's deadline fails the poll (outOfTime).
 */
export async function listPart(
	this: IPollFunctions,
	query: ConversationQuery,
	plan: ListingPlan,
	options: { session: RequestSession; budget: PollBudget; clock: ServerClock; max?: number },
): Promise<ListedPart & { conversations: ConversationSummary[] }> {
	const { session, budget, clock } = options;
	const onResponse = (headers: Record<string, string | string[] | undefined>) => {
		const date = parseHttpDate(headers.date);
		if (date !== undefined) clock.nowMs = Math.max(clock.nowMs ?? date, date);
	};
	const conversations: ConversationSummary[] = [];
	const ids = new Set<number>();
	const stops: number[] = [];
	let pages = 0;
	let beforeId = plan.beforeId;
	const pastDeadline = () => budget.requestsBy !== undefined && Date.now() >= budget.requestsBy;
	const max = options.max ?? Number.POSITIVE_INFINITY;
	while (true) {
		if (pages > 0 && budget.pagesStartBy !== undefined && Date.now() >= budget.pagesStartBy)
			return { conversations, stops, pages, reachedEnd: false };
		let page;
		try {
			page = await getConversationPage(
				session,
				{
					...query,
					...(plan.since === undefined ? {} : { since: plan.since }),
					before_id: beforeId,
					limit: Math.min(CONVERSATION_PAGE_SIZE.max, max - conversations.length),
				},
				{ onResponse, first: true },
			);
		} catch (error) {
			// A request cut off by the poll's deadline reports a timeout; say what really happened.
			throw pastDeadline() ? outOfTime(this, budget, pages, error) : error;
		}
		pages++;
		for (const conversation of page.conversations) {
			if (ids.has(conversation.id) || (plan.floor !== null && conversation.id < plan.floor))
				continue;
			ids.add(conversation.id);
			conversations.push(conversation);
		}
		const next = page.next_before_id;
		if (next === null || conversations.length >= max || (plan.floor !== null && next <= plan.floor))
			return { conversations, stops, pages, reachedEnd: true };
		if (beforeId !== undefined && next >= beforeId) {
			throw new NodeApiError(this.getNode(), { next_before_id: next } as JsonObject, {
				message: 'RingReady returned a pagination cursor that does not move forward',
				description: `The cursor stayed at ${beforeId} or went back (${next}). Stopped to avoid looping; try again, and contact RingReady support if it persists.`,
			});
		}
		stops.push(next);
		beforeId = next;
	}
}

function outOfTime(
	context: IPollFunctions,
	budget: PollBudget,
	pages: number,
	cause: unknown,
): NodeOperationError {
	const budgetS = Math.round((budget.budgetMs ?? 0) / 1000);
	const error = new NodeOperationError(
		context.getNode(),
		`RingReady Trigger ran out of n8n's poll time (${budgetS} s) while listing new conversations (${pages} page${pages === 1 ? '' : 's'} listed)`,
		{
			description:
				"RingReady answered too slowly to list even one page in time. If this keeps happening, check RingReady's status.",
		},
	);
	(error as { cause?: unknown }).cause = cause;
	return error;
}
