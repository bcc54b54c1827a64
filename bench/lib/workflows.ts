/** The workflows the bench runs in real n8n, as a user builds them: Manual Trigger → the job. */
import {
	locator,
	ringReady,
	workflow,
	type CredentialRef,
	type WorkflowNode,
} from '../../test/e2e/workflows';

/** Node names the cases time. */
export const NODES = {
	ours: 'RingReady',
	list: 'List (RingReady)',
	get: 'Conversation Get',
	httpList: 'List conversations',
	httpSplit: 'Split Out',
	httpDetail: 'Get conversation',
};

/** Manual Trigger → RingReady: Conversation → Get Many, Return All, Include Transcripts. */
export function transcriptsWorkflow(
	id: string,
	credential: CredentialRef,
	maxConcurrency?: number,
) {
	const options = { includeTranscripts: true, ...(maxConcurrency ? { maxConcurrency } : {}) };
	const parameters = { resource: 'conversation', operation: 'getAll', returnAll: true, options };
	return workflow(id, `bench ${id}`, [[ringReady(NODES.ours, parameters, { credential })]]);
}

/** RingReady Get Many, Return All, list only. */
const listNode = (credential: CredentialRef) =>
	ringReady(
		NODES.list,
		{ resource: 'conversation', operation: 'getAll', returnAll: true, options: {} },
		{ credential },
	);

export const listWorkflow = (id: string, credential: CredentialRef) =>
	workflow(id, `bench ${id}`, [[listNode(credential)]]);

/** N input items (the list) → RingReady: Conversation → Get, by `{{ $json.id }}`. */
export function itemsGetWorkflow(id: string, credential: CredentialRef) {
	const conversationId = locator('={{ $json.id }}');
	const parameters = { resource: 'conversation', operation: 'get', conversationId, options: {} };
	return workflow(id, `bench ${id}`, [
		[listNode(credential), ringReady(NODES.get, parameters, { credential })],
	]);
}

const httpNode = (name: string, parameters: object, extra: Partial<WorkflowNode>) => ({
	id: `bench-${name}`,
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.5,
	position: [0, 0] as [number, number],
	parameters: {
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		...parameters,
	},
	...extra,
});

/**
 * The same job with n8n's HTTP Request node and a Header Auth credential: GET /conversations (200 a
 * page, n8n's pagination on next_before_id) → Split Out → GET /conversations/{id} per item (n8n's
 * default batching: all at once).
 */
export function httpRequestWorkflow(
	id: string,
	baseUrl: string,
	credential: CredentialRef,
	onError?: 'continueRegularOutput',
) {
	const credentials = { credentials: { httpHeaderAuth: credential } };
	const pagination = {
		paginationMode: 'updateAParameterInEachRequest',
		parameters: {
			parameters: [
				{ type: 'qs', name: 'before_id', value: '={{ $response.body.next_before_id }}' },
			],
		},
		paginationCompleteWhen: 'other',
		completeExpression: '={{ $response.body.next_before_id === null }}',
	};
	const list = httpNode(
		NODES.httpList,
		{
			url: `${baseUrl}/api/v1/conversations`,
			sendQuery: true,
			queryParameters: { parameters: [{ name: 'limit', value: '200' }] },
			options: { pagination: { pagination } },
		},
		credentials,
	);
	const split: WorkflowNode = {
		id: 'bench-split',
		name: NODES.httpSplit,
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [0, 0],
		parameters: { fieldToSplitOut: 'conversations', options: {} },
	};
	const detailUrl = `=${baseUrl}/api/v1/conversations/{{ $json.id }}`;
	const detail = httpNode(
		NODES.httpDetail,
		{ url: detailUrl, options: {} },
		{ ...credentials, ...(onError ? { onError } : {}) },
	);
	return workflow(id, `bench ${id}`, [[list, split, detail]]);
}
