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
import type {
	ConversationDetail,
	ConversationQuery,
	ConversationSummary,
	TranscriptTurn,
} from '../RingReady/shared/contract';
import { buildConversationQuery } from '../RingReady/shared/conversationQuery';
import { conversationFilters, transcriptTextOption } from '../RingReady/shared/descriptions';
import { addTranscriptText, transcriptToText } from '../RingReady/shared/transcript';
import {
	conversationPages,
	fetchConversationDetails,
	getAccount,
	getConversation,
	RequestSession,
	RETRYABLE_STATUSES,
} from '../RingReady/transport';
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
	sameState,
	sinceFor,
	startState,
	transcriptFailures,
	withTranscriptFailures,
	writeState,
} from './cursor';
import type { Decision, Owner, TriggerState } from './cursor';
import { listPart, pollSession } from './listing';
import type { PollBudget, ServerClock } from './listing';
import { acquirePollLease } from './lock';
import type { PollLease } from './lock';
import { afterListing, planListing } from './scan';

const STATE_UNCHANGED =
	'Nothing was emitted and the trigger kept its position: the next poll picks up every new conversation, once.';

/** Conversations read at activation to find the newest with a readable start time. */
const NEWEST_CANDIDATES = 20;

interface TriggerSettings {
	query: ConversationQuery;
	windowMinutes: number;
	withDetail: boolean;
	transcriptText: boolean;
	onlyFinished: boolean;
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
					transcriptTextOption('. Turns on Include Transcript.'),
					{
						displayName: 'Late-Arrival Window (Minutes)',
						name: 'lateArrivalMinutes',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_LATE_ARRIVAL_MINUTES },
						default: DEFAULT_LATE_ARRIVAL_MINUTES,
						description:
							'Calls show up in RingReady a little after they end. A conversation that shows up late is still emitted (once) if it started at most this many minutes before the newest conversation already seen; one that shows up later than that is skipped.',
					},
					{
						displayName: 'Only Finished Conversations',
						name: 'onlyFinished',
						type: 'boolean',
						default: true,
						description:
							'Whether to wait until a conversation has ended (RingReady lists a web chat while it is still going on). A conversation is then emitted once, finished, if it ends within the Late-Arrival Window; off, it is emitted once as soon as it is listed, possibly unfinished.',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchAgents } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings.call(this);
		if (this.getMode() === 'manual') {
			return await fetchTestEvent.call(this, new RequestSession(this), settings);
		}

		const { session, budget } = pollSession.call(this);
		const lease = acquirePollLease(triggerKey.call(this), budget.requestsBy);
		if (!lease) {
			this.logger.info(
				'RingReady Trigger: the previous poll of this trigger is still running; this poll does nothing',
			);
			return null;
		}
		try {
			return await pollOnce.call(this, session, settings, budget, lease);
		} catch (error) {
			throw explainFailure.call(this, error);
		} finally {
			lease.release();
		}
	}
}

/**
 * One scheduled poll. Static data is only written after everything succeeded: a poll that fails
 * leaves the state exactly as it was, so the next poll emits the same conversations (once).
 */
async function pollOnce(
	this: IPollFunctions,
	session: RequestSession,
	settings: TriggerSettings,
	budget: PollBudget,
	lease: PollLease,
): Promise<INodeExecutionData[][] | null> {
	const staticData = this.getWorkflowStaticData('node');
	const filterKey = filterKeyFor(settings.query);
	const found = await findState.call(this, session, staticData, filterKey);
	if (!found.state) {
		const start = await activate.call(this, session, settings, filterKey, found.owner, budget);
		if (!lease.holds()) return null;
		writeState(staticData, start);
		keepActivation.call(this, start);
		return null;
	}
	if (!found.fromActivation) forgetActivation.call(this);
	const state = found.state;

	const clock: ServerClock = {};
	const plan = planListing(state, settings.windowMinutes);
	const listed = await listPart.call(this, settings.query, plan, { session, budget, clock });
	const outcome = afterListing(state, plan, listed);
	if (!outcome.decide) {
		reportResumedListing.call(this, listed.pages);
		if (!lease.holds()) return null;
		writeState(staticData, { ...state, scan: outcome.scan });
		return null;
	}
	const decideWith = (maxEmit?: number) =>
		decideOrThrow(this, () =>
			decide(state, listed.conversations, settings.windowMinutes, {
				maxEmit,
				serverNowMs: clock.nowMs,
				onlyFinished: settings.onlyFinished,
				segment: outcome.segment,
			}),
		);
	const decision = decideWith();
	let next = decision.next;
	let items = decision.emit.map((conversation) =>
		withUnreadableNote(conversation as IDataObject, decision),
	);
	if (settings.withDetail) {
		const fetched = await fetchDetails.call(this, session, decision.emit, settings, {
			startBy: budget.transcriptsStartBy,
			requestsBy: budget.requestsBy,
			givesUp: (id) => givesUpOnTranscript(state, id),
		});
		items = fetched.items.map((item) => withUnreadableNote(item, decision));
		if (items.length < decision.emit.length) {
			next = decideWith(items.length).next;
			reportShortPoll.call(this, fetched, items.length, decision.emit.length, state);
		}
		next = withTranscriptFailures(
			next,
			fetched.failed.map(({ id }) => id),
		);
	}
	const cutShort = items.length < decision.emit.length;
	const scan = cutShort ? outcome.unfinished : outcome.scan;
	next = { ...next, scan: scan && { ...scan, since: next.windowStart } };
	const emittedIds = new Set(items.map((item) => item.id));
	warnAboutFutureDates.call(
		this,
		{ ...decision, future: decision.future.filter(({ id }) => emittedIds.has(id)) },
		clock,
	);
	warnAboutUnreadable.call(
		this,
		decision.unreadable.filter(({ id }) => emittedIds.has(id)),
	);
	if (!lease.holds()) return null;
	if (!sameState(state, next) || found.changed) writeState(staticData, next);
	return items.length === 0 ? null : [items.map((json) => ({ json }))];
}

