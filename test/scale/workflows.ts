/**
 * The workflows the scale run imports. The trigger workflow is the e2e one (RingReady Trigger → HTTP
 * Request POST to the sink); the FAQ workflow is a production webhook that runs the RingReady node on
 * a worker for every call.
 */
import {
	locator,
	ringReady,
	type CredentialRef,
	type Workflow,
	type WorkflowNode,
} from '../e2e/workflows';

export { triggerWorkflow, CREDENTIALS, NODE, TRIGGER } from '../e2e/workflows';

/** One read+write key per sandbox account for the FAQ workflows (16-character ids like n8n's). */
export const FAQ_CREDENTIALS = {
	A: { id: 'scaleFaqKeyAcctA', name: 'RingReady scale account A' },
	B: { id: 'scaleFaqKeyAcctB', name: 'RingReady scale account B' },
} satisfies Record<'A' | 'B', CredentialRef>;

export const FAQ_WORKFLOW_IDS = { A: 'scaleFaqWorkflwA', B: 'scaleFaqWorkflwB' } as const;

export function faqWebhookPath(account: 'A' | 'B'): string {
	return `ringready-scale-faq-${account.toLowerCase()}`;
}

/** One entry of a call's body: `{ "items": [FaqCallItem, …] }`. */
export interface FaqCallItem {
	conversationId: number;
	agentId: number;
	question: string;
}

/** What the Respond to Webhook node answers. */
export interface FaqCallResponse {
	executionId: string;
	items: Array<{ agent_id?: number; saved?: boolean; entry_count?: number; error?: unknown }>;
}

/**
 * Webhook (POST, answers from the Respond node) → Split Out `items` → RingReady Conversation › Get
 * (with transcript text) → RingReady FAQ › Create or Update on the item's agent, with the item's
 * question and an answer drafted from the conversation → Respond to Webhook with the execution id and
 * the FAQ node's output. One call with several items is one execution (the FAQ node then reads and
 * writes each agent once).
 */
export function faqWorkflow(account: 'A' | 'B'): Workflow {
	const credential = FAQ_CREDENTIALS[account];
	const webhook: WorkflowNode = {
		id: `scale-webhook-${account}`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		parameters: {
			httpMethod: 'POST',
			path: faqWebhookPath(account),
			responseMode: 'responseNode',
			options: {},
		},
	};
	(webhook as WorkflowNode & { webhookId: string }).webhookId =
		`7f1c2d3e-0000-4000-8000-00000000000${account === 'A' ? 1 : 2}`;
	const splitOut: WorkflowNode = {
		id: `scale-split-${account}`,
		name: 'Split Out',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [250, 0],
		parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
	};
	const getConversation = ringReady(
		'Get Conversation',
		{
			resource: 'conversation',
			operation: 'get',
			conversationId: locator('={{ $json.conversationId }}'),
			options: { transcriptText: true },
		},
		{ credential },
	);
	getConversation.position = [500, 0];
	const upsert = ringReady(
		'FAQ Upsert',
		{
			resource: 'faq',
			operation: 'upsert',
			agentId: locator("={{ $('Split Out').item.json.agentId }}"),
			entries: {
				entry: [
					{
						question: "={{ $('Split Out').item.json.question }}",
						answer:
							'={{ "Drafted from conversation " + $json.id + " (" + $json.label + ", " + $json.transcript_text.length + " characters of transcript)" }}',
					},
				],
			},
		},
		{ credential },
	);
	upsert.position = [750, 0];
	const respond: WorkflowNode = {
		id: `scale-respond-${account}`,
		name: 'Respond',
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [1000, 0],
		parameters: {
			respondWith: 'json',
			responseBody:
				'={{ JSON.stringify({ executionId: $execution.id, items: $input.all().map(item => item.json) }) }}',
			options: {},
		},
	};
	const link = (to: string) => ({ main: [[{ node: to, type: 'main' as const, index: 0 }]] });
	return {
		id: FAQ_WORKFLOW_IDS[account],
		name: `scale FAQ webhook (account ${account})`,
		active: false,
		nodes: [webhook, splitOut, getConversation, upsert, respond],
		connections: {
			Webhook: link('Split Out'),
			'Split Out': link('Get Conversation'),
			'Get Conversation': link('FAQ Upsert'),
			'FAQ Upsert': link('Respond'),
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}
