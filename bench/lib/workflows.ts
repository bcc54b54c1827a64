/**
 * The workflows the benchmark runs in real n8n. Each is what a user would build in the editor:
 * Manual Trigger → the nodes doing the job.
 */
import { randomUUID } from 'crypto';

export interface CredentialRef {
	id: string;
	name: string;
}

/** n8n's HTTP Request node version a new node gets in n8n 2.41. */
export const HTTP_REQUEST_VERSION = 4.5;

export const HTTP_NODES = {
	list: 'List conversations',
	split: 'Split Out',
	detail: 'Get conversation',
} as const;
/** Node names: Get Many with transcripts; the items job (list → Get per item); the bare loop. */
export const OUR_NODE = 'RingReady';
export const ITEMS_NODES = {
	list: 'List (RingReady)',
	get: 'Conversation Get',
	loop: 'Bench HTTP Loop',
} as const;

interface NodeSettings {
	onError?: 'continueRegularOutput';
}

function workflow(id: string, name: string, nodes: object[], chain: string[]): object {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < chain.length - 1; i++) {
		connections[chain[i]] = { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] };
	}
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

function node(
	name: string,
	type: string,
	typeVersion: number,
	x: number,
	parameters: object,
	extra: object = {},
): object {
	return { id: randomUUID(), name, type, typeVersion, position: [x, 0], parameters, ...extra };
}

const manualTrigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, 0, {});

export type HttpAuth =
	| { kind: 'credential'; credential: CredentialRef }
	| { kind: 'header'; apiKey: string };

/**
 * HTTP Request (GET /conversations, 200 per page, n8n's pagination following next_before_id) →
 * Split Out (conversations) → HTTP Request (GET /conversations/{id}, one per item, n8n's default
 * batching: all at once). The bearer key through a Header Auth credential, or as a plain header.
 */
export function httpRequestWorkflow(
	id: string,
	baseUrl: string,
	auth: HttpAuth,
	detailSettings: NodeSettings = {},
): object {
	const authParameters =
		auth.kind === 'credential'
			? { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' }
			: {
					sendHeaders: true,
					headerParameters: {
						parameters: [{ name: 'Authorization', value: `Bearer ${auth.apiKey}` }],
					},
				};
	const extra =
		auth.kind === 'credential' ? { credentials: { httpHeaderAuth: auth.credential } } : {};
	const nodes = [
		manualTrigger(),
		node(
			HTTP_NODES.list,
			'n8n-nodes-base.httpRequest',
			HTTP_REQUEST_VERSION,
			220,
			{
				url: `${baseUrl}/api/v1/conversations`,
				...authParameters,
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'limit', value: '200' }] },
				options: {
					pagination: {
						pagination: {
							paginationMode: 'updateAParameterInEachRequest',
							parameters: {
								parameters: [
									{ type: 'qs', name: 'before_id', value: '={{ $response.body.next_before_id }}' },
								],
							},
							paginationCompleteWhen: 'other',
							completeExpression: '={{ $response.body.next_before_id === null }}',
						},
					},
				},
			},
			extra,
		),
		node(HTTP_NODES.split, 'n8n-nodes-base.splitOut', 1, 440, {
			fieldToSplitOut: 'conversations',
			options: {},
		}),
		node(
			HTTP_NODES.detail,
			'n8n-nodes-base.httpRequest',
			HTTP_REQUEST_VERSION,
			660,
			{ url: `=${baseUrl}/api/v1/conversations/{{ $json.id }}`, ...authParameters, options: {} },
			{ ...extra, ...detailSettings },
		),
	];
	return workflow(id, `bench http request ${id}`, nodes, [
		'Start',
		HTTP_NODES.list,
		HTTP_NODES.split,
		HTTP_NODES.detail,
	]);
}

const ringReady = (credential: CredentialRef, name: string, x: number, parameters: object) =>
	node(name, 'n8n-nodes-ringready.ringReady', 1, x, parameters, {
		credentials: { ringReadyApi: credential },
	});

/** Manual Trigger → RingReady: Conversation → Get Many, Return All, Include Transcripts. */
export function transcriptsWorkflow(
	id: string,
	credential: CredentialRef,
	maxConcurrency?: number,
): object {
	const options: Record<string, unknown> = { includeTranscripts: true };
	if (maxConcurrency !== undefined) options.maxConcurrency = maxConcurrency;
	const nodes = [
		manualTrigger(),
		ringReady(credential, OUR_NODE, 220, {
			resource: 'conversation',
			operation: 'getAll',
			returnAll: true,
			options,
		}),
	];
	return workflow(id, `bench ringready ${id}`, nodes, ['Start', OUR_NODE]);
}

/** Manual Trigger → RingReady Get Many (list only, Return All): the N input items of the items job. */
const listNode = (credential: CredentialRef) =>
	ringReady(credential, ITEMS_NODES.list, 220, {
		resource: 'conversation',
		operation: 'getAll',
		returnAll: true,
		options: {},
	});

/** Manual Trigger → RingReady Get Many, Return All, list only. */
export function listWorkflow(id: string, credential: CredentialRef): object {
	return workflow(
		id,
		`bench ringready list ${id}`,
		[manualTrigger(), listNode(credential)],
		['Start', ITEMS_NODES.list],
	);
}

/** N input items → RingReady: Conversation → Get (one conversation per item, by `{{ $json.id }}`). */
export function itemsGetWorkflow(id: string, credential: CredentialRef): object {
	const nodes = [
		manualTrigger(),
		listNode(credential),
		ringReady(credential, ITEMS_NODES.get, 440, {
			resource: 'conversation',
			operation: 'get',
			conversationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			options: {},
		}),
	];
	return workflow(id, `bench ringready items ${id}`, nodes, [
		'Start',
		ITEMS_NODES.list,
		ITEMS_NODES.get,
	]);
}

/**
 * N input items → the bench-only bare `this.helpers.httpRequest` loop (bench/fixtures), same GETs.
 * With `readIdParameter`, the loop takes each id from a `{{ $json.id }}` parameter that n8n
 * evaluates per item (as our node's Conversation ID) instead of reading `$json.id` directly.
 */
export function itemsLoopWorkflow(
	id: string,
	credential: CredentialRef,
	baseUrl: string,
	apiKey: string,
	concurrency: number,
	readIdParameter = false,
): object {
	const nodes = [
		manualTrigger(),
		listNode(credential),
		node(ITEMS_NODES.loop, 'n8n-nodes-ringready-bench.benchHttpLoop', 1, 440, {
			baseUrl,
			authorization: `Bearer ${apiKey}`,
			concurrency,
			...(readIdParameter ? { readIdParameter, conversationId: '={{ $json.id }}' } : {}),
		}),
	];
	return workflow(id, `bench bare loop ${id}`, nodes, [
		'Start',
		ITEMS_NODES.list,
		ITEMS_NODES.loop,
	]);
}
