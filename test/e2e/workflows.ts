/**
 * The workflows the e2e suite imports into real n8n. Node parameters are exactly what the editor
 * saves for the RingReady nodes, so these also document the parameter shapes.
 */

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

let nodeCounter = 0;

/** Builds a workflow: a Manual Trigger named Start, then `chains` (each a list of nodes run one after another from Start). */
export function workflow(id: string, name: string, chains: WorkflowNode[][]): Workflow {
	const start: WorkflowNode = {
		id: `start-${id}`,
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodes: WorkflowNode[] = [start];
	const connections: Workflow['connections'] = {};
	const link = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	};
	chains.forEach((chain, row) => {
		let previous = start.name;
		chain.forEach((node, column) => {
			node.position = [250 * (column + 1), 200 * row];
			nodes.push(node);
			link(previous, node.name);
			previous = node.name;
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
	const node: WorkflowNode = {
		id: `rr-${++nodeCounter}`,
		name,
		type: NODE,
		typeVersion: options.typeVersion ?? 1,
		position: [0, 0],
		parameters,
		credentials: { ringReadyApi: options.credential ?? CREDENTIALS.readWrite },
	};
	if (options.continueOnFail) node.onError = 'continueRegularOutput';
	if (options.executeOnce) node.executeOnce = true;
	return node;
}

/** Reads: every read operation, each on its own branch from Start. */
export function readsWorkflow(ids: { conversationId: number; agentId: number }): Workflow {
	return workflow('e2eReadsWorkflow', 'e2e reads', [
		[
			ringReady('All Conversations', {
				resource: 'conversation',
				operation: 'getAll',
				returnAll: true,
				filters: {},
				options: {},
			}),
		],
		[
			ringReady('Agent Phone Calls', {
				resource: 'conversation',
				operation: 'getAll',
				returnAll: true,
				filters: { agentId: locator(ids.agentId), channel: 'phone' },
				options: {},
			}),
		],
		[
			ringReady('With Transcripts', {
				resource: 'conversation',
				operation: 'getAll',
				returnAll: false,
				limit: 4,
				filters: {},
				options: { includeTranscripts: true, transcriptText: true, maxConcurrency: 3 },
			}),
		],
		[
			ringReady('Since Last Week', {
				resource: 'conversation',
				operation: 'getAll',
				returnAll: true,
				filters: { agentId: locator(ids.agentId), since: '={{ $now.minus({ days: 7 }).toISO() }}' },
				options: { includeTranscripts: true, transcriptText: true },
			}),
		],
		[
			ringReady('One Conversation', {
				resource: 'conversation',
				operation: 'get',
				conversationId: locator(ids.conversationId),
				options: { transcriptText: true },
			}),
		],
		[ringReady('Agents', { resource: 'agent', operation: 'getAll', returnAll: true })],
		[
			ringReady('One Agent', {
				resource: 'agent',
				operation: 'get',
				agentId: locator(ids.agentId),
			}),
		],
		[
			ringReady('Agent FAQ', {
				resource: 'faq',
				operation: 'getAll',
				agentId: locator(ids.agentId),
			}),
		],
		[ringReady('Account', { resource: 'account', operation: 'get' })],
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
	return workflow('e2eWritesWorkflo', 'e2e writes', [
		[
			ringReady('Update Agent', {
				resource: 'agent',
				operation: 'update',
				agentId,
				updateFields: { agentGoal: UPDATED_GOAL, greetingMessage: UPDATED_GREETING },
			}),
			ringReady('Agent After Update', { resource: 'agent', operation: 'get', agentId }),
			ringReady(
				'Three Conversations',
				{
					resource: 'conversation',
					operation: 'getAll',
					returnAll: false,
					limit: 3,
					filters: {},
					options: {},
				},
				{ executeOnce: true },
			),
			ringReady('Upsert FAQ', {
				resource: 'faq',
				operation: 'upsert',
				agentId,
				entries: {
					entry: [
						{
							question: '={{ "What about conversation " + $json.id + "? (e2e)" }}',
							answer: '={{ "Answer drafted from: " + $json.label }}',
						},
					],
				},
			}),
			ringReady(
				'Delete FAQ Entry',
				{
					resource: 'faq',
					operation: 'delete',
					agentId,
					questions: ['Do you give free estimates?', 'A question that is not in the FAQ (e2e)'],
				},
				{ executeOnce: true },
			),
			ringReady(
				'FAQ After',
				{ resource: 'faq', operation: 'getAll', agentId },
				{ executeOnce: true },
			),
			ringReady(
				'Replace FAQ',
				{
					resource: 'faq',
					operation: 'replace',
					agentId: locator(ids.otherAgentId),
					entries: { entry: REPLACED_FAQ },
				},
				{ executeOnce: true },
			),
		],
	]);
}

export const MISSING_CONVERSATION_ID = 987654;

/** The node version with Output (Simplified / Raw / Selected Fields) instead of Simplify. */
export const OUTPUT_VERSION = 1.1;

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
	const recordingDetails: WorkflowNode = {
		id: 'set-recording-details',
		name: 'Recording Details',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: [0, 0],
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: [
					['fileName', '={{ $binary.data.fileName }}', 'string'],
					['mimeType', '={{ $binary.data.mimeType }}', 'string'],
					['fileExtension', '={{ $binary.data.fileExtension }}', 'string'],
					['fileSize', '={{ $binary.data.fileSize }}', 'string'],
					['bytes', '={{ $binary.data.bytes }}', 'number'],
				].map(([name, value, type]) => ({ id: `recording-${name}`, name, value, type })),
			},
			// Keeps the item's file: with "Include Other Input Fields" off, Edit Fields drops it.
			includeOtherFields: true,
			include: 'selected',
			includeFields: 'id',
			options: {},
		},
	};
	const recordingBytes: WorkflowNode = {
		id: 'extract-recording-bytes',
		name: 'Recording Bytes',
		type: 'n8n-nodes-base.extractFromFile',
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			operation: 'binaryToPropery',
			binaryPropertyName: 'data',
			destinationKey: 'base64',
			options: {},
		},
	};
	return workflow('e2eRecordingFlow', 'e2e download recording', [
		[
			ringReady(
				'Call Recording',
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: locator(ids.callId),
					options: download,
				},
				{ typeVersion: OUTPUT_VERSION },
			),
			recordingDetails,
			recordingBytes,
		],
		[
			ringReady(
				'Web Chat Recording',
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: locator(ids.webChatId),
					options: download,
				},
				{ typeVersion: OUTPUT_VERSION },
			),
		],
		[
			ringReady(
				'Recent Calls With Recordings',
				{
					resource: 'conversation',
					operation: 'getAll',
					returnAll: false,
					limit: ids.recentCalls,
					output: 'raw',
					filters: { agentId: locator(ids.agentId), channel: 'phone' },
					options: { includeTranscripts: true, ...download },
				},
				{ typeVersion: OUTPUT_VERSION },
			),
		],
	]);
}

