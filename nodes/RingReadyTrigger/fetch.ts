/** A poll's requests, within the time n8n gives it: the trigger's only use of the transport. */
import type { IBinaryKeyData, IDataObject, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { resolveBaseUrl } from '../../credentials/RingReadyApi.credentials';
import type {
	ConversationDetail,
	ConversationQuery,
	ConversationSummary,
} from '../RingReady/shared/contract';
import { fetchConversationDetails } from '../RingReady/shared/conversations';
import { recordingFile, type RecordingDownload } from '../RingReady/shared/recording';
import {
	conversationPages,
	getAccount,
	getConversation,
	RequestSession,
} from '../RingReady/transport';
import { isRecordsOwnFailure } from '../RingReady/transport/errors';
import { TRANSCRIPT_ATTEMPTS, parseHttpDate } from './cursor';
import type { ListedPart, ListingPlan } from './cursor';

/** No list page (the listing resumes) or transcript starts after these shares of the poll's time. */
const BUDGET_SHARE = { list: 0.4, detail: 0.6 };
/** Share of the poll interval a poll works in, so that the next tick finds it done. */
const INTERVAL_SHARE = 0.8;
const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000 };

type Failure = { id: number; error: unknown };
type RecordingOutcome = { binary?: IBinaryKeyData; error?: string };
export interface FetchedDetails {
	/** The in-order prefix to emit: details, or summaries with an `error` for transcripts given up on. */
	items: IDataObject[];
	/** Download Recording: each emitted conversation's file, by id. */
	files: Map<unknown, IBinaryKeyData>;
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
		const deadline = ms === undefined ? undefined : start + ms;
		this.session = new RequestSession(context, { deadline });
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
			const description = 'Fix the Base URL in the RingReady API credential.';
			throw new NodeOperationError(this.session.node, (error as Error).message, { description });
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
		const pagesBy = options.whole ? undefined : this.budget.pagesBy;
		const part: ListedPart = { conversations: [], stops: [], pages: 0, reachedEnd: true };
		const pages = conversationPages(this.session, query, {
			...plan,
			max: options.max,
			onResponse: (headers) => {
				const date = parseHttpDate(headers.date);
				if (date !== undefined) this.serverNowMs = Math.max(this.serverNowMs ?? date, date);
			},
			goOn: (next) => {
				part.stops.push(next);
				part.reachedEnd = pagesBy === undefined || Date.now() < pagesBy;
				return part.reachedEnd;
			},
		});
		try {
			for await (const conversations of pages) part.conversations.push(...conversations);
		} catch (error) {
			// Cut off by the poll's deadline, it reports a timeout: say what really happened.
			const { requestsBy } = this.budget;
			const outOfTime = requestsBy !== undefined && Date.now() >= requestsBy;
			throw outOfTime ? this.outOfTime(part.stops.length, error) : error;
		}
		// Every page but the last one listed gave a stop.
		part.pages = part.stops.length + (part.reachedEnd ? 1 : 0);
		return part;
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
			download?: RecordingDownload;
		},
	): Promise<FetchedDetails> {
		const { download } = options;
		const result: FetchedDetails = { items: [], files: new Map(), failedIds: [] };
		const deferred = new Set<number>();
		const timeIsUp = () => !this.session.hasTimeForRequest();
		const outcomes = await fetchConversationDetails<RecordingOutcome>(this.session, [summaries], {
			startBy: this.budget.detailsBy,
			afterDetail: download && (async (detail) => await this.recording(detail, download)),
			stopAfter: ({ summary, error }) => {
				if (timeIsUp() || !isRecordsOwnFailure(error)) {
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
			const { summary, detail, error, attachment } = outcome;
			if (detail) {
				result.items.push(withRecording(options.shape(detail), attachment, result.files));
			} else if (!options.givesUp(summary.id)) break;
			else
				result.items.push({
					...summary,
					error: `The transcript could not be fetched on ${TRANSCRIPT_ATTEMPTS} polls in a row, so this conversation is emitted without it: ${reasonOf(error)}`,
				});
		}
		return result;
	}

	/**
	 * Download Recording for one conversation. A recording that can't be downloaded never holds the
	 * conversation back: it is emitted once, without the file, with an `error` saying why.
	 */
	async recording(
		detail: ConversationDetail,
		download: RecordingDownload,
	): Promise<RecordingOutcome> {
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

	private outOfTime(pages: number, cause: unknown): NodeOperationError {
		const seconds = Math.round((this.budget.ms ?? 0) / 1000);
		const message = `RingReady Trigger ran out of n8n's poll time (${seconds} s) while listing new conversations (${pages} page${pages === 1 ? '' : 's'} listed)`;
		const description =
			"RingReady answered too slowly to list even one page in time. If this keeps happening, check RingReady's status.";
		const error = new NodeOperationError(this.session.node, message, { description });
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

/** The item with its recording's outcome: the file goes to `files`, a failure to `error`. */
export function withRecording(
	json: IDataObject,
	recording: RecordingOutcome | undefined,
	files: Map<unknown, IBinaryKeyData>,
): IDataObject {
	if (recording?.binary) files.set(json.id, recording.binary);
	if (!recording?.error) return json;
	return {
		...json,
		error: json.error ? `${String(json.error)}. ${recording.error}` : recording.error,
	};
}

export const reasonOf = (error: unknown) =>
	error instanceof Error ? error.message : String(error);
