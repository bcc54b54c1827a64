import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { searchAgents } from '../RingReady/methods/listSearch';
import type { ConversationSummary } from '../RingReady/shared/contract';
import { buildConversationQuery } from '../RingReady/shared/conversationQuery';
import {
	conversationFilters,
	optionsCollection,
	transcriptTextOption,
} from '../RingReady/shared/descriptions';
import {
	CONVERSATION_FULL_FIELDS,
	CONVERSATION_OUTPUT,
	executionData,
	OutputItem,
	outputProperties,
	readOutput,
	shapeConversation,
} from '../RingReady/shared/output';
import { readRecordingDownload, recordingOptions } from '../RingReady/shared/recording';
import { agentIdFromLocator, invalid } from '../RingReady/shared/validation';
import {
	DEFAULT_LATE_ARRIVAL_MINUTES,
	MAX_FUTURE_IDS,
	MAX_LATE_ARRIVAL_MINUTES,
	TRANSCRIPT_ATTEMPTS,
	decideListing,
	filterKeyFor,
	givesUpOnTranscript,
	planListing,
	shown,
	startState,
	transcriptFailures,
} from './cursor';
import type { Decision, TriggerState } from './cursor';
import { PollFetch, reasonOf, type Fetched, type FetchedDetails } from './fetch';
import { acquirePollLease, findState, sameState, setActivationRecord } from './state';
import { triggerKey, writeState } from './state';

const STATE_UNCHANGED =
	'Nothing was emitted and the trigger kept its position: the next poll picks up every new conversation, once.';
/** Read at activation (one page) to find the newest with a readable start time. */
const NEWEST_CANDIDATES = 20;

type TriggerSettings = ReturnType<typeof readSettings>;

export class RingReadyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RingReady Trigger',
		name: 'ringReadyTrigger',
		icon: { light: 'file:../../icons/ringready.svg', dark: 'file:../../icons/ringready.dark.svg' },
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
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
			...outputProperties({
				...CONVERSATION_OUTPUT,
				fieldsNote: `. Choosing ${CONVERSATION_FULL_FIELDS.join(', ')} fetches each new conversation in full, as Include Transcript does.`,
			}),
			optionsCollection([
				{
					displayName: 'Include Transcript',
					name: 'includeTranscript',
					type: 'boolean',
					default: false,
					description:
						'Whether to fetch each new conversation in full before emitting it: transcript, recording URL and visitor IP (one extra request per conversation)',
				},
				transcriptTextOption('. Turns on Include Transcript.'),
				...recordingOptions(
					'. Turns on Include Transcript: the recording address comes with the full conversation.',
				),
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
			]),
		],
	};

	methods = { listSearch: { searchAgents } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings.call(this);
		const manual = this.getMode() === 'manual';
		const requests = new PollFetch(this, !manual);
		if (manual) return await fetchTestEvent.call(this, requests, settings);
		const staticData = this.getWorkflowStaticData('node');
		const lease = acquirePollLease(triggerKey(this), staticData, requests.deadline, () =>
			requests.cancel(),
		);
		if (!lease) {
			this.logger.info(
				'RingReady Trigger: the previous poll of this trigger is still running; this poll does nothing',
			);
			return null;
		}
		try {
			const { state, started, items } = await pollOnce.call(this, requests, settings);
			if (!lease.holds()) return null; // A newer poll took over: it alone writes and emits.
			if (state) writeState(staticData, state);
			setActivationRecord(this, started ? state : undefined);
			return items.length > 0 ? [items] : null;
		} catch (error) {
			if (!lease.holds()) return null;
			throw explainFailure.call(this, error);
		} finally {
			lease.release();
		}
	}
}

/**
 * One poll: what to emit and the state to save (none: unchanged), written by the caller only once
 * everything succeeded, so a failed poll leaves it as it was.
 */
