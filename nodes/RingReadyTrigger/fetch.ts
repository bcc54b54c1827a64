/** A poll's requests, within the time n8n gives it: the trigger's only use of the transport. */
import type { IDataObject, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resolveBaseUrl } from '../../credentials/RingReadyApi.credentials';
import type {
	ConversationDetail,
	ConversationQuery,
	ConversationSummary,
} from '../RingReady/shared/contract';
import { CONVERSATION_PAGE_SIZE } from '../RingReady/shared/contract';
import {
	fetchConversationDetails,
	getAccount,
	getConversation,
	getConversationPage,
	RequestSession,
	RETRYABLE_STATUSES,
} from '../RingReady/transport';
import { TRANSCRIPT_ATTEMPTS, parseHttpDate } from './cursor';
import type { ListedPart, ListingPlan } from './cursor';

/** No list page (the listing resumes) or transcript starts after these shares of the poll's time. */
const BUDGET_SHARE = { list: 0.4, detail: 0.6 };
/** Share of the poll interval a poll works in, so that the next tick finds it done. */
const INTERVAL_SHARE = 0.8;
const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000 };

type Failure = { id: number; error: unknown };
export interface FetchedDetails {
	/** The in-order prefix to emit: details, or summaries with an `error` for transcripts given up on. */
	items: IDataObject[];
	/** Failed for a reason of their own: they count towards giving up. */
	failedIds: number[];
	/** The first that failed for a reason not its own (RingReady busy or unreachable)... */
	deferred?: Failure;
	/** ...and the first of its own that holds back the ones after it. */
	blocking?: Failure;
}

/** One session (one throttle, one read of the credential, the poll's deadline) per poll. */
export class PollFetch {
	private readonly session: RequestSession;

	/** Epoch ms by the host's clock (timing only); none without n8n's budget (before 2.38). */
	readonly budget: { ms?: number; requestsBy?: number; pagesBy?: number; detailsBy?: number } = {};

	/** RingReady's clock: the newest `Date` header of the listing's responses. */
	serverNowMs?: number;