/** Failures with Continue On Fail: each becomes an error item, the workflow succeeds. */
export function errorsWorkflow(ids: {
	agentId: number;
	failingConversationLimit: number;
}): Workflow {
	return workflow('e2eErrorsWorkflo', 'e2e errors with continue on fail', [
		[
			ringReady(
				'Missing Conversation',
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: locator(MISSING_CONVERSATION_ID),
					options: {},
				},
				{ continueOnFail: true },
			),
		],
		[
			ringReady(
				'Read-only Key Update',
				{
					resource: 'agent',
					operation: 'update',
					agentId: locator(ids.agentId),
					updateFields: { businessWebsite: 'https://acme.example' },
				},
				{ continueOnFail: true, credential: CREDENTIALS.readOnly },
			),
		],
		[
			ringReady(
				'Blank Goal',
				{
					resource: 'agent',
					operation: 'update',
					agentId: locator(ids.agentId),
					updateFields: { agentGoal: '   ' },
				},
				{ continueOnFail: true },
			),
		],
		[
			ringReady(
				'One Transcript Fails',
				{
					resource: 'conversation',
					operation: 'getAll',
					returnAll: false,
					limit: ids.failingConversationLimit,
					filters: {},
					options: { includeTranscripts: true },
				},
				{ continueOnFail: true },
			),
		],
	]);
}

