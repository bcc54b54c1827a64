import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { searchAgents } from '../RingReady/methods/listSearch';
import type { ConversationDetail, ConversationQuery, ConversationSummary } from '../RingReady/shared/contract';
import { TRANSCRIPT_CONCURRENCY } from '../RingReady/shared/contract';
import { buildConversationQuery } from '../RingReady/shared/conversationQuery';
import { conversationFilters, transcriptTextOption } from '../RingReady/shared/descriptions';
import { addTranscriptText } from '../RingReady/shared/transcript';
import { conversationPages, getConversation } from '../RingReady/transport/conversations';
import { RequestThrottle } from '../RingReady/transport/throttle';
import {
	DEFAULT_LATE_ARRIVAL_MINUTES,
	InvalidStartedAtError,
	MAX_LATE_ARRIVAL_MINUTES,
	decide,
	filterKeyFor,
	readState,
	sameState,
	sinceFor,
	startState,
	writeState,
} from './cursor';
import type { TriggerState } from './cursor';

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
		if (this.getMode() === 'manual') return await fetchTestEvent.call(this, settings);

		// Static data is only written after everything succeeded: a poll that fails leaves the state
		// exactly as it was, so the next poll emits the same conversations (once).
		const staticData = this.getWorkflowStaticData('node');
		const filterKey = filterKeyFor(settings.query);
		const state = readState(staticData, filterKey);
		try {
			if (!state) {
				writeState(staticData, await activate.call(this, settings, filterKey));
				return null;
			}
			const deadline = pollDeadline.call(this);
			const listed = await listConversations.call(this, settings.query, sinceFor(state, settings.windowMinutes));
			const { emit, next: complete } = decideOrThrow(this, () => decide(state, listed, settings.windowMinutes));
			let next = complete;
			let items: ConversationSummary[] = emit;
			if (settings.withDetail) {
				items = await fetchDetails.call(this, emit, settings, deadline);
				if (items.length < emit.length) {
					this.logger.info(
						`RingReady Trigger: fetched ${items.length} of ${emit.length} new conversations within the poll's time budget; the rest follow at the next poll`,
					);
					const fetched = items.length;
					next = decideOrThrow(this, () =>
						decide(state, listed, settings.windowMinutes, { maxEmit: fetched }),
					).next;
				}
			}
			if (!sameState(state, next)) writeState(staticData, next);
			return items.length === 0 ? null : [items.map((json) => ({ json: json as IDataObject }))];
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
			{ description: `Set it in the trigger's options; ${DEFAULT_LATE_ARRIVAL_MINUTES} suits most accounts.` },
		);
	}
	return {
		query,
		windowMinutes: window,
		withDetail: Boolean(options.includeTranscript || options.transcriptText),
		transcriptText: Boolean(options.transcriptText),
	};
}

/** Lists every conversation matching the query from `since` on (inclusive), following every page. */
async function listConversations(
	this: IPollFunctions,
	query: ConversationQuery,
	since: string | undefined,
): Promise<ConversationSummary[]> {
	const conversations: ConversationSummary[] = [];
	for await (const page of conversationPages.call(this, since === undefined ? query : { ...query, since })) {
		conversations.push(...page);
	}
	return conversations;
}

/** Epoch ms (host clock: timing only, never the cursor) after which no transcript fetch starts. */
function pollDeadline(this: IPollFunctions): number | undefined {
	// Present in n8n 2.38+; older n8n has no budget.
	const getBudget = (this as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>).getPollBudgetMs;
	if (typeof getBudget !== 'function') return undefined;
	const budget = Number(getBudget.call(this));
	return Number.isFinite(budget) && budget > 0 ? Date.now() + budget * DETAIL_BUDGET_SHARE : undefined;
}

/**
 * First activation (or changed filters): emit nothing. The cursor starts at the newest conversation
 * (one request); then the whole late-arrival window is listed into `seen`, so that nothing from before
 * activation is emitted later. With no conversation at all, the next poll emits whatever appears.
 */
async function activate(this: IPollFunctions, settings: TriggerSettings, filterKey: string): Promise<TriggerState> {
	const newest = await latestConversation.call(this, settings.query);
	const start = decideOrThrow(this, () => startState(filterKey, newest));
	if (start.cursor === null) return start;
	const listed = await listConversations.call(this, settings.query, sinceFor(start, settings.windowMinutes));
	return decideOrThrow(this, () => decide(start, listed, settings.windowMinutes)).next;
}

async function latestConversation(
	this: IPollFunctions,
	query: ConversationQuery,
): Promise<ConversationSummary | undefined> {
	for await (const page of conversationPages.call(this, query, { max: 1 })) return page[0];
	return undefined;
}

/** "Fetch Test Event": the most recent matching conversation; never reads or writes the state. */
async function fetchTestEvent(this: IPollFunctions, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const latest = await latestConversation.call(this, settings.query);
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
	const [item] = settings.withDetail ? await fetchDetails.call(this, [latest], settings) : [latest];
	return [[{ json: item as IDataObject }]];
}

/**
 * The detail of each conversation, in the same order, TRANSCRIPT_CONCURRENCY.default at a time (fewer while
 * RingReady answers 429). Conversations are started in order and none is started after `deadline`
 * (but always the first), so the result is the first N of them: the caller emits those and leaves
 * the rest to the next poll. Any failure fails the whole poll, and nothing is emitted.
 */
async function fetchDetails(
	this: IPollFunctions,
	conversations: ConversationSummary[],
	settings: TriggerSettings,
	deadline?: number,
): Promise<ConversationDetail[]> {
	const throttle = new RequestThrottle(TRANSCRIPT_CONCURRENCY.default);
	const details: ConversationDetail[] = [];
	const failures: Array<{ id: number; error: unknown }> = [];
	let next = 0;
	const worker = async () => {
		while (next < conversations.length && failures.length === 0) {
			if (next > 0 && deadline !== undefined && Date.now() > deadline) return;
			const index = next++;
			const { id } = conversations[index];
			try {
				details[index] = await getConversation.call(this, id, { throttle });
			} catch (error) {
				failures.push({ id, error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(TRANSCRIPT_CONCURRENCY.default, conversations.length) }, worker));

	if (failures.length > 0) {
		const { id, error } = failures[0];
		const reason = error instanceof Error ? error.message : String(error);
		const message = `Could not fetch conversation ${id} with its transcript: ${reason}`;
		const description = (error as { description?: string | null }).description ?? undefined;
		if (error instanceof NodeApiError) {
			error.message = message;
			throw error;
		}
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	return details.slice(0, next).map((detail) => (settings.transcriptText ? addTranscriptText(detail) : detail));
}

function decideOrThrow<T>(context: IPollFunctions, run: () => T): T {
	try {
		return run();
	} catch (error) {
		if (error instanceof InvalidStartedAtError) {
			throw new NodeOperationError(context.getNode(), `RingReady sent an unexpected conversation: ${error.message}`, {
				description:
					'The trigger orders conversations by their start time and cannot place this one. Contact RingReady support if this persists.',
			});
		}
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** Adds to a poll's error that nothing was emitted and the state was kept. */
function explainFailure(this: IPollFunctions, error: unknown): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = error.description ? `${error.description} ${STATE_UNCHANGED}` : STATE_UNCHANGED;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(this.getNode(), `RingReady Trigger failed: ${message}`, {
		description: STATE_UNCHANGED,
	});
}
