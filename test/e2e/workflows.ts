/**
 * The workflows the e2e suite imports into real n8n. Node parameters are exactly what the editor
 * saves for the RingReady nodes, so these also document the parameter shapes.
 */

import { readFileSync } from 'fs';
import { join } from 'path';

export const NODE = 'n8n-nodes-ringready.ringReady';
export const TRIGGER = 'n8n-nodes-ringready.ringReadyTrigger';
export const TOOL = 'n8n-nodes-ringready.ringReadyTool';

export interface CredentialRef {
	id: string;
	name: string;
}

export const CREDENTIALS = {
	readWrite: { id: 'e2eReadWriteKey1', name: 'RingReady e2e read-write' },
	readOnly: { id: 'e2eReadOnlyKey01', name: 'RingReady e2e read-only' },
	revoked: { id: 'e2eRevokedKey001', name: 'RingReady e2e revoked' },
	/** API Key is an expression of the item: `$json.account` picks account A's or account B's key. */
	perItem: { id: 'e2ePerItemKey001', name: 'RingReady e2e key per item' },
} satisfies Record<string, CredentialRef>;

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, CredentialRef>;
	onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
	executeOnce?: boolean;
	webhookId?: string;
}

/** A node type as n8n's /types/nodes.json gives it to the editor (the fields the checks read). */
export interface NodeTypeDescription {
	name: string;
	version: number | number[];
	outputs?: unknown;
	polling?: boolean;
	codex?: { subcategories?: Record<string, string[]> };
	properties: Array<{ name: string; options?: Array<{ name: string }> }>;
}

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	>;
	settings: Record<string, unknown>;
	pinData: Record<string, unknown>;
}

export function locator(value: string | number): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value: String(value) };
}