/** What identifies this trigger across polls (see lock.ts): its workflow and node. */
function triggerKey(this: IPollFunctions): string {
	const node = this.getNode();
	return `${String(this.getWorkflow().id ?? '')}\n${node.id ?? node.name}`;
}

function reportResumedListing(this: IPollFunctions, pages: number): void {
	this.logger.info(
		`RingReady Trigger: listed ${pages} page${pages === 1 ? '' : 's'} of new conversations within the poll's time budget; the listing continues at the next poll and every conversation is emitted once, oldest first`,
	);
}

function readSettings(this: IPollFunctions): TriggerSettings {
	const node = this.getNode();
	const filters = this.getNodeParameter('filters', {}) as IDataObject;
	const options = this.getNodeParameter('options', {}) as {
		includeTranscript?: boolean;
		transcriptText?: boolean;
		lateArrivalMinutes?: unknown;
		onlyFinished?: boolean;
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
		onlyFinished: options.onlyFinished !== false,
	};
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
		account = await accountOf.call(this, session, origin);
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
): Promise<string> {
	const whoami = await getAccount(session);
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
	// Every page to its end: a first activation cannot emit, so it cannot resume either.
	const whole = { requestsBy: budget.requestsBy, budgetMs: budget.budgetMs };
	const top = { since: undefined, beforeId: undefined, floor: null };
	const newest = await listPart.call(this, settings.query, top, {
		session,
		budget: whole,
		clock,
		max: NEWEST_CANDIDATES,
	});
	const start = decideOrThrow(this, () =>
		startState(filterKey, owner, newest.conversations, clock.nowMs),
	);
	if (start.cursor === null) return start;
	const plan = { ...top, since: sinceFor(start, settings.windowMinutes) };
	const listed = await listPart.call(this, settings.query, plan, { session, budget: whole, clock });
	return decideOrThrow(this, () =>
		decide(start, listed.conversations, settings.windowMinutes, {
			serverNowMs: clock.nowMs,
			onlyFinished: settings.onlyFinished,
		}),
	).next;
}

async function latestConversation(
	this: IPollFunctions,
	session: RequestSession,
	query: ConversationQuery,
): Promise<ConversationSummary | undefined> {
	for await (const page of conversationPages(session, query, { max: 1 })) return page[0];
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
	const detail = await getConversation(session, latest.id);
	return [
		[{ json: (settings.transcriptText ? addTranscriptText(detail) : detail) as IDataObject }],
	];
}

interface FetchedDetails {
	/** The in-order prefix to emit: details, or summaries with an `error` for transcripts given up on. */
	items: IDataObject[];
	/** Conversations whose transcript failed on this poll for a reason of their own (counted towards giving up). */
	failed: Array<{ id: number; error: unknown }>;
	/** The first transcript that failed for a reason that is not its own (RingReady busy or unreachable). */
	deferred?: { id: number; error: unknown };
}

/**
 * The detail of each conversation through the poll's session (TRANSCRIPT_CONCURRENCY.default at a
 * time, fewer while RingReady answers 429), with the transport's one fetch-out: started in order,
 * none after `startBy` (but always the first). The result is the longest run from the start that
 * could be fetched: the caller emits it and leaves the rest to the next poll. A conversation whose
 * transcript has failed for a reason of its own on the previous polls (`givesUp`) is emitted
 * without it, with an `error` field, so it cannot hold back the ones after it for good. A failure
 * that is not the conversation's (see {@link failureOfItsOwn}) or the poll's time running out only
 * defers it and the ones after it to the next poll.
 */