async function pollOnce(
	this: IPollFunctions,
	requests: PollFetch,
	settings: TriggerSettings,
): Promise<{ state?: TriggerState; started?: boolean; items: INodeExecutionData[] }> {
	const { query, windowMinutes, onlyFinished } = settings;
	const filterKey = filterKeyFor(query);
	const found = await findState(this, filterKey, requests);
	if (!('state' in found)) {
		// First activation, or new filters or account: the newest conversations, nothing emitted.
		const { conversations } = await requests.listPart(query, { floor: null }, NEWEST_CANDIDATES);
		const start = startState(filterKey, found, conversations, requests.serverNowMs);
		return { state: start, started: true, items: [] };
	}
	const { state } = found;
	const plan = planListing(state, windowMinutes);
	const listed = await requests.listPart(query, plan);
	const { serverNowMs } = requests;
	const step = decideListing(state, plan, listed, windowMinutes, { serverNowMs, onlyFinished });
	if ('resume' in step) {
		this.logger.info(
			`RingReady Trigger: listed ${listed.pages} page${listed.pages === 1 ? '' : 's'} of new conversations within the poll's time budget; the listing continues at the next poll and every conversation is emitted once, oldest first`,
		);
		return { state: step.resume, items: [] };
	}
	const { decision } = step;
	const fetched = await requests.details(decision.emit, settings, (id) =>
		givesUpOnTranscript(state, id),
	);
	const next = step.after(fetched.items.length, fetched.failedIds);
	logWarnings.call(this, decision, fetched, state, serverNowMs);
	const changed = !sameState(state, next) || found.changed;
	const items = fetched.items.flatMap((item) => outputItem(item, settings, decision));
	return { state: changed ? next : undefined, items };
}

/** One conversation as the RingReady node outputs it (Output, transcript text), with the trigger's notes. */
function outputItem(
	{ conversation, errors, binary }: Fetched,
	{ transcriptText, output }: TriggerSettings,
	decision?: Decision,
): INodeExecutionData[] {
	if (decision?.unreadable.some(({ id }) => id === conversation.id))
		errors = [
			`RingReady sent a started_at the trigger cannot read (${shown(conversation.started_at)}): this conversation is emitted once, as it came, and does not move the trigger's position`,
			...errors,
		];
	const json = shapeConversation(conversation, { transcriptText, output }, errors);
	return executionData(new OutputItem(json, binary));
}

function readSettings(this: IPollFunctions) {
	const node = this.getNode();
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const query = buildConversationQuery(
		node,
		this.getNodeParameter('filters', {}) as IDataObject,
		() => {
			const locator = this.getNodeParameter('filters.agentId', '') as { value?: unknown };
			return (locator?.value ?? locator) === '' ? '' : agentIdFromLocator(node, locator);
		},
		this.getTimezone(),
	);
	const windowMinutes = Number(options.lateArrivalMinutes ?? DEFAULT_LATE_ARRIVAL_MINUTES);
	if (!(windowMinutes >= 0 && windowMinutes <= MAX_LATE_ARRIVAL_MINUTES)) {
		const got = String(options.lateArrivalMinutes).slice(0, 40);
		const message = `Late-Arrival Window must be between 0 and ${MAX_LATE_ARRIVAL_MINUTES} minutes, got "${got}"`;
		const description = `Set it in the trigger's options; ${DEFAULT_LATE_ARRIVAL_MINUTES} suits most accounts.`;
		throw invalid(node, undefined, message, description);
	}
	const output = readOutput.call(this, node, undefined, CONVERSATION_OUTPUT);
	const fullField =
		output.mode === 'selectedFields' &&
		output.fields.some((field) => CONVERSATION_FULL_FIELDS.includes(field));
	const download = readRecordingDownload(node, options);
	const withDetail = Boolean(
		options.includeTranscript || options.transcriptText || download || fullField,
	);
	const transcriptText = Boolean(options.transcriptText);
	const onlyFinished = options.onlyFinished !== false;
	return { query, windowMinutes, withDetail, transcriptText, onlyFinished, output, download };
}