/** Builds a workflow: `start` (a Manual Trigger named Start), then `chains` (each a list of nodes run one after another from it). */
export function workflow(
	id: string,
	name: string,
	chains: WorkflowNode[][],
	start = node('Start', 'n8n-nodes-base.manualTrigger', 1, {}),
): Workflow {
	const nodes: WorkflowNode[] = [start];
	const connections: Workflow['connections'] = {};
	const link = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	};
	chains.forEach((chain, row) => {
		let previous = start.name;
		chain.forEach((next, column) => {
			next.position = [250 * (column + 1), 200 * row];
			nodes.push(next);
			link(previous, next.name);
			previous = next.name;
		});
	});
	return {
		id,
		name,
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** A node; its id from its type and name (`workflow` sets the positions). */
export function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	const id = `${type.split('.').pop()}-${name.toLowerCase().replace(/\W+/g, '-')}`;
	return { id, name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

/** A RingReady node. */
export function ringReady(
	name: string,
	parameters: Record<string, unknown>,
	options: {
		credential?: CredentialRef;
		continueOnFail?: boolean;
		executeOnce?: boolean;
		/** 1 (the default here: Simplify) or 1.1 (Output), what a new node gets. */
		typeVersion?: number;
	} = {},
): WorkflowNode {
	const {
		credential: ref = CREDENTIALS.readWrite,
		continueOnFail,
		executeOnce,
		typeVersion,
	} = options;
	return node(name, NODE, typeVersion ?? 1, parameters, {
		credentials: { ringReadyApi: ref },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(executeOnce ? { executeOnce } : {}),
	});
}

/** A RingReady node: `resource` › `operation` with `parameters`. */
export function op(
	name: string,
	resource: string,
	operation: string,
	parameters: Record<string, unknown> = {},
	options?: Parameters<typeof ringReady>[2],
): WorkflowNode {
	return ringReady(name, { resource, operation, ...parameters }, options);
}

/** A credential in n8n's import shape. */
export function credential(ref: CredentialRef, type: string, data: Record<string, unknown>) {
	return { ...ref, type, data };
}

/** The node version with Output (Simplified / Raw / Selected Fields) instead of Simplify. */
export const OUTPUT_VERSION = 1.1;
const v11 = { typeVersion: OUTPUT_VERSION };
const onFail = { continueOnFail: true };
const once = { executeOnce: true };

/** Reads: every read operation, each on its own branch from Start. */
export function readsWorkflow(ids: { conversationId: number; agentId: number }): Workflow {
	const agentId = locator(ids.agentId);
	const transcripts = { includeTranscripts: true, transcriptText: true };
	const since = '={{ $now.minus({ days: 7 }).toISO() }}';
	return workflow('e2eReadsWorkflow', 'e2e reads', [
		[
			op('All Conversations', 'conversation', 'getAll', {
				returnAll: true,
				filters: {},
				options: {},
			}),
		],
		[
			op('Agent Phone Calls', 'conversation', 'getAll', {
				returnAll: true,
				filters: { agentId, channel: 'phone' },
				options: {},
			}),
		],
		[
			op('With Transcripts', 'conversation', 'getAll', {
				limit: 4,
				filters: {},
				options: { ...transcripts, maxConcurrency: 3 },
			}),
		],
		[
			op('Since Last Week', 'conversation', 'getAll', {
				returnAll: true,
				filters: { agentId, since },
				options: transcripts,
			}),
		],
		[
			op('One Conversation', 'conversation', 'get', {
				conversationId: locator(ids.conversationId),
				options: { transcriptText: true },
			}),
		],
		[op('Agents', 'agent', 'getAll', { returnAll: true })],
		[op('One Agent', 'agent', 'get', { agentId })],
		[op('Agent FAQ', 'faq', 'getAll', { agentId })],
		[op('Account', 'account', 'get')],
	]);
}

export const UPDATED_GOAL = 'Qualify leads, book consultations and answer pricing questions (e2e).';
export const UPDATED_GREETING =
	'Thanks for calling Acme Plumbing, this is Ava — how can I help? (e2e)';
export const REPLACED_FAQ = [
	{ question: 'Do you work weekends? (e2e)', answer: 'Yes, Saturday 9–5.' },
	{
		question: 'Do you offer financing? (e2e)',
		answer: 'Yes, 0% for 12 months on installs over $1,000.',
	},
];

/** Writes, in one chain so their order is fixed; nodes after a multi-item node run once. */
export function writesWorkflow(ids: { agentId: number; otherAgentId: number }): Workflow {
	const agentId = locator(ids.agentId);
	const updateFields = { agentGoal: UPDATED_GOAL, greetingMessage: UPDATED_GREETING };
	const entry = {
		question: '={{ "What about conversation " + $json.id + "? (e2e)" }}',
		answer: '={{ "Answer drafted from: " + $json.label }}',
	};
	const questions = ['Do you give free estimates?', 'A question that is not in the FAQ (e2e)'];
	const three = { limit: 3, filters: {}, options: {} };
	return workflow('e2eWritesWorkflo', 'e2e writes', [
		[
			op('Update Agent', 'agent', 'update', { agentId, updateFields }),
			op('Agent After Update', 'agent', 'get', { agentId }),
			op('Three Conversations', 'conversation', 'getAll', three, once),
			op('Upsert FAQ', 'faq', 'upsert', { agentId, entries: { entry: [entry] } }),
			op('Delete FAQ Entry', 'faq', 'delete', { agentId, questions }, once),
			op('FAQ After', 'faq', 'getAll', { agentId }, once),
			op(
				'Replace FAQ',
				'faq',
				'replace',
				{ agentId: locator(ids.otherAgentId), entries: { entry: REPLACED_FAQ } },
				once,
			),
		],
	]);
}

export const MISSING_CONVERSATION_ID = 987654;

/**
 * Download Recording (node version 1.1), as a user builds it: RingReady gets a call with its
 * recording as a file, an Edit Fields (Set) node reads the file's type, name and size into the item
 * (keeping the file), an Extract From File node reads its bytes (as base64). A web chat with
 * Download Recording on, and Get Many with Include Transcripts and Download Recording (Output Raw,
 * so recording_url and the transcript show), on their own branches.
 */
export function recordingWorkflow(ids: {
	callId: number;
	webChatId: number;
	agentId: number;
	recentCalls: number;
}): Workflow {
	const download = { downloadRecording: true };
	const fields = ['fileName', 'mimeType', 'fileExtension', 'fileSize', 'bytes'];
	const recordingDetails = node('Recording Details', 'n8n-nodes-base.set', 3.4, {
		mode: 'manual',
		assignments: {
			assignments: fields.map((name) => ({
				id: `recording-${name}`,
				name,
				value: `={{ $binary.data.${name} }}`,
				type: name === 'bytes' ? 'number' : 'string',
			})),
		},
		// Keeps the item's file: with "Include Other Input Fields" off, Edit Fields drops it.
		includeOtherFields: true,
		include: 'selected',
		includeFields: 'id',
		options: {},
	});
	const recordingBytes = node('Recording Bytes', 'n8n-nodes-base.extractFromFile', 1, {
		operation: 'binaryToPropery',
		binaryPropertyName: 'data',
		destinationKey: 'base64',
		options: {},
	});
	const getRecording = (name: string, id: number) =>
		op(name, 'conversation', 'get', { conversationId: locator(id), options: download }, v11);
	const recentCalls = {
		limit: ids.recentCalls,
		output: 'raw',
		filters: { agentId: locator(ids.agentId), channel: 'phone' },
		options: { includeTranscripts: true, ...download },
	};
	return workflow('e2eRecordingFlow', 'e2e download recording', [
		[getRecording('Call Recording', ids.callId), recordingDetails, recordingBytes],
		[getRecording('Web Chat Recording', ids.webChatId)],
		[op('Recent Calls With Recordings', 'conversation', 'getAll', recentCalls, v11)],
	]);
}

/** Failures with Continue On Fail: each becomes an error item, the workflow succeeds. */
export function errorsWorkflow(ids: {
	agentId: number;
	failingConversationLimit: number;
}): Workflow {
	const agentId = locator(ids.agentId);
	const readOnly = { ...onFail, credential: CREDENTIALS.readOnly };
	const website = { businessWebsite: 'https://acme.example' };
	const missing = { conversationId: locator(MISSING_CONVERSATION_ID), options: {} };
	const transcripts = {
		limit: ids.failingConversationLimit,
		filters: {},
		options: { includeTranscripts: true },
	};
	return workflow('e2eErrorsWorkflo', 'e2e errors with continue on fail', [
		[op('Missing Conversation', 'conversation', 'get', missing, onFail)],
		[op('Read-only Key Update', 'agent', 'update', { agentId, updateFields: website }, readOnly)],
		[op('Blank Goal', 'agent', 'update', { agentId, updateFields: { agentGoal: '   ' } }, onFail)],
		[op('One Transcript Fails', 'conversation', 'getAll', transcripts, onFail)],
	]);
}

/** The FAQ question the trust workflow tries to write to the other agent; it must not arrive. */
export const FAQ_NOT_LOST_QUESTION = 'Is my FAQ safe? (e2e)';
/** Never trusting the server: a redirect to another origin, and an FAQ write whose read is not an agent. */
export function trustWorkflow(ids: { agentId: number; otherAgentId: number }): Workflow {
	const entries = { entry: [{ question: FAQ_NOT_LOST_QUESTION, answer: 'Yes.' }] };
	const otherAgent = { agentId: locator(ids.otherAgentId), entries };
	return workflow('e2eTrustWorkflow', 'e2e trust', [
		[op('Redirected Agent', 'agent', 'get', { agentId: locator(ids.agentId) }, onFail)],
		[op('FAQ From A Web Page', 'faq', 'upsert', otherAgent, onFail)],
	]);
}

/** A revoked key without Continue On Fail: `n8n execute` must fail. */
export function failingWorkflow(): Workflow {
	return workflow('e2eFailingWorkfl', 'e2e revoked key fails', [
		[op('Revoked Key', 'account', 'get', {}, { credential: CREDENTIALS.revoked })],
	]);
}

/** A trigger workflow whose following node posts each conversation to `<sink>/sink/<workflow id>`. */
export function triggerWorkflow(
	sinkUrl: string,
	o: {
		id?: string;
		name?: string;
		credential?: CredentialRef;
		filters?: object;
		options?: object;
	} = {},
): Workflow {
	const id = o.id ?? 'e2eTriggerWorkfl';
	const trigger = node(
		'New Conversation',
		TRIGGER,
		1,
		{
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			event: 'newConversation',
			filters: o.filters ?? {},
			options: o.options ?? {},
		},
		{ id: `${id}-trigger`, credentials: { ringReadyApi: o.credential ?? CREDENTIALS.readOnly } },
	);
	const sink = node('Sink', 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: `${sinkUrl}/sink/${id}`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody:
			'={{ JSON.stringify({ executionId: $execution.id, mode: $execution.mode, conversation: $json }) }}',
		options: {},
	});
	return workflow(id, o.name ?? 'e2e trigger', [[sink]], trigger);
}

/** Items from a fixed list: a Set node (raw JSON) and a Split Out, as a user builds them. */
function itemsFrom(name: string, list: Array<Record<string, unknown>>): WorkflowNode[] {
	const jsonOutput = JSON.stringify({ list });
	return [
		node(`${name} List`, 'n8n-nodes-base.set', 3.4, { mode: 'raw', jsonOutput, options: {} }),
		node(`${name} Items`, 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'list', options: {} }),
	];
}