	constructor(
		private readonly context: IPollFunctions,
		budgeted: boolean,
	) {
		const ms = budgeted ? pollBudgetMs(context) : undefined;
		const start = Date.now();
		this.session = new RequestSession(context, {
			deadline: ms === undefined ? undefined : start + ms,
		});
		const lastStart = this.session.lastStartAt();
		if (ms === undefined || lastStart === undefined) return;
		const startBy = (share: number) => Math.min(start + ms * share, lastStart);
		this.budget = {
			ms,
			requestsBy: start + ms,
			pagesBy: startBy(BUDGET_SHARE.list),
			detailsBy: startBy(BUDGET_SHARE.detail),
		};
	}

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
		return (await getAccount(this.session)).user_id;
	}

	async detail(id: number): Promise<ConversationDetail> {
		return await getConversation(this.session, id);
	}

	/**
	 * Lists `plan` newest first until its end, its floor, `max` conversations, or the time for list
	 * pages (after one page at least; `whole`: never). A page cut off by the deadline fails the poll.
	 */
	async listPart(
		query: ConversationQuery,
		plan: ListingPlan,
		options: { max?: number; whole?: boolean } = {},
	): Promise<ListedPart> {
		const { requestsBy } = this.budget;
		const pagesBy = options.whole ? undefined : this.budget.pagesBy;
		const max = options.max ?? Number.POSITIVE_INFINITY;
		const onResponse = (headers: Record<string, string | string[] | undefined>) => {
			const date = parseHttpDate(headers.date);
			if (date !== undefined) this.serverNowMs = Math.max(this.serverNowMs ?? date, date);
		};
		const part: ListedPart = { conversations: [], stops: [], pages: 0, reachedEnd: false };
		const ids = new Set<number>();
		for (let beforeId = plan.beforeId; ; ) {
			if (part.pages > 0 && pagesBy !== undefined && Date.now() >= pagesBy) return part;
			const qs = {
				...query,
				...(plan.since === undefined ? {} : { since: plan.since }),
				before_id: beforeId,
				limit: Math.min(CONVERSATION_PAGE_SIZE.max, max - part.conversations.length),
			};
			const page = await getConversationPage(this.session, qs, { onResponse, first: true }).catch(
				(error: unknown) => {
					// Cut off by the poll's deadline, it reports a timeout: say what really happened.
					throw requestsBy !== undefined && Date.now() >= requestsBy
						? this.outOfTime(part.pages, error)
						: error;
				},
			);
			part.pages++;
			for (const conversation of page.conversations) {
				if (ids.has(conversation.id) || (plan.floor !== null && conversation.id < plan.floor))
					continue;
				ids.add(conversation.id);
				part.conversations.push(conversation);
			}
			const next = page.next_before_id;
			part.reachedEnd =
				next === null ||
				part.conversations.length >= max ||
				(plan.floor !== null && next <= plan.floor);
			if (part.reachedEnd) return part;
			if (beforeId !== undefined && next! >= beforeId) {
				throw new NodeApiError(this.context.getNode(), { next_before_id: next } as JsonObject, {
					message: 'RingReady returned a pagination cursor that does not move forward',
					description: `The cursor stayed at ${beforeId} or went back (${next}). Stopped to avoid looping; try again, and contact RingReady support if it persists.`,
				});
			}
			part.stops.push(next!);
			beforeId = next!;
		}
	}

	/**
	 * The details, started in order and none after the time for transcripts but the first: the
	 * longest run from the start that could be fetched. One that `givesUp` on is emitted without its
	 * transcript (an `error` field) when it fails for a reason of its own; any other failure, or
	 * the time running out, leaves it and the ones after it to the next poll.
	 */
	async details(
		summaries: ConversationSummary[],
		options: {
			shape: (detail: ConversationDetail) => IDataObject;
			givesUp: (id: number) => boolean;
		},
	): Promise<FetchedDetails> {
		const result: FetchedDetails = { items: [], failedIds: [] };
		const deferred = new Set<number>();
		const timeIsUp = () => !this.session.hasTimeForRequest();
		const outcomes = await fetchConversationDetails(this.session, [summaries], {
			startBy: this.budget.detailsBy,
			stopAfter: ({ summary, error }) => {
				if (timeIsUp() || !failureOfItsOwn(error)) {
					deferred.add(summary.id);
					if (!timeIsUp()) result.deferred ??= { id: summary.id, error };
					return true;
				}
				result.failedIds.push(summary.id);
				if (options.givesUp(summary.id)) return false;
				result.blocking ??= { id: summary.id, error };
				return true;
			},
		});
		for (const outcome of outcomes) {
			if (!outcome || deferred.has(outcome.summary.id)) break;
			const { summary, detail, error } = outcome;
			if (detail) result.items.push(options.shape(detail));
			else if (!options.givesUp(summary.id)) break;
			else
				result.items.push({
					...summary,
					error: `The transcript could not be fetched on ${TRANSCRIPT_ATTEMPTS} polls in a row, so this conversation is emitted without it: ${reasonOf(error)}`,
				});
		}
		return result;
	}

	private outOfTime(pages: number, cause: unknown): NodeOperationError {
		const seconds = Math.round((this.budget.ms ?? 0) / 1000);
		const listed = `${pages} page${pages === 1 ? '' : 's'} listed`;
		const error = new NodeOperationError(
			this.context.getNode(),
			`RingReady Trigger ran out of n8n's poll time (${seconds} s) while listing new conversations (${listed})`,
			{
				description:
					"RingReady answered too slowly to list even one page in time. If this keeps happening, check RingReady's status.",
			},
		);
		return Object.assign(error, { cause });
	}
}

/** n8n's budget (getPollBudgetMs, n8n 2.38+), within the shortest Poll Times interval under an hour. */
function pollBudgetMs(context: IPollFunctions): number | undefined {
	const getBudget = (context as Partial<IPollFunctions>).getPollBudgetMs;
	const budgetMs = typeof getBudget === 'function' ? Number(getBudget.call(context)) : NaN;
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) return undefined;
	let times: Array<{ mode?: string; value?: unknown; unit?: string }> = [];
	try {
		times = (context.getNodeParameter('pollTimes', {}) as { item?: typeof times })?.item ?? [];
	} catch {
		// No Poll Times: the budget alone.
	}
	const intervals = times
		.map(({ mode, value, unit }) =>
			mode === 'everyMinute'
				? 60_000
				: mode === 'everyX'
					? Number(value) * (UNIT_MS[unit ?? ''] ?? NaN)
					: NaN,
		)
		.filter((ms) => Number.isFinite(ms) && ms >= 60_000);
	return Math.min(budgetMs, ...intervals.map((ms) => ms * INTERVAL_SHARE));
}

/**
 * Whether a transcript failed because of that conversation (gone, not servable, unreadable) rather
 * than because RingReady was busy, unavailable, unreachable or refused the key, as every request would.
 */
function failureOfItsOwn(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (Number.isInteger(status) && status >= 400)
		return ![401, 403, 408, ...RETRYABLE_STATUSES].includes(status);
	return Boolean((error.errorResponse as { unexpectedResponse?: unknown })?.unexpectedResponse);
}

export const reasonOf = (error: unknown) =>
	error instanceof Error ? error.message : String(error);