/** "Fetch Test Event": the most recent matching conversation, as a poll emits it; never touches the state. */
async function fetchTestEvent(
	this: IPollFunctions,
	requests: PollFetch,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][]> {
	const { query } = settings;
	const [latest] = (await requests.listPart(query, { floor: null }, 1)).conversations;
	if (!latest) {
		const scope = [
			query.channel && { phone: 'phone calls', web_chat: 'web chats' }[query.channel],
			query.agent_id !== undefined && `agent ${query.agent_id}`,
		].filter(Boolean);
		const forFilters = scope.length > 0 ? ` for these filters (${scope.join(', ')})` : '';
		const description =
			"Make one: call the agent's phone number, or open the web chat on the website where it is installed and send a message. When the conversation has ended (RingReady processes calls shortly after they end), click Fetch Test Event again.";
		const message = `There is no RingReady conversation yet${forFilters}`;
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	// As a poll fetches it; a transcript that fails fails the test event.
	const { items, deferred, blocking } = await requests.details([latest], settings, () => false);
	if (!items[0]) throw (deferred ?? blocking)?.error;
	return [outputItem(items[0], settings)];
}

/** Logs failed transcripts, and what was emitted with a date the trigger cannot place, or thawed. */
function logWarnings(
	this: IPollFunctions,
	decision: Decision,
	{ items, deferred, blocking }: FetchedDetails,
	state: TriggerState,
	serverNowMs?: number,
) {
	const [emitted, total] = [items.length, decision.emit.length];
	const serverTime = serverNowMs === undefined ? 'unknown' : new Date(serverNowMs).toISOString();
	const [skipped] = decision.skippedFuture;
	const ids = new Set(items.map(({ conversation }) => conversation.id));
	const emittedOf = (list: ConversationSummary[]) => list.filter(({ id }) => ids.has(id));
	const warnings = [
		deferred &&
			`could not fetch the transcript of conversation ${deferred.id}: ${reasonOf(deferred.error)}. That is not the conversation's own failure and does not count towards the ${TRANSCRIPT_ATTEMPTS} polls; it and the conversations after it follow at the next poll (${emitted} of ${total} emitted).`,
		blocking &&
			`could not fetch the transcript of conversation ${blocking.id} (poll ${transcriptFailures(state, blocking.id) + 1} of ${TRANSCRIPT_ATTEMPTS}): ${reasonOf(blocking.error)}. Emitted the ${emitted} conversations before it; it and the ${total - emitted - 1} after it are tried again at the next poll.`,
		...emittedOf(decision.future).map(
			({ id, started_at }) =>
				`conversation ${id} is dated in the future (started_at ${started_at}, RingReady's clock ${serverTime}); emitted once, without moving the trigger's position`,
		),
		skipped &&
			`skipped ${decision.skippedFuture.length} conversations dated in the future (e.g. ${skipped.id} at ${skipped.started_at}): ${MAX_FUTURE_IDS} such conversations are remembered already`,
		decision.thawed &&
			`the saved position lay in the future (a conversation dated ahead of RingReady's clock ${serverTime}); it was moved back to RingReady's clock`,
		...emittedOf(decision.unreadable).map(
			({ id, started_at }) =>
				`conversation ${id} has a started_at the trigger cannot read (${shown(started_at)}); emitted once with an error field, without moving the trigger's position`,
		),
	];
	for (const warning of warnings) if (warning) this.logger.warn(`RingReady Trigger: ${warning}`);
}

/** Adds to a poll's error that nothing was emitted and the state was kept. */
function explainFailure(this: IPollFunctions, error: unknown): Error {
	const failure =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), `RingReady Trigger failed: ${reasonOf(error)}`);
	failure.description = [failure.description, STATE_UNCHANGED].filter(Boolean).join(' ');
	return failure;
}
