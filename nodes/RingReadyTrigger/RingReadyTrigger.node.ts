import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { createHash } from 'crypto';

import { searchAgents } from '../RingReady/methods/listSearch';
import type { ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';
import { buildConversationQuery } from '../RingReady/shared/conversationQuery';
import { conversationFilters, transcriptTextOption } from '../RingReady/shared/descriptions';
import { addTranscriptText } from '../RingReady/shared/transcript';
import { getAccount } from '../RingReady/transport/account';
import { RETRY_POLICY } from '../RingReady/transport';
import {
	conversationPages,
	fetchConversationDetails,
	getConversation,
} from '../RingReady/transport/conversations';
import { RequestSession } from '../RingReady/transport/session';
import {
	DEFAULT_LATE_ARRIVAL_MINUTES,
	InvalidStartedAtError,
	MAX_FUTURE_IDS,
	MAX_LATE_ARRIVAL_MINUTES,
	TRANSCRIPT_ATTEMPTS,
	decide,
	filterKeyFor,
	givesUpOnTranscript,
	pickState,
	parseHttpDate,
	sameState,
	sinceFor,
	startState,
	transcriptFailures,
	withTranscriptFailures,
	writeState,
} from './cursor';
import type { Decision, Owner, TriggerState } from './cursor';

/**
 * Share of n8n's poll budget (IPollFunctions.getPollBudgetMs, n8n 2.38+; 36–48 s under a scheduler
 * lease) after which no further transcript is started. The poll then emits the oldest new
 * conversations it has fetched and leaves the rest to the next poll (cursor.ts `maxEmit`), so a
 * large burst with transcripts drains over several polls instead of every poll being abandoned.
 * The rest of the budget is for the fetches in flight.
 */
const DETAIL_BUDGET_SHARE = 0.6;

const STATE_UNCHANGED =
	'Nothing was emitted and the trigger kept its position: the next poll picks up every new conversation, once.';

interface TriggerSettings {
	query: ConversationQuery;
	windowMinutes: number;
	withDetail: boolean;
	transcriptText: boolean;
}

export class RingReadyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RingReady Trigger',
		name: 'ringReadyTrigger',
		icon: { light: 'file:../../icons/ringready.svg', dark: 'file:../../icons/ringready.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "New conversation" }}',
		// n8n's node panel shows the trigger's description on the entry it merges with the RingReady node.
		description:
			'Start a workflow on every new call or web chat your RingReady AI receptionists handle, read conversations and tune the receptionists and their FAQ',
		defaults: { name: 'RingReady Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New Conversation',
						value: 'newConversation',
						description: 'A phone call or web chat finished and was processed by RingReady',
					},
				],
				default: 'newConversation',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				description:
					'Changing the filters makes the trigger start over from the newest conversation, as when it was first activated',
				options: conversationFilters,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Transcript',
						name: 'includeTranscript',
						type: 'boolean',
						default: false,
						description:
							'Whether to fetch each new conversation in full before emitting it: transcript, recording URL and visitor IP (one extra request per conversation)',
					},
					{
						...transcriptTextOption,
						description: `${transcriptTextOption.description}. Turns on Include Transcript.`,
					},
					{
						displayName: 'Late-Arrival Window (Minutes)',
						name: 'lateArrivalMinutes',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_LATE_ARRIVAL_MINUTES },
						default: DEFAULT_LATE_ARRIVAL_MINUTES,
						description:
							'Calls show up in RingReady a little after they end. A conversation that shows up late is still emitted (once) if it started at most this many minutes before the newest conversation already seen; one that shows up later than that is skipped.',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchAgents } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings.call(this);
		// One session per poll: its requests share one throttle and one read of the credential.
		const session = new RequestSession(this);
		if (this.getMode() === 'manual') return await fetchTestEvent.call(this, session, settings);

		// Static data is only written after everything succeeded: a poll that fails leaves the state
		// exactly as it was, so the next poll emits the same conversations (once).
		const staticData = this.getWorkflowStaticData('node');
		const filterKey = filterKeyFor(settings.query);
		const budget = pollBudget.call(this);
		try {
			const found = await findState.call(this, session, staticData, filterKey, budget);
			if (!found.state) {
				const start = await activate.call(this, session, settings, filterKey, found.owner, budget);
				writeState(staticData, start);
				keepActivation.call(this, start);
				return null;
			}
			if (!found.fromActivation) forgetActivation.call(this);
			const state = found.state;

			const clock: ServerClock = {};
			const listed = await listConversations.call(
				this,
				settings.query,
				sinceFor(state, settings.windowMinutes),
				{
					session,
					deadline: budget.requestsBy,
					clock,
				},
			);
			const decideWith = (maxEmit?: number) =>
				decideOrThrow(this, () =>
					decide(state, listed, settings.windowMinutes, { maxEmit, serverNowMs: clock.nowMs }),
				);
			const decision = decideWith();
			let next = decision.next;
			let items = decision.emit as IDataObject[];
			if (settings.withDetail) {
				const fetched = await fetchDetails.call(this, session, decision.emit, settings, {
					startBy: budget.transcriptsStartBy,
					requestsBy: budget.requestsBy,
					givesUp: (id) => givesUpOnTranscript(state, id),
				});
				items = fetched.items;
				if (items.length < decision.emit.length) {
					next = decideWith(items.length).next;
					reportShortPoll.call(this, fetched, items.length, decision.emit.length, state);
				}
				next = withTranscriptFailures(
					next,
					fetched.failed.map(({ id }) => id),
				);
			}
			const emittedIds = new Set(items.map((item) => item.id));
			warnAboutFutureDates.call(
				this,
				{ ...decision, future: decision.future.filter(({ id }) => emittedIds.has(id)) },
				clock,
			);
			if (!sameState(state, next) || found.changed) writeState(staticData, next);
			return items.length === 0 ? null : [items.map((json) => ({ json }))];
		} catch (error) {
			throw explainFailure.call(this, error);
		}
	}
}

