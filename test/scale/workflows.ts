/**
 * The workflows the scale run imports. The trigger workflow is the e2e one (RingReady Trigger → HTTP
 * Request POST to the sink); the FAQ workflow is a production webhook that runs the RingReady node on
 * a worker for every call.
 */
import {
	locator,
	ringReady,
	workflow,
	type CredentialRef,
	type Workflow,
	type WorkflowNode,
} from '../e2e/workflows';

export { triggerWorkflow, CREDENTIALS } from '../e2e/workflows';

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
 * Webhook (POST, answered by the Respond node) → Split Out `items` → RingReady Conversation › Get
 * (transcript text) → RingReady FAQ › Create or Update on the item's agent → Respond with the
 * execution id and the FAQ node's output. A call with several items is one execution. Built with the
 * e2e builder, whose Manual Trigger is then taken out: the webhook starts the chain.
 */
export function faqWorkflow(account: 'A' | 'B'): Workflow {
	const credential = FAQ_CREDENTIALS[account];
	const node = (name: string, type: string, typeVersion: number, parameters: object) =>
		({
			id: `scale-${name.replace(/\W+/g, '-').toLowerCase()}-${account}`,
			name,
			type: `n8n-nodes-base.${type}`,
			typeVersion,
			position: [0, 0],
			parameters,
		}) as WorkflowNode;
	const webhookParameters = {
		httpMethod: 'POST',
		path: faqWebhookPath(account),
		responseMode: 'responseNode',
		options: {},
	};
	const webhookId = `7f1c2d3e-0000-4000-8000-00000000000${account === 'A' ? 1 : 2}`;
	const conversationId = locator('={{ $json.conversationId }}');
	const question = "={{ $('Split Out').item.json.question }}";
	const answer =
		'={{ "Drafted from conversation " + $json.id + " (" + $json.label + ", " + $json.transcript_text.length + " characters of transcript)" }}';
	const respondWith =
		'={{ JSON.stringify({ executionId: $execution.id, items: $input.all().map(item => item.json) }) }}';
	const built = workflow(FAQ_WORKFLOW_IDS[account], `scale FAQ webhook (account ${account})`, [
		[
			{ ...node('Webhook', 'webhook', 2, webhookParameters), webhookId } as WorkflowNode,
			node('Split Out', 'splitOut', 1, {
				fieldToSplitOut: 'body.items',
				include: 'noOtherFields',
				options: {},
			}),
			ringReady(
				'Get Conversation',
				{
					resource: 'conversation',
					operation: 'get',
					conversationId,
					options: { transcriptText: true },
				},
				{ credential },
			),
			ringReady(
				'FAQ Upsert',
				{
					resource: 'faq',
					operation: 'upsert',
					agentId: locator("={{ $('Split Out').item.json.agentId }}"),
					entries: { entry: [{ question, answer }] },
				},
				{ credential },
			),
			node('Respond', 'respondToWebhook', 1.1, {
				respondWith: 'json',
				responseBody: respondWith,
				options: {},
			}),
		],
	]);
	const [start, ...nodes] = built.nodes;
	delete built.connections[start.name];
	return { ...built, nodes };
}
