/** A poll's requests, within the time n8n gives it: the trigger's only use of the transport. */
import type { IBinaryKeyData, IPollFunctions } from 'n8n-workflow';

import { conversationPages, getAccount } from '../RingReady/shared/api';
import type {
	ConversationDetail,
	ConversationQuery,
	ConversationSummary,
} from '../RingReady/shared/contract';
import { fetchConversationDetails } from '../RingReady/shared/conversations';
import { recordingFile, type RecordingDownload } from '../RingReady/shared/recording';
import { RequestSession, baseUrlOf } from '../RingReady/transport';
import { isRecordsOwnFailure } from '../RingReady/transport/errors';
import { TRANSCRIPT_ATTEMPTS, parseHttpDate } from './cursor';
import type { ListedPart, ListingPlan } from './cursor';

/** No list page (the listing resumes) or transcript starts after these shares of the poll's time. */
const BUDGET_SHARE = { list: 0.4, detail: 0.6 };
/** Share of the poll interval a poll works in, so that the next tick finds it done. */
const INTERVAL_SHARE = 0.8;

type RecordingOutcome = Pick<Fetched, 'binary'> & { error?: string };
/** A conversation to emit: in full (or its summary, given up on), what went wrong, its recording. */
export type Fetched = {
	conversation: ConversationDetail;
	errors: string[];
	binary?: IBinaryKeyData;
};
export interface FetchedDetails {
	/** The in-order prefix to emit. */
	items: Fetched[];
	/** Failed for a reason of their own: they count towards giving up. */
	failedIds: number[];
	/** The first that failed for a reason not its own (RingReady busy or unreachable)... */
	deferred?: { id: number; error: unknown };
	/** ...and the first of its own that holds back the ones after it. */
	blocking?: FetchedDetails['deferred'];
}

/** One session (one throttle, one read of the credential, the poll's deadline) per poll. */
export class PollFetch {
	private readonly session: RequestSession;

	/** Last starts of a list page and of a transcript (epoch ms, host's clock); none before n8n 2.38. */
	private readonly startBy: { pages?: number; details?: number } = {};

	/** RingReady's clock: the newest `Date` header of the listing's responses. */
	serverNowMs?: number;

	/** Epoch ms by which every request of the poll is over (n8n's budget). */
	readonly deadline?: number;

	constructor(
		private readonly context: IPollFunctions,
		budgeted: boolean,
	) {
		const ms = budgeted ? pollBudgetMs(context) : undefined;
		const start = Date.now();
		this.deadline = ms && start + ms;
		this.session = new RequestSession(context, { deadline: this.deadline });
		if (ms === undefined) return;
		const startBy = (share: number) => Math.min(start + ms * share, this.session.lastStartAt()!);
		this.startBy = { pages: startBy(BUDGET_SHARE.list), details: startBy(BUDGET_SHARE.detail) };
	}

	async credential(): Promise<{ origin: string; apiKey: string }> {
		const account = await this.session.resolve();
		const apiKey = String(account.decrypted.data?.apiKey ?? '');
		return { origin: baseUrlOf(this.session, account, undefined), apiKey };
	}

	/** The RingReady user id of the key's owner (GET /whoami). */
	async userId(): Promise<unknown> {
		return (await getAccount(this.session)).user_id;
	}

	/**
	 * Lists `plan` newest first until its end, its floor, `max` conversations, or the time for list
	 * pages (after one page at least). A page cut off by the deadline ends the part there, as the
	 * time for pages does; when it is the first, the poll fails with the transport's error.
	 */
	async listPart(query: ConversationQuery, plan: ListingPlan, max?: number): Promise<ListedPart> {
		const part: ListedPart = { conversations: [], stops: [], pages: 0, reachedEnd: true };
		const pages = conversationPages(this.session, query, {
			...plan,
			max,
			onResponse: (headers) => {
				const date = parseHttpDate(headers.date);
				if (date !== undefined) this.serverNowMs = Math.max(this.serverNowMs ?? date, date);
			},
			goOn: (next) => {
				part.stops.push(next);
				part.reachedEnd = Date.now() < (this.startBy.pages ?? Infinity);
				return part.reachedEnd;
			},
		});
		try {
			for await (const conversations of pages) part.conversations.push(...conversations);
		} catch (error) {
			if (part.stops.length === 0 || this.session.hasTimeForRequest())
				return await Promise.reject(error);
			part.reachedEnd = false;
		}
		// Every page but the last one listed gave a stop.
		part.pages = part.stops.length + (part.reachedEnd ? 1 : 0);
		return part;
	}