function readSettings(this: IPollFunctions): TriggerSettings {
	const node = this.getNode();
	const filters = this.getNodeParameter('filters', {}) as IDataObject;
	const options = this.getNodeParameter('options', {}) as {
		includeTranscript?: boolean;
		transcriptText?: boolean;
		lateArrivalMinutes?: unknown;
	};
	const query = buildConversationQuery(
		node,
		filters,
		() => this.getNodeParameter('filters.agentId', '', { extractValue: true }),
		this.getTimezone(),
	);

	const window = Number(options.lateArrivalMinutes ?? DEFAULT_LATE_ARRIVAL_MINUTES);
	if (!Number.isFinite(window) || window < 0 || window > MAX_LATE_ARRIVAL_MINUTES) {
		throw new NodeOperationError(
			node,
			`Late-Arrival Window must be between 0 and ${MAX_LATE_ARRIVAL_MINUTES} minutes, got "${String(
				options.lateArrivalMinutes,
			).slice(0, 40)}"`,
			{
				description: `Set it in the trigger's options; ${DEFAULT_LATE_ARRIVAL_MINUTES} suits most accounts.`,
			},
		);
	}
	return {
		query,
		windowMinutes: window,
		withDetail: Boolean(options.includeTranscript || options.transcriptText),
		transcriptText: Boolean(options.transcriptText),
	};
}

interface PollBudget {
	/** Epoch ms (host clock: timing only, never the cursor) by which every request must be done. */
	requestsBy?: number;
	/** Epoch ms after which no further transcript fetch starts. */
	transcriptsStartBy?: number;
}