/** The FAQ question the trust workflow tries to write to the other agent; it must not arrive. */
export const FAQ_NOT_LOST_QUESTION = 'Is my FAQ safe? (e2e)';
/**
 * Never trusting the server: a redirect to another origin, and an FAQ write whose read is not an
 * agent; errors become items.
 */
export function trustWorkflow(ids: { agentId: number; otherAgentId: number }): Workflow {
	return workflow('e2eTrustWorkflow', 'e2e trust', [
		[
			ringReady(
				'Redirected Agent',
				{ resource: 'agent', operation: 'get', agentId: locator(ids.agentId) },
				{ continueOnFail: true },
			),
		],
		[
			ringReady(
				'FAQ From A Web Page',
				{
					resource: 'faq',
					operation: 'upsert',
					agentId: locator(ids.otherAgentId),
					entries: { entry: [{ question: FAQ_NOT_LOST_QUESTION, answer: 'Yes.' }] },
				},
				{ continueOnFail: true },
			),
		],
	]);
}

/** A revoked key without Continue On Fail: `n8n execute` must fail. */
export function failingWorkflow(): Workflow {
	return workflow('e2eFailingWorkfl', 'e2e revoked key fails', [
		[
			ringReady(
				'Revoked Key',
				{ resource: 'account', operation: 'get' },
				{ credential: CREDENTIALS.revoked },
			),
		],
	]);
}

/** The trigger, followed by an HTTP Request that posts every emitted conversation to the test's sink. */
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
	const trigger: WorkflowNode = {
		id: `${id}-trigger`,
		name: 'New Conversation',
		type: TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			event: 'newConversation',
			filters: o.filters ?? {},
			options: o.options ?? {},
		},
		credentials: { ringReadyApi: o.credential ?? CREDENTIALS.readOnly },
	};
	const sink: WorkflowNode = {
		id: `${id}-sink`,
		name: 'Sink',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [250, 0],
		parameters: {
			method: 'POST',
			url: `${sinkUrl}/sink/${id}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody:
				'={{ JSON.stringify({ executionId: $execution.id, mode: $execution.mode, conversation: $json }) }}',
			options: {},
		},
	};
	return {
		id,
		name: o.name ?? 'e2e trigger',
		active: false,
		nodes: [trigger, sink],
		connections: { 'New Conversation': { main: [[{ node: 'Sink', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Items from a fixed list: a Set node (raw JSON) and a Split Out, as a user builds them. */
function itemsFrom(name: string, list: Array<Record<string, unknown>>): WorkflowNode[] {
	return [
		{
			id: `set-${name}`,
			name: `${name} List`,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [0, 0],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ list }), options: {} },
		},
		{
			id: `split-${name}`,
			name: `${name} Items`,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [0, 0],
			parameters: { fieldToSplitOut: 'list', options: {} },
		},
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
	return workflow('e2eManyItemsFlow', 'e2e many items', [
		[
			...itemsFrom('Accounts', [{ account: 'alpha' }, { account: 'bravo' }, { account: 'alpha' }]),
			ringReady(
				'Account Per Item',
				{ resource: 'account', operation: 'get' },
				{ credential: CREDENTIALS.perItem },
			),
		],
		[
			...itemsFrom('FAQ Edits', [
				{ account: 'alpha', agent: ids.agentId, question: MANY_ITEMS.alphaQuestion },
				{ account: 'bravo', agent: ids.agentId, question: MANY_ITEMS.bravoQuestion },
			]),
			ringReady(
				'FAQ Per Account',
				{
					resource: 'faq',
					operation: 'upsert',
					agentId: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
					entries: { entry: [{ question: '={{ $json.question }}', answer: 'Yes (e2e).' }] },
				},
				{ credential: CREDENTIALS.perItem, continueOnFail: true },
			),
		],
		[
			...itemsFrom('Greetings', [
				{ agent: ids.otherAgentId, greeting: MANY_ITEMS.firstGreeting },
				{ agent: ids.otherAgentId, greeting: MANY_ITEMS.secondGreeting },
			]),
			ringReady('Greetings In Order', {
				resource: 'agent',
				operation: 'update',
				agentId: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
				updateFields: { greetingMessage: '={{ $json.greeting }}' },
			}),
		],
	]);
}