	/**
	 * The longest run from the start that could be fetched (in full when `withDetail`). One `givesUp`
	 * is true for is emitted without its transcript when it fails for a reason of its own; any other
	 * failure, or the time for transcripts running out, leaves it and the rest to the next poll.
	 */
	async details(
		summaries: ConversationSummary[],
		{ withDetail, download }: { withDetail: boolean; download?: RecordingDownload },
		givesUp: (id: number) => boolean,
	): Promise<FetchedDetails> {
		const asItem = (conversation: ConversationDetail, errors: string[] = []) => ({
			conversation,
			errors,
		});
		if (!withDetail) return { items: summaries.map((summary) => asItem(summary)), failedIds: [] };
		const result: FetchedDetails = { items: [], failedIds: [] };
		const deferred = new Set<number>();
		const timeIsUp = () => !this.session.hasTimeForRequest();
		const outcomes = await fetchConversationDetails<RecordingOutcome>(this.session, [summaries], {
			startBy: this.startBy.details,
			afterDetail: download && (async (detail) => await this.recording(detail, download)),
			stopAfter: ({ summary, error }) => {
				if (timeIsUp() || !isRecordsOwnFailure(error)) {
					deferred.add(summary.id);
					if (!timeIsUp()) result.deferred ??= { id: summary.id, error };
					return true;
				}
				result.failedIds.push(summary.id);
				if (givesUp(summary.id)) return false;
				result.blocking ??= { id: summary.id, error };
				return true;
			},
		});
		for (const outcome of outcomes) {
			if (!outcome || deferred.has(outcome.summary.id)) break;
			const { summary, detail, error, attachment } = outcome;
			if (detail) {
				const errors = attachment?.error ? [attachment.error] : [];
				result.items.push({ conversation: detail, errors, binary: attachment?.binary });
			} else if (!givesUp(summary.id)) break;
			else {
				const why = `The transcript could not be fetched on ${TRANSCRIPT_ATTEMPTS} polls in a row, so this conversation is emitted without it: ${reasonOf(error)}`;
				result.items.push(asItem(summary, [why]));
			}
		}
		return result;
	}

	/** Download Recording: a recording that can't be downloaded never holds its conversation back. */
	private async recording(detail: ConversationDetail, download: RecordingDownload) {
		const notDownloaded =
			'The recording could not be downloaded, so this conversation is emitted without it';
		if (!this.session.hasTimeForRequest())
			return { error: `${notDownloaded}: the poll had no time left for it` };
		try {
			return { binary: await recordingFile.call(this.context, this.session, detail, download) };
		} catch (error) {
			return { error: `${notDownloaded}: ${reasonOf(error)}` };
		}
	}

	/** A newer poll took over: requests not yet sent are not sent. */
	cancel(): void {
		this.session.cancel();
	}
}

/** n8n's budget (getPollBudgetMs, n8n 2.38+), within the shortest Poll Times interval in minutes. */
function pollBudgetMs(context: IPollFunctions): number | undefined {
	const budgetMs = Number((context as Partial<IPollFunctions>).getPollBudgetMs?.call(context));
	if (!(budgetMs > 0 && Number.isFinite(budgetMs))) return undefined;
	type PollTime = { mode?: string; value?: unknown; unit?: string };
	const times = (context.getNodeParameter('pollTimes', {}) as { item?: PollTime[] }).item ?? [];
	const minutes = times.map(({ mode, value, unit }) =>
		mode === 'everyMinute' ? 1 : mode === 'everyX' && unit === 'minutes' ? Number(value) : NaN,
	);
	const intervals = minutes.filter((n) => n >= 1).map((n) => n * 60_000 * INTERVAL_SHARE);
	return Math.min(budgetMs, ...intervals);
}

export const reasonOf = (error: unknown) =>
	error instanceof Error ? error.message : String(error);