/** n8n's time budget for this poll (IPollFunctions.getPollBudgetMs, n8n 2.38+; older n8n has none). */
function pollBudget(this: IPollFunctions): PollBudget {
	const getBudget = (this as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	if (typeof getBudget !== 'function') return {};
	const budgetMs = Number(getBudget.call(this));
	if (!Number.isFinite(budgetMs) || budgetMs <= 0) return {};
	const start = Date.now();
	const requestsBy = start + budgetMs;
	// The transport starts no request with less than minRequestMs left.
	const transcriptsStartBy = Math.min(
		start + budgetMs * DETAIL_BUDGET_SHARE,
		requestsBy - RETRY_POLICY.minRequestMs,
	);
	return { requestsBy, transcriptsStartBy };
}

interface FoundState {
	state?: TriggerState;
	/** Whose credential this poll uses (the account is looked up only when the state needs it). */
	owner: Owner;
	/** The state came from the activation record (see keepActivation). */
	fromActivation: boolean;
	/** The state must be written even if nothing else changes (new owner or format). */
	changed: boolean;
}

/** The state this poll continues from (cursor.ts pickState); none: first activation. */
async function findState(
	this: IPollFunctions,
	session: RequestSession,
	staticData: IDataObject,
	filterKey: string,
	budget: PollBudget,
): Promise<FoundState> {
	const credential = (await session.credentials()).data ?? {};
	const origin = originOf(credential.baseUrl);
	const keyId = createHash('sha256')
		.update(`${origin}\n${String(credential.apiKey ?? '')}`)
		.digest('hex')
		.slice(0, 24);
	const saved = {
		node: staticData,
		activation: activationRecords.call(this)[activationKey.call(this)],
	};
	let account: string | undefined;
	let pick = pickState(saved, filterKey, keyId);
	if (pick.found === undefined) {
		account = await accountOf.call(this, session, origin, budget.requestsBy);
		if (pick.needsAccount) pick = pickState(saved, filterKey, keyId, account);
	}
	if (pick.found === undefined)
		return { owner: { account: account!, keyId }, fromActivation: false, changed: false };
	return {
		state: pick.found,
		owner: pick.found.owner!,
		fromActivation: pick.fromActivation,
		changed: pick.changed,
	};
}

function originOf(baseUrl: unknown): string {
	const text = String(baseUrl ?? '').trim();
	try {
		return new URL(text).origin;
	} catch {
		return text.replace(/\/+$/, '');
	}
}

/** The account behind the key: the Base URL's origin and the key owner's RingReady user id. */
async function accountOf(
	this: IPollFunctions,
	session: RequestSession,
	origin: string,
	deadline: number | undefined,
): Promise<string> {
	const whoami = await getAccount.call(this, undefined, { session, deadline });
	return `${origin} user ${String(whoami.user_id)}`;
}

/**
 * n8n's durable scheduler (2.36+) keeps a poll node's position in its own table and commits it only
 * after scheduled polls: the state the activation poll writes into the node's static data is
 * dropped, and the first scheduled poll would start over, missing what arrived in between. The
 * activation state is therefore also kept in the workflow's global static data, which n8n saves
 * after activating; a poll that finds no state of its own continues from it. It is forgotten once
 * the node's own state is back (on the in-memory scheduler, from the second poll on).
 */
function keepActivation(this: IPollFunctions, state: TriggerState): void {
	const record: IDataObject = {};
	writeState(record, state);
	activationRecords.call(this)[activationKey.call(this)] = record;
}

function forgetActivation(this: IPollFunctions): void {
	const records = activationRecords.call(this);
	const key = activationKey.call(this);
	if (key in records) delete records[key];
}

function activationRecords(this: IPollFunctions): IDataObject {
	return this.getWorkflowStaticData('global');
}

function activationKey(this: IPollFunctions): string {
	const node = this.getNode();
	return `ringReadyTriggerActivation:${node.id ?? node.name}`;
}

/** What the listing learnt of the server's clock: the newest `Date` header of its responses. */
interface ServerClock {
	nowMs?: number;
}

/**
 * Lists every conversation matching the query from `since` on (inclusive), following every page.
 * A listing that cannot finish by `deadline` fails: a partial listing cannot be decided on.
 */
async function listConversations(
	this: IPollFunctions,
	query: ConversationQuery,
	since: string | undefined,
	options: { session: RequestSession; deadline?: number; clock?: ServerClock; max?: number },
): Promise<ConversationSummary[]> {
	const { session, deadline, clock } = options;
	const conversations: ConversationSummary[] = [];
	let pages = 0;
	const onResponse = (headers: Record<string, string | string[] | undefined>) => {
		const date = parseHttpDate(headers.date);
		if (clock && date !== undefined) clock.nowMs = Math.max(clock.nowMs ?? date, date);
	};
	const pastDeadline = () => deadline !== undefined && Date.now() >= deadline;
	let cutShort = false;
	try {
		const filtered = since === undefined ? query : { ...query, since };
		const listing = conversationPages.call(this, filtered, {
			session,
			deadline,
			onResponse,
			max: options.max,
		});
		for await (const page of listing) {
			pages++;
			conversations.push(...page);
			if (pastDeadline()) {
				cutShort = true;
				break;
			}
		}
	} catch (error) {
		// A request cut off by the poll's deadline reports a timeout; say what really happened.
		throw pastDeadline() ? outOfTime(this, pages, error) : error;
	}
	if (cutShort) throw outOfTime(this, pages);
	return conversations;
}

function outOfTime(context: IPollFunctions, pages: number, cause?: unknown): NodeOperationError {
	const budgetS = Math.round(Number(context.getPollBudgetMs?.() ?? 0) / 1000);
	const error = new NodeOperationError(
		context.getNode(),
		`RingReady Trigger ran out of n8n's poll time (${budgetS} s) while listing new conversations (${pages} page${pages === 1 ? '' : 's'} listed)`,
		{
			description:
				"RingReady answered too slowly to list every new conversation in time. If this keeps happening, check RingReady's status, or shorten the Late-Arrival Window so each poll lists less.",
		},
	);
	if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
	return error;
}

/**
 * First activation (or changed filters or account): emit nothing. The cursor starts at the newest
 * conversation (one request); then the whole late-arrival window is listed into `seen`, so that
 * nothing from before activation is emitted later. With no conversation at all, the next poll emits
 * whatever appears.
 */
async function activate(
	this: IPollFunctions,
	session: RequestSession,
	settings: TriggerSettings,
	filterKey: string,
	owner: Owner,
	budget: PollBudget,
): Promise<TriggerState> {
	const clock: ServerClock = {};
	const [newest] = await listConversations.call(this, settings.query, undefined, {
		session,
		deadline: budget.requestsBy,
		clock,
		max: 1,
	});
	const start = decideOrThrow(this, () => startState(filterKey, owner, newest, clock.nowMs));
	if (start.cursor === null) return start;
	const listed = await listConversations.call(
		this,
		settings.query,
		sinceFor(start, settings.windowMinutes),
		{
			session,
			deadline: budget.requestsBy,
			clock,
		},
	);
	return decideOrThrow(this, () =>
		decide(start, listed, settings.windowMinutes, { serverNowMs: clock.nowMs }),
	).next;
}

async function latestConversation(
	this: IPollFunctions,
	session: RequestSession,
	query: ConversationQuery,
): Promise<ConversationSummary | undefined> {
	for await (const page of conversationPages.call(this, query, { session, max: 1 })) return page[0];
	return undefined;
}

/** "Fetch Test Event": the most recent matching conversation; never reads or writes the state. */
async function fetchTestEvent(
	this: IPollFunctions,
	session: RequestSession,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][]> {
	const latest = await latestConversation.call(this, session, settings.query);
	if (!latest) {
		const scope = [
			settings.query.channel === undefined
				? undefined
				: settings.query.channel === 'phone'
					? 'phone calls'
					: 'web chats',
			settings.query.agent_id === undefined ? undefined : `agent ${settings.query.agent_id}`,
		].filter(Boolean);
		throw new NodeOperationError(
			this.getNode(),
			`There is no RingReady conversation yet${scope.length > 0 ? ` for these filters (${scope.join(', ')})` : ''}`,
			{
				description:
					"Make one: call the agent's phone number, or open the web chat on the website where it is installed and send a message. When the conversation has ended (RingReady processes calls shortly after they end), click Fetch Test Event again.",
			},
		);
	}
	if (!settings.withDetail) return [[{ json: latest as IDataObject }]];
	const detail = await getConversation.call(this, latest.id, { session });
	return [
		[{ json: (settings.transcriptText ? addTranscriptText(detail) : detail) as IDataObject }],
	];
}

interface FetchedDetails {
	/** The in-order prefix to emit: details, or summaries with an `error` for transcripts given up on. */
	items: IDataObject[];
	/** Conversations whose transcript failed on this poll (counted towards giving up). */
	failed: Array<{ id: number; error: unknown }>;
}

/**
 * The detail of each conversation through the poll's session (TRANSCRIPT_CONCURRENCY.default at a
 * time, fewer while RingReady answers 429), with the transport's one fetch-out: started in order,
 * none after `startBy` (but always the first). The result is the longest run from the start that
 * could be fetched: the caller emits it and leaves the rest to the next poll. A conversation whose
 * transcript has failed on the previous polls (`givesUp`) is emitted without it, with an `error`
 * field, so it cannot hold back the ones after it for good. A request that fails because the poll's
 * time is up is not this conversation's failure: it comes at the next poll.
 */
async function fetchDetails(
	this: IPollFunctions,
	session: RequestSession,
	conversations: ConversationSummary[],
	settings: TriggerSettings,
	limits: { startBy?: number; requestsBy?: number; givesUp: (id: number) => boolean },
): Promise<FetchedDetails> {
	const failed: FetchedDetails['failed'] = [];
	const outOfTime = new Set<number>();
	const timeIsUp = () =>
		limits.requestsBy !== undefined && Date.now() >= limits.requestsBy - RETRY_POLICY.minRequestMs;
	const outcomes = await fetchConversationDetails.call(this, [conversations], {
		session,
		deadline: limits.requestsBy,
		startBy: limits.startBy,
		stopAfter: ({ summary, error }) => {
			if (timeIsUp()) {
				outOfTime.add(summary.id);
				return true;
			}
			failed.push({ id: summary.id, error });
			return !limits.givesUp(summary.id);
		},
	});

	const items: IDataObject[] = [];
	for (const outcome of outcomes) {
		if (!outcome || outOfTime.has(outcome.summary.id)) break;
		const { summary, detail, error } = outcome;
		if (detail) {
			items.push((settings.transcriptText ? addTranscriptText(detail) : detail) as IDataObject);
		} else if (limits.givesUp(summary.id)) {
			items.push({ ...summary, error: transcriptGivenUp(error) });
		} else {
			break;
		}
	}
	return { items, failed };
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function transcriptGivenUp(error: unknown): string {
	return `The transcript could not be fetched on ${TRANSCRIPT_ATTEMPTS} polls in a row, so this conversation is emitted without it: ${reasonOf(error)}`;
}

function reportShortPoll(
	this: IPollFunctions,
	fetched: FetchedDetails,
	emitted: number,
	total: number,
	state: TriggerState,
): void {
	const blocking = fetched.failed.find(({ id }) => !givesUpOnTranscript(state, id));
	if (blocking) {
		const attempt = transcriptFailures(state, blocking.id) + 1;
		this.logger.warn(
			`RingReady Trigger: could not fetch the transcript of conversation ${blocking.id} (poll ${attempt} of ${TRANSCRIPT_ATTEMPTS}): ${reasonOf(blocking.error)}. Emitted the ${emitted} conversations before it; it and the ${total - emitted - 1} after it are tried again at the next poll.`,
		);
		return;
	}
	this.logger.info(
		`RingReady Trigger: fetched ${emitted} of ${total} new conversations within the poll's time budget; the rest follow at the next poll`,
	);
}

function warnAboutFutureDates(this: IPollFunctions, decision: Decision, clock: ServerClock): void {
	const serverTime = clock.nowMs === undefined ? 'unknown' : new Date(clock.nowMs).toISOString();
	for (const conversation of decision.future) {
		this.logger.warn(
			`RingReady Trigger: conversation ${conversation.id} is dated in the future (started_at ${conversation.started_at}, RingReady's clock ${serverTime}); emitted once, without moving the trigger's position`,
		);
	}
	if (decision.skippedFuture.length > 0) {
		this.logger.warn(
			`RingReady Trigger: skipped ${decision.skippedFuture.length} conversations dated in the future (e.g. ${decision.skippedFuture[0].id} at ${decision.skippedFuture[0].started_at}): ${MAX_FUTURE_IDS} such conversations are remembered already`,
		);
	}
	if (decision.thawed) {
		this.logger.warn(
			`RingReady Trigger: the saved position lay in the future (a conversation dated ahead of RingReady's clock ${serverTime}); it was moved back to RingReady's clock`,
		);
	}
}

function decideOrThrow<T>(context: IPollFunctions, run: () => T): T {
	try {
		return run();
	} catch (error) {
		if (error instanceof InvalidStartedAtError) {
			throw new NodeOperationError(
				context.getNode(),
				`RingReady sent an unexpected conversation: ${error.message}`,
				{
					description:
						'The trigger orders conversations by their start time and cannot place this one. Contact RingReady support if this persists.',
				},
			);
		}
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** Adds to a poll's error that nothing was emitted and the state was kept. */
function explainFailure(this: IPollFunctions, error: unknown): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = error.description
			? `${error.description} ${STATE_UNCHANGED}`
			: STATE_UNCHANGED;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(this.getNode(), `RingReady Trigger failed: ${message}`, {
		description: STATE_UNCHANGED,
	});
}
