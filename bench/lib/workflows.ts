/**
 * The workflows the benchmark runs in real n8n. Each is what a user would build in the editor:
 * Manual Trigger → the nodes doing the job.
 */
import {
	locator,
	ringReady,
	workflow,
	type CredentialRef,
	type Workflow,
	type WorkflowNode,
} from '../../test/e2e/workflows';

export type { CredentialRef };

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

/** A node of another package (n8n's own, the bench-only loop); workflow() places it. */
function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return { id: `bench-${name}`, name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

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
): Workflow {
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
	return workflow(id, `bench http request ${id}`, [
		[
			node(
				HTTP_NODES.list,
				'n8n-nodes-base.httpRequest',
				HTTP_REQUEST_VERSION,
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
										{
											type: 'qs',
											name: 'before_id',
											value: '={{ $response.body.next_before_id }}',
										},
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
			node(HTTP_NODES.split, 'n8n-nodes-base.splitOut', 1, {
				fieldToSplitOut: 'conversations',
				options: {},
			}),
			node(
				HTTP_NODES.detail,
				'n8n-nodes-base.httpRequest',
				HTTP_REQUEST_VERSION,
				{ url: `=${baseUrl}/api/v1/conversations/{{ $json.id }}`, ...authParameters, options: {} },
				{ ...extra, ...detailSettings },
			),
		],
	]);
}

/** Manual Trigger → RingReady: Conversation → Get Many, Return All, Include Transcripts. */
export function transcriptsWorkflow(
	id: string,
	credential: CredentialRef,
	maxConcurrency?: number,
): Workflow {
	const options: Record<string, unknown> = { includeTranscripts: true };
	if (maxConcurrency !== undefined) options.maxConcurrency = maxConcurrency;
	return workflow(id, `bench ringready ${id}`, [
		[
			ringReady(
				OUR_NODE,
				{ resource: 'conversation', operation: 'getAll', returnAll: true, options },
				{ credential },
			),
		],
	]);
}

/** RingReady Get Many (list only, Return All): the N input items of the items job. */
const listNode = (credential: CredentialRef) =>
	ringReady(
		ITEMS_NODES.list,
		{ resource: 'conversation', operation: 'getAll', returnAll: true, options: {} },
		{ credential },
	);

/** Manual Trigger → RingReady Get Many, Return All, list only. */
export function listWorkflow(id: string, credential: CredentialRef): Workflow {
	return workflow(id, `bench ringready list ${id}`, [[listNode(credential)]]);
}

/** N input items → RingReady: Conversation → Get (one conversation per item, by `{{ $json.id }}`). */
export function itemsGetWorkflow(id: string, credential: CredentialRef): Workflow {
	return workflow(id, `bench ringready items ${id}`, [
		[
			listNode(credential),
			ringReady(
				ITEMS_NODES.get,
				{
					resource: 'conversation',
					operation: 'get',
					conversationId: locator('={{ $json.id }}'),
					options: {},
				},
				{ credential },
			),
		],
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
): Workflow {
	return workflow(id, `bench bare loop ${id}`, [
		[
			listNode(credential),
			node(ITEMS_NODES.loop, 'n8n-nodes-ringready-bench.benchHttpLoop', 1, {
				baseUrl,
				authorization: `Bearer ${apiKey}`,
				concurrency,
				...(readIdParameter ? { readIdParameter, conversationId: '={{ $json.id }}' } : {}),
			}),
		],
	]);
}