async function fetchDetails(
	this: IPollFunctions,
	session: RequestSession,
	conversations: ConversationSummary[],
	settings: TriggerSettings,
	limits: { startBy?: number; requestsBy?: number; givesUp: (id: number) => boolean },
): Promise<FetchedDetails> {
	const result: FetchedDetails = { items: [], failed: [] };
	const deferred = new Set<number>();
	const timeIsUp = () => !session.hasTimeForRequest();
	const outcomes = await fetchConversationDetails(session, [conversations], {
		startBy: limits.startBy,
		stopAfter: ({ summary, error }) => {
			if (timeIsUp() || !failureOfItsOwn(error)) {
				deferred.add(summary.id);
				if (!timeIsUp()) result.deferred ??= { id: summary.id, error };
				return true;
			}
			result.failed.push({ id: summary.id, error });
			return !limits.givesUp(summary.id);
		},
	});

	for (const outcome of outcomes) {
		if (!outcome || deferred.has(outcome.summary.id)) break;
		const { summary, detail, error } = outcome;
		if (detail) {
			result.items.push(
				settings.transcriptText ? withTranscriptText(detail) : (detail as IDataObject),
			);
		} else if (limits.givesUp(summary.id)) {
			result.items.push({ ...summary, error: transcriptGivenUp(error) });
		} else {
			break;
		}
	}
	return result;
}

/**
 * Whether a failed transcript request failed because of that conversation (it is gone, RingReady
 * cannot serve it, or sent something unreadable for it), rather than because RingReady was busy
 * (429), unavailable (502, 503, 504), unreachable, or refused the key: those hit every request and
 * say nothing about the conversation.
 */
function failureOfItsOwn(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (Number.isInteger(status) && status >= 400) {
		return ![401, 403, 408, ...RETRYABLE_STATUSES].includes(status);
	}
	return Boolean((error.errorResponse as { unexpectedResponse?: unknown })?.unexpectedResponse);
}

/** Add Transcript Text; a turn that is not a turn is left out and named in an `error` field. */
function withTranscriptText(detail: ConversationDetail): IDataObject {
	const turns: unknown[] = Array.isArray(detail.transcript) ? detail.transcript : [];
	const bad = turns.findIndex(
		(turn) =>
			!turn ||
			typeof turn !== 'object' ||
			typeof (turn as TranscriptTurn).role !== 'string' ||
			typeof (turn as TranscriptTurn).content !== 'string',
	);
	if (bad === -1) return addTranscriptText(detail) as IDataObject;
	const readable = turns.filter(
		(turn) =>
			turn &&
			typeof turn === 'object' &&
			typeof (turn as TranscriptTurn).role === 'string' &&
			typeof (turn as TranscriptTurn).content === 'string',
	) as TranscriptTurn[];
	return {
		...detail,
		transcript_text: transcriptToText(readable),
		error: `The transcript has ${turns.length - readable.length} turn${turns.length - readable.length === 1 ? '' : 's'} without a role and text (the first is turn ${bad + 1}: ${JSON.stringify(turns[bad])?.slice(0, 60)}); Transcript Text leaves ${turns.length - readable.length === 1 ? 'it' : 'them'} out`,
	};
}

function withUnreadableNote(item: IDataObject, decision: Decision): IDataObject {
	if (!decision.unreadable.some(({ id }) => id === item.id)) return item;
	const note = `RingReady sent a started_at the trigger cannot read (${JSON.stringify(item.started_at)?.slice(0, 40)}): this conversation is emitted once, as it came, and does not move the trigger's position`;
	return { ...item, error: typeof item.error === 'string' ? `${note}. ${item.error}` : note };
}

function warnAboutUnreadable(this: IPollFunctions, unreadable: ConversationSummary[]): void {
	for (const conversation of unreadable) {
		this.logger.warn(
			`RingReady Trigger: conversation ${conversation.id} has a started_at the trigger cannot read (${JSON.stringify(conversation.started_at)?.slice(0, 40)}); emitted once with an error field, without moving the trigger's position`,
		);
	}
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
	const { deferred } = fetched;
	if (deferred) {
		this.logger.warn(
			`RingReady Trigger: could not fetch the transcript of conversation ${deferred.id}: ${reasonOf(deferred.error)}. That is not the conversation's own failure and does not count towards the ${TRANSCRIPT_ATTEMPTS} polls; it and the conversations after it follow at the next poll (${emitted} of ${total} emitted).`,
		);
	}
	if (blocking) {
		const attempt = transcriptFailures(state, blocking.id) + 1;
		this.logger.warn(
			`RingReady Trigger: could not fetch the transcript of conversation ${blocking.id} (poll ${attempt} of ${TRANSCRIPT_ATTEMPTS}): ${reasonOf(blocking.error)}. Emitted the ${emitted} conversations before it; it and the ${total - emitted - 1} after it are tried again at the next poll.`,
		);
	}
	if (deferred || blocking) return;
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
