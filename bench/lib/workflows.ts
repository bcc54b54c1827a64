/**
 * The workflows the benchmark runs in real n8n. Each is what a user would build in the editor:
 * Manual Trigger → the nodes doing the job.
 */
import { randomUUID } from 'crypto';

export const HTTP_HEADER_CREDENTIAL = { id: 'benchHeaderAuth01', name: 'RingReady bearer header', type: 'httpHeaderAuth' };
export const RINGREADY_CREDENTIAL = { id: 'benchRingReady001', name: 'RingReady API (bench)', type: 'ringReadyApi' };

/** n8n's HTTP Request node version a new node gets in n8n 2.41. */
export const HTTP_REQUEST_VERSION = 4.5;

export const HTTP_NODES = { list: 'List conversations', split: 'Split Out', detail: 'Get conversation' } as const;
export const OUR_NODE = 'RingReady';

interface NodeSettings {
	onError?: 'continueRegularOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

function workflow(id: string, name: string, nodes: object[], chain: string[]): object {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < chain.length - 1; i++) {
		connections[chain[i]] = { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

function manualTrigger(): object {
	return {
		id: randomUUID(),
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/**
 * HTTP Request (GET /conversations, 200 per page, n8n's pagination following next_before_id) →
 * Split Out (conversations) → HTTP Request (GET /conversations/{id}, one per item, n8n's default
 * batching: all at once). Bearer header through a Header Auth credential.
 */
export function httpRequestWorkflow(id: string, baseUrl: string, detailSettings: NodeSettings = {}): object {
	const credentials = { httpHeaderAuth: { id: HTTP_HEADER_CREDENTIAL.id, name: HTTP_HEADER_CREDENTIAL.name } };
	const auth = { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' };
	const nodes = [
		manualTrigger(),
		{
			id: randomUUID(),
			name: HTTP_NODES.list,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: HTTP_REQUEST_VERSION,
			position: [220, 0],
			credentials,
			parameters: {
				url: `${baseUrl}/api/v1/conversations`,
				...auth,
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'limit', value: '200' }] },
				options: {
					pagination: {
						pagination: {
							paginationMode: 'updateAParameterInEachRequest',
							parameters: {
								parameters: [{ type: 'qs', name: 'before_id', value: '={{ $response.body.next_before_id }}' }],
							},
							paginationCompleteWhen: 'other',
							completeExpression: '={{ $response.body.next_before_id === null }}',
						},
					},
				},
			},
		},
		{
			id: randomUUID(),
			name: HTTP_NODES.split,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [440, 0],
			parameters: { fieldToSplitOut: 'conversations', options: {} },
		},
		{
			id: randomUUID(),
			name: HTTP_NODES.detail,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: HTTP_REQUEST_VERSION,
			position: [660, 0],
			credentials,
			parameters: { url: `=${baseUrl}/api/v1/conversations/{{ $json.id }}`, ...auth, options: {} },
			...detailSettings,
		},
	];
	return workflow(id, `bench http request ${id}`, nodes, ['Start', HTTP_NODES.list, HTTP_NODES.split, HTTP_NODES.detail]);
}

/** Manual Trigger → RingReady: Conversation → Get Many, Return All, with or without transcripts. */
export function ourWorkflow(id: string, options: { includeTranscripts: boolean; maxConcurrency?: number }): object {
	const nodeOptions: Record<string, unknown> = {};
	if (options.includeTranscripts) nodeOptions.includeTranscripts = true;
	if (options.maxConcurrency !== undefined) nodeOptions.maxConcurrency = options.maxConcurrency;
	const nodes = [
		manualTrigger(),
		{
			id: randomUUID(),
			name: OUR_NODE,
			type: 'n8n-nodes-ringready.ringReady',
			typeVersion: 1,
			position: [220, 0],
			credentials: { ringReadyApi: { id: RINGREADY_CREDENTIAL.id, name: RINGREADY_CREDENTIAL.name } },
			parameters: { resource: 'conversation', operation: 'getAll', returnAll: true, options: nodeOptions },
		},
	];
	return workflow(id, `bench ringready ${id}`, nodes, ['Start', OUR_NODE]);
}
