/**
 * The workflows the scale run imports. The trigger workflow is the e2e one (RingReady Trigger → HTTP
 * Request POST to the sink); the FAQ workflow is a production webhook that runs the RingReady node on
 * a worker for every call.
 */
import { locator, node, op, workflow, type CredentialRef, type Workflow } from '../e2e/workflows';

export { credential, triggerWorkflow, CREDENTIALS } from '../e2e/workflows';

/** One read+write key per sandbox account for the FAQ workflows (16-character ids like n8n's). */
export const FAQ_CREDENTIALS = {
	A: { id: 'scaleFaqKeyAcctA', name: 'RingReady scale account A' },
	B: { id: 'scaleFaqKeyAcctB', name: 'RingReady scale account B' },
} satisfies Record<'A' | 'B', CredentialRef>;

export const FAQ_WORKFLOW_IDS = { A: 'scaleFaqWorkflwA', B: 'scaleFaqWorkflwB' } as const;

export const faqWebhookPath = (account: 'A' | 'B') =>
	`ringready-scale-faq-${account.toLowerCase()}`;

/** One entry of a call's body: `{ "items": [FaqCallItem, …] }`. */
export interface FaqCallItem {
	conversationId: number;
	agentId: number;
	question: string;
}

/** What the Respond to Webhook node answers: the execution id and the FAQ node's output. */
export interface FaqCallResponse {
	executionId: string;
	items: Array<{ saved?: boolean }>;
}

/**
 * Webhook (POST, answered by the Respond node) → Split Out `items` → RingReady Conversation › Get
 * (transcript text) → RingReady FAQ › Create or Update on the item's agent → Respond. A call with
 * several items is one execution.
 */
export function faqWorkflow(account: 'A' | 'B'): Workflow {
	const credential = FAQ_CREDENTIALS[account];
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path: faqWebhookPath(account),
			responseMode: 'responseNode',
			options: {},
		},
		{ webhookId: `7f1c2d3e-0000-4000-8000-00000000000${account === 'A' ? 1 : 2}` },
	);
	const question = "={{ $('Split Out').item.json.question }}";
	const answer =
		'={{ "Drafted from conversation " + $json.id + " (" + $json.label + ", " + $json.transcript_text.length + " characters of transcript)" }}';
	const responseBody =
		'={{ JSON.stringify({ executionId: $execution.id, items: $input.all().map(item => item.json) }) }}';
	const chain = [
		node('Split Out', 'n8n-nodes-base.splitOut', 1, {
			fieldToSplitOut: 'body.items',
			include: 'noOtherFields',
			options: {},
		}),
		op(
			'Get Conversation',
			'conversation',
			'get',
			{ conversationId: locator('={{ $json.conversationId }}'), options: { transcriptText: true } },
			{ credential },
		),
		op(
			'FAQ Upsert',
			'faq',
			'upsert',
			{
				agentId: locator("={{ $('Split Out').item.json.agentId }}"),
				entries: { entry: [{ question, answer }] },
			},
			{ credential },
		),
		node('Respond', 'n8n-nodes-base.respondToWebhook', 1.1, {
			respondWith: 'json',
			responseBody,
			options: {},
		}),
	];
	return workflow(
		FAQ_WORKFLOW_IDS[account],
		`scale FAQ webhook (account ${account})`,
		[chain],
		webhook,
	);
}