export const MANY_ITEMS = {
	alphaQuestion: 'Alpha question? (e2e)',
	bravoQuestion: 'Bravo question? (e2e)',
	firstGreeting: 'First greeting (e2e)',
	secondGreeting: 'Second greeting (e2e)',
};

/** Many items: a credential per item (Account → Get, FAQ edits across accounts), and two updates of one agent. */
export function manyItemsWorkflow(ids: { agentId: number; otherAgentId: number }): Workflow {
	const perItem = { credential: CREDENTIALS.perItem };
	const agentId = locator('={{ $json.agent }}');
	const entries = { entry: [{ question: '={{ $json.question }}', answer: 'Yes (e2e).' }] };
	const greetingMessage = '={{ $json.greeting }}';
	return workflow('e2eManyItemsFlow', 'e2e many items', [
		[
			...itemsFrom('Accounts', [{ account: 'alpha' }, { account: 'bravo' }, { account: 'alpha' }]),
			op('Account Per Item', 'account', 'get', {}, perItem),
		],
		[
			...itemsFrom('FAQ Edits', [
				{ account: 'alpha', agent: ids.agentId, question: MANY_ITEMS.alphaQuestion },
				{ account: 'bravo', agent: ids.agentId, question: MANY_ITEMS.bravoQuestion },
			]),
			op('FAQ Per Account', 'faq', 'upsert', { agentId, entries }, { ...perItem, ...onFail }),
		],
		[
			...itemsFrom('Greetings', [
				{ agent: ids.otherAgentId, greeting: MANY_ITEMS.firstGreeting },
				{ agent: ids.otherAgentId, greeting: MANY_ITEMS.secondGreeting },
			]),
			op('Greetings In Order', 'agent', 'update', { agentId, updateFields: { greetingMessage } }),
		],
	]);
}

/** An example workflow from examples/, as a user imports it. */
export function loadExample(file: string): Workflow {
	const text = readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8');
	return JSON.parse(text) as Workflow;
}
