/**
 * The `example` track (after ai.ts): every example run as a user runs it once imported and given
 * credentials. Test runs from the editor's REST call with OpenAI pointed at a scripted model; the Slack
 * and HubSpot examples published, their APIs served by local stand-ins (lib/stand-ins.ts); the MCP
 * example in ai.ts. An example file no check runs fails as "not run".
 */
import assert from 'assert/strict';
import { readdirSync } from 'fs';
import { join, resolve } from 'path';

import { type ConversationDetail, type RequestLogEntry } from '../sandbox';
import { startScriptedModel, type ChatRequest, type ScriptedModel } from '../llm/scripted-model';
import { delay, nodeOutput, until, type N8n, type RunData } from '../../tools/n8n';
import { aiTrack, contentText, toolCallingModel, toolResult } from './ai';
import { expectText, type TrackContext } from './lib/suite';
import { startStandIns, HUBSPOT_HOST, SLACK_HOST } from './lib/stand-ins';
import { credential, loadExample, type Workflow } from './workflows';
import { FAQ_LIMITS } from '../../nodes/RingReady/shared/contract';

const ROOT = resolve(__dirname, '..', '..');
const T = 'example';

/** The files this track and the ai track run; any other file in examples/ is reported as not run. */
export const EXAMPLES = {
	improve: 'improve-receptionist-from-conversations.json',
	slack: 'new-conversation-to-slack.json',
	hubspot: 'new-conversation-to-hubspot.json',
	agent: 'ai-agent-with-ringready-tools.json',
	mcp: 'ringready-mcp-server.json',
};

/**
 * The sticky note of the improve example: the prompt is about 3,000 characters of instructions
 * (the node's text and the output parser's format instructions), the business details, the FAQ, and
 * up to about 1,200 characters per conversation's transcript text.
 */
const PROMPT_INSTRUCTIONS_MAX_CHARS = 3_000;
const PROMPT_PER_CONVERSATION_MAX_CHARS = 1_200;

const SANDBOX_CREDENTIAL = { id: 'ringreadySandbox', name: 'RingReady Sandbox' };
const OPENAI_IMPROVE = { id: 'e2eExampleModel1', name: 'OpenAI (scripted, improve example)' };
const OPENAI_AGENT = { id: 'e2eExampleModel2', name: 'OpenAI (scripted, agent example)' };
const SLACK_CREDENTIAL = { id: 'e2eExampleSlack1', name: 'Slack (stand-in)' };
const HUBSPOT_CREDENTIAL = { id: 'e2eExampleHubspt', name: 'HubSpot app token (stand-in)' };
const SLACK_TOKEN = 'xoxb-e2e-stand-in-token';
const HUBSPOT_TOKEN = 'pat-e2e-stand-in-token';
const CONTACT_SEARCH = '/crm/v3/objects/contacts/search';
const CONTACTS = '/crm/v3/objects/contacts';
const ENGAGEMENTS = '/engagements/v1/engagements';

interface EngagementBody {
	engagement?: { type?: string };
	metadata?: Record<string, unknown>;
	associations?: unknown;
}

/** The numbers a HubSpot contact search looks for, one per filter group. */
function searchedNumbers(body: unknown): unknown[] {
	const { filterGroups = [] } = (body ?? {}) as {
		filterGroups?: Array<{ filters?: Array<{ value?: unknown }> }>;
	};
	return filterGroups.flatMap((group) => (group.filters ?? []).map((filter) => filter.value));
}

function nodeNamed(workflow: Workflow, name: string): Workflow['nodes'][number] {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`the example has no node "${name}"`);
	return node;
}

/** What a user does after importing: pick a credential in each node that needs one. */
function withCredentials(workflow: Workflow, byType: Record<string, Record<string, unknown>>) {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			byType[node.type] ? { ...node, credentials: byType[node.type] } : node,
		),
	} as Workflow;
}

/**
 * What a user does with the improve example: pick the agent From List in "Current Agent and FAQ"
 * (the other RingReady nodes follow it), unpin the sample conversations to read real ones, and, for
 * `approve` false, flip the documented switch (Settings › approveBeforeSaving) to save unattended.
 */
function improveSetUp(workflow: Workflow, agent: { id: number; name: string }, approve: boolean) {
	const copy = structuredClone(workflow);
	const agentId = {
		__rl: true,
		mode: 'list',
		value: String(agent.id),
		cachedResultName: agent.name,
	};
	nodeNamed(copy, 'Current Agent and FAQ').parameters.agentId = agentId;
	const settings = nodeNamed(copy, 'Settings').parameters.assignments as {
		assignments: Array<{ name: string; value: unknown }>;
	};
	settings.assignments.find((a) => a.name === 'approveBeforeSaving')!.value = approve;
	return { ...copy, pinData: {} };
}

/** A test run as the editor's "Execute workflow" starts it; `onWaiting` resumes a Wait node. */
const testRun = async (
	n8n: N8n,
	workflowId: string,
	trigger: string,
	onWaiting?: (executionId: string, data: RunData['data']) => Promise<void>,
) => await n8n.testRun(workflowId, { triggerToStartFrom: { name: trigger } }, 120_000, onWaiting);

/**
 * The address of the form a waiting Wait node shows: n8n 2.x puts it (signed) in the node's run
 * metadata, as the editor opens it; n8n 1.x serves it at /form-waiting/<execution id>.
 */
function approvalFormUrl(n8n: N8n, executionId: string, data: RunData['data']): string {
	const runs = data.resultData.runData['Wait for Approval'] as
		| Array<{ metadata?: { resumeFormUrl?: string } }>
		| undefined;
	return runs?.at(-1)?.metadata?.resumeFormUrl ?? `${n8n.baseUrl}/form-waiting/${executionId}`;
}

function promptOf(request: ChatRequest): string {
	return request.messages.map((message) => contentText(message.content)).join('\n');
}

/** The ai track, then this one (one n8n more at a time on a two-core machine). */
export async function aiThenExamplesTrack(ctx: TrackContext): Promise<void> {
	await aiTrack(ctx).catch((error: unknown) => ctx.suite.skip('ai', ['ai track'], String(error)));
	await examplesTrack(ctx);
}

export async function examplesTrack(ctx: TrackContext): Promise<void> {
	const { suite } = ctx;
	const sandbox = await ctx.newSandbox();
	const improveExample = loadExample(EXAMPLES.improve);
	const improveAgent = sandbox.control.agents('A')[0];
	const improveAgentId = improveAgent.id;
	const faqBefore = { ...improveAgent.faq };
	const knownQuestion = Object.keys(faqBefore)[0];
	const tanklessQuestion = 'Do you service tankless water heaters? (drafted, e2e)';
	// Week 1, approved by a person: the model keeps the FAQ, answers one question better and adds one.
	const draftedFaq = [
		...Object.entries(faqBefore).map(([question, answer]) => ({
			question,
			answer:
				question === knownQuestion
					? 'Yes, around the clock, including holidays (drafted, e2e).'
					: answer,
		})),
		{
			question: tanklessQuestion,
			answer: 'Yes, we install, service and repair all major tankless brands.',
		},
	];
	// Week 2, unattended, the FAQ full: the model merges two entries and adds two (one more than
	// RingReady holds); the workflow keeps the first 50.
	const fullFaq = Array.from({ length: FAQ_LIMITS.maxEntries }, (_, i) => ({
		question: `Full FAQ question ${i + 1}? (e2e)`,
		answer: `Answer ${i + 1}.`,
	}));
	const mergedFaq = [
		...fullFaq.slice(0, -2),
		{ question: 'Full FAQ questions 49 and 50, merged? (e2e)', answer: 'Answers 49 and 50.' },
		{ question: 'Do you clear blocked drains? (drafted, e2e)', answer: 'Yes, the same day.' },
		{ question: 'Do you fit water softeners? (drafted, e2e)', answer: 'Yes.' },
	];
	const modelReturns = (faq: Array<{ question: string; answer: string }>) => ({
		text: ['```json', JSON.stringify({ output: { faq } }, null, 2), '```'].join('\n'),
	});
	const improveModel: ScriptedModel = await startScriptedModel([
		modelReturns(draftedFaq),
		modelReturns(mergedFaq),
	]);
	ctx.cleanups.push(() => improveModel.close());
	const otherAgentId = sandbox.agentIds.A.find((id) => id !== improveAgentId)!;
	const agentTurns = { limit: 5, agent: improveAgentId };
	const agentAnswer = 'Callers asked about weekend hours and tankless water heaters (e2e).';
	const agentModel = await toolCallingModel(
		ctx,
		'Read_Conversations',
		{ Limit: agentTurns.limit, Agent: agentTurns.agent },
		agentAnswer,
	);
	const standIns = await startStandIns(join(ctx.workDir, 'examples-certs'));
	ctx.cleanups.push(() => standIns.close());

	const n8n = await ctx.newN8n('examples', { env: standIns.env });

	const checks = {
		improveRead: `${EXAMPLES.improve}: a test run reads agent ${improveAgentId}'s conversations of the last 7 days, with transcript text, and no others`,
		improvePrompt: `${EXAMPLES.improve}: the model gets the agent, its FAQ and every transcript, within the size the sticky note documents`,
		improveFaq: `${EXAMPLES.improve}: approved, the FAQ is exactly the drafted one: the question already there updated, not duplicated, the new one added`,
		improveRequests: `${EXAMPLES.improve}: nothing is written before approval; then one write for the agent, for all entries (sandbox request log)`,
		improveFull: `${EXAMPLES.improve}: unattended (Settings › approveBeforeSaving false), in a week the FAQ is full: the model's ${mergedFaq.length} entries are cut to ${FAQ_LIMITS.maxEntries} and saved without waiting`,
		slack: `${EXAMPLES.slack}: published; each new phone call and web chat posts one message to #calls, word for word`,
		hubspot: `${EXAMPLES.hubspot}: published; each new phone call (not the web chat) is logged once as a HubSpot call with its numbers, duration, summary and transcript, on the caller's contact: found by phone number, or created when HubSpot has none`,
		agent: `${EXAMPLES.agent}: a chat message runs the agent; the model gets the four tools, Read Conversations reads the sandbox, the answer comes back`,
	};

	// Before n8n starts: the improve example's week (the triggers' first poll treats these as already seen).
	const week = sandbox.control.addConversations({ count: 4, agentId: improveAgentId });
	const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000)
		.toISOString()
		.replace(/\.\d{3}Z$/, 'Z');
	const tooOld = sandbox.control.addConversations({
		count: 1,
		agentId: improveAgentId,
		startedAt: eightDaysAgo,
	});
	const otherAgents = sandbox.control.addConversations({ count: 2, agentId: otherAgentId });

	// The RingReady nodes of the examples use SANDBOX_CREDENTIAL already (the one `npm run dev` creates).
	const improveWithCredentials = withCredentials(improveExample, {
		'@n8n/n8n-nodes-langchain.lmChatOpenAi': { openAiApi: OPENAI_IMPROVE },
	});
	const agent = { id: improveAgentId, name: improveAgent.agent_name };
	const improve = improveSetUp(improveWithCredentials, agent, true);
	const improveUnattended = {
		...improveSetUp(improveWithCredentials, agent, false),
		id: 'rrExampleImprov2',
		name: `${improve.name} (unattended)`,
	};
	const slack = withCredentials(loadExample(EXAMPLES.slack), {
		'n8n-nodes-base.slack': { slackApi: SLACK_CREDENTIAL },
	});
	const hubspot = withCredentials(loadExample(EXAMPLES.hubspot), {
		'n8n-nodes-base.hubspot': { hubspotAppToken: HUBSPOT_CREDENTIAL },
		'n8n-nodes-base.httpRequest': { hubspotAppToken: HUBSPOT_CREDENTIAL },
	});
	const agentExample = withCredentials(loadExample(EXAMPLES.agent), {
		'@n8n/n8n-nodes-langchain.lmChatOpenAi': { openAiApi: OPENAI_AGENT },
	});
	const chatTrigger = agentExample.nodes.find(
		(node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	)!;
	const chatMessage = {
		sessionId: 'e2e-chat-session',
		action: 'sendMessage',
		chatInput: `What did callers ask agent ${improveAgentId} this week that it couldn't answer?`,
	};
	// The editor's chat hands the message to the Chat Trigger as its output; pinned, a test run starts from it.
	agentExample.pinData = { [chatTrigger.name]: [{ json: chatMessage }] };

	const ready = await suite.check(
		T,
		'examples: credentials filled in (RingReady, OpenAI → scripted model, Slack and HubSpot → stand-ins); Slack and HubSpot examples published; n8n started',
		async () => {
			const apiKey = 'sk-scripted-e2e';
			await n8n.importCredentials([
				credential(SANDBOX_CREDENTIAL, 'ringReadyApi', {
					apiKey: sandbox.keys.readWrite,
					baseUrl: sandbox.url,
				}),
				credential(OPENAI_IMPROVE, 'openAiApi', { apiKey, url: improveModel.url }),
				credential(OPENAI_AGENT, 'openAiApi', { apiKey, url: agentModel.url }),
				credential(SLACK_CREDENTIAL, 'slackApi', { accessToken: SLACK_TOKEN }),
				credential(HUBSPOT_CREDENTIAL, 'hubspotAppToken', { appToken: HUBSPOT_TOKEN }),
			]);
			await n8n.importWorkflows([improve, improveUnattended, slack, hubspot, agentExample]);
			await n8n.activate(slack.id);
			await n8n.activate(hubspot.id);
			await n8n.start();
			await n8n.rest.setupOwner(ctx.owner);
			return n8n.baseUrl;
		},
	);
	if (!ready) {
		suite.skip(T, Object.values(checks), 'the examples setup failed');
		return;
	}

	const listRequests = () =>
		sandbox.control.requests().log.filter((entry) => entry.path === '/api/v1/conversations');
	const isHubspotPoll = (entry: RequestLogEntry) =>
		entry.path === '/api/v1/conversations' && entry.query.channel === 'phone';
	const isSlackPoll = (entry: RequestLogEntry) =>
		entry.path === '/api/v1/conversations' && !entry.query.channel && !entry.query.agent_id;
	// Both triggers' activation polls, then the conversations they must find at their next poll.
	const triggersArmed = await until(
		() => listRequests().some(isHubspotPoll) && listRequests().some(isSlackPoll),
		60_000,
		'the activation polls',
	).catch(() => false);
	await delay(1500);
	const webChatAgent = sandbox.control
		.agents('A')
		.find((agent) => agent.id !== improveAgentId && agent.features.web_chat_enabled)?.id;
	// Two calls: HubSpot knows the first caller's number already, not the second one's.
	const phoneCalls = triggersArmed
		? sandbox.control.addConversations({ count: 2, agentId: otherAgentId, channel: 'phone' })
		: [];
	const knownCaller =
		phoneCalls.length === 2 && phoneCalls[0].from !== phoneCalls[1].from
			? standIns.addContact({ firstname: 'Known', lastname: 'Caller', phone: phoneCalls[0].from! })
			: undefined;
	const webChat = triggersArmed
		? sandbox.control.addConversations({
				count: 1,
				agentId: webChatAgent ?? otherAgentId,
				channel: 'web_chat',
			})[0]
		: undefined;

	const improveLogStart = sandbox.control.requests().log.at(-1)?.seq ?? 0;
	let improveRun: RunData | undefined;
	const improveLog = () =>
		sandbox.control
			.requests()
			.log.filter(
				(entry) => entry.seq > improveLogStart && !isHubspotPoll(entry) && !isSlackPoll(entry),
			);
	let formPage = '';
	let faqWhileWaiting: Record<string, string> | undefined;
	let writesBeforeApproval = -1;
	const improveRan = await suite.check(
		T,
		`${EXAMPLES.improve}: a test run (Execute workflow) waits at "Wait for Approval"; the form shows the change; "Save the new FAQ" resumes it and it succeeds`,
		async () => {
			improveRun = await testRun(
				n8n,
				improve.id,
				'Every Monday Morning',
				async (executionId, data) => {
					faqWhileWaiting = { ...sandbox.control.agent(improveAgentId)!.faq };
					writesBeforeApproval = improveLog().filter((entry) => entry.method === 'PATCH').length;
					const formUrl = approvalFormUrl(n8n, executionId, data);
					formPage = await (await fetch(formUrl)).text();
					const form = new FormData();
					form.append('field-0', 'Save the new FAQ');
					const submitted = await fetch(formUrl, { method: 'POST', body: form });
					assert.ok(submitted.ok, `the form answered ${submitted.status}`);
				},
			);
			expectText(formPage, `Add: ${tanklessQuestion}`, 'the approval form');
			expectText(formPage, `Change: ${knownQuestion}`, 'the approval form');
			assert.deepEqual(faqWhileWaiting, faqBefore, 'the FAQ changed before approval');
			assert.equal(writesBeforeApproval, 0, 'a write before approval');
			return `waited for approval with the FAQ unchanged; the form listed "Add: ${tanklessQuestion}" and "Change: ${knownQuestion}"; ${improveModel.requests.length} model request(s)`;
		},
	);
	const expectedWeek = [...week].sort((a, b) => b.id - a.id);
	if (!improveRan || !improveRun) {
		suite.skip(
			T,
			[checks.improveRead, checks.improvePrompt, checks.improveFaq, checks.improveRequests],
			'the test run failed',
		);
	} else {
		const run = improveRun;
		await suite.check(T, checks.improveRead, () => {
			const read = nodeOutput(run, "Last Week's Conversations");
			assert.deepEqual(
				read.map((c) => c.id),
				expectedWeek.map((c) => c.id),
				`read ${read.map((c) => c.id).join(', ')}; agent ${improveAgentId}'s last 7 days are ${expectedWeek.map((c) => c.id).join(', ')} (not ${tooOld[0].id}, 8 days old, nor agent ${otherAgentId}'s ${otherAgents.map((c) => c.id).join(', ')})`,
			);
			for (const item of read) {
				assert.equal(
					typeof item.transcript_text,
					'string',
					`conversation ${String(item.id)} has no transcript_text`,
				);
			}
			const list = improveLog().filter((entry) => entry.path === '/api/v1/conversations');
			assert.ok(list.length >= 1, 'no conversations request');
			assert.equal(list[0].query.agent_id, String(improveAgentId));
			const since = Date.parse(list[0].query.since);
			assert.ok(
				Math.abs(since - (Date.now() - 7 * 86_400_000)) < 5 * 60_000,
				`since=${list[0].query.since} is not 7 days ago`,
			);
			return `${read.length} conversations (${read.map((c) => c.id).join(', ')}) of agent ${improveAgentId} since ${list[0].query.since}, each with transcript_text`;
		});
		await suite.check(T, checks.improvePrompt, () => {
			assert.equal(
				improveModel.requests.length,
				1,
				`${improveModel.requests.length} model requests`,
			);
			assert.deepEqual(improveModel.unexpected, []);
			const prompt = promptOf(improveModel.requests[0].body);
			ctx.outputs.push({ what: 'improve example prompt', text: prompt });
			const size = `(${Object.keys(faqBefore).length} entries; RingReady allows at most ${FAQ_LIMITS.maxEntries})`;
			expectText(prompt, size, 'the prompt (the FAQ size and its limit)');
			const agent = nodeOutput(run, 'Current Agent and FAQ')[0];
			expectText(prompt, `the AI receptionist of ${String(agent.business_name)}`, 'the prompt');
			expectText(prompt, JSON.stringify(faqBefore, null, 2), 'the prompt (the current FAQ)');
			const read = nodeOutput(run, "Last Week's Conversations");
			for (const item of read)
				expectText(
					prompt,
					String(item.transcript_text),
					`the prompt (transcript ${String(item.id)})`,
				);
			// "Collect Transcripts" joins them with a rule: one fewer than the conversations read.
			assert.equal(
				prompt.split('\n\n---\n\n').length,
				read.length,
				'not exactly the transcripts read',
			);
			const transcripts = read.map((item) => String(item.transcript_text).length);
			const details = [agent.agent_name, agent.business_name, agent.business_services].map(
				(v) => String(v).length,
			);
			const bound =
				PROMPT_INSTRUCTIONS_MAX_CHARS +
				details.reduce((a, b) => a + b, 0) +
				JSON.stringify(faqBefore, null, 2).length +
				read.length * PROMPT_PER_CONVERSATION_MAX_CHARS;
			assert.ok(
				Math.max(...transcripts) <= PROMPT_PER_CONVERSATION_MAX_CHARS,
				`a transcript of ${Math.max(...transcripts)} characters`,
			);
			assert.ok(
				prompt.length <= bound,
				`${prompt.length} characters, over the documented ${bound}`,
			);
			return `${prompt.length} characters (bound ${bound}): ${Object.keys(faqBefore).length} FAQ entries and ${read.length} transcripts of ${Math.min(...transcripts)}–${Math.max(...transcripts)} characters`;
		});
		await suite.check(T, checks.improveFaq, () => {
			const after = sandbox.control.agent(improveAgentId)!.faq;
			assert.deepEqual(
				Object.entries(after),
				draftedFaq.map((entry) => [entry.question, entry.answer]),
			);
			const reports = nodeOutput(run, 'Save the New FAQ');
			assert.deepEqual(
				reports.flatMap((r) => r.updated as string[]),
				[knownQuestion],
			);
			assert.deepEqual(
				reports.flatMap((r) => r.added as string[]),
				[tanklessQuestion],
			);
			assert.ok(reports.every((r) => r.saved === true));
			return `${Object.keys(faqBefore).length} entries → ${Object.keys(after).length}: "${knownQuestion}" updated, "${tanklessQuestion}" added, the other ${Object.keys(faqBefore).length - 1} unchanged`;
		});
		await suite.check(T, checks.improveRequests, () => {
			const agentPath = `/api/v1/agents/${improveAgentId}`;
			const log = improveLog().filter((entry) => entry.path === agentPath);
			// "Current Agent and FAQ" and the Preview read; after approval, "Save the New FAQ" reads,
			// reads again just before writing (a colleague's edit in between is merged) and writes once.
			const sequence = log.map((entry) => entry.method);
			assert.deepEqual(
				sequence,
				['GET', 'GET', 'GET', 'GET', 'PATCH'],
				`${sequence.join(', ')} on ${agentPath}`,
			);
			return `${sequence.join(' → ')} ${agentPath}: the agent's read and the Preview's before approval, then the save's read, re-read and one PATCH for ${draftedFaq.length} entries`;
		});
	}

	await suite.check(T, checks.improveFull, async () => {
		const filled = await fetch(`${sandbox.url}/api/v1/agents/${improveAgentId}`, {
			method: 'PATCH',
			headers: {
				authorization: `Bearer ${sandbox.keys.readWrite}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ faq: Object.fromEntries(fullFaq.map((e) => [e.question, e.answer])) }),
		});
		assert.equal(filled.status, 200, 'the FAQ could not be filled');
		const run = await testRun(n8n, improveUnattended.id, 'Every Monday Morning');
		assert.equal(
			run.data.resultData.runData['Wait for Approval'],
			undefined,
			'it waited for approval',
		);
		const after = sandbox.control.agent(improveAgentId)!.faq;
		const kept = mergedFaq.slice(0, FAQ_LIMITS.maxEntries);
		assert.deepEqual(
			Object.entries(after),
			kept.map((entry) => [entry.question, entry.answer]),
		);
		const full = `(${FAQ_LIMITS.maxEntries} entries; RingReady allows at most ${FAQ_LIMITS.maxEntries})`;
		expectText(promptOf(improveModel.requests[1].body), full, 'the prompt (a full FAQ)');
		return `FAQ of ${fullFaq.length} entries; the model returned ${mergedFaq.length} (2 merged into 1, 2 new); saved ${Object.keys(after).length} without waiting, "${mergedFaq.at(-1)!.question}" left out`;
	});

	const agentLogStart = sandbox.control.requests().log.at(-1)?.seq ?? 0;
	await suite.check(T, checks.agent, async () => {
		const run = await testRun(n8n, agentExample.id, chatTrigger.name);
		const [out] = nodeOutput(run, 'Receptionist Coach');
		assert.equal(out.output, agentAnswer);
		assert.equal(agentModel.requests.length, 2, `${agentModel.requests.length} model requests`);
		const tools = agentModel.requests[0].body.tools ?? [];
		const toolNodes = agentExample.nodes.filter(
			(node) => node.type === 'n8n-nodes-ringready.ringReadyTool',
		);
		assert.deepEqual(
			tools.map((tool) => [tool.function.name, tool.function.description]).sort(),
			toolNodes
				.map((node) => [node.name.replace(/\s+/g, '_'), node.parameters.toolDescription])
				.sort(),
		);
		expectText(promptOf(agentModel.requests[0].body), chatMessage.chatInput, 'the prompt');
		const list = sandbox.control
			.requests()
			.log.filter(
				(entry) =>
					entry.seq > agentLogStart &&
					entry.path === '/api/v1/conversations' &&
					entry.query.agent_id,
			);
		assert.equal(list.length, 1, `${list.length} conversation list requests`);
		assert.equal(list[0].query.agent_id, String(agentTurns.agent));
		assert.equal(list[0].query.limit, String(agentTurns.limit));
		const items = JSON.parse(toolResult(agentModel.requests[1]?.body)) as Array<
			Record<string, unknown>
		>;
		const expected = sandbox.control
			.conversations('A')
			.filter((c) => c.agent_id === agentTurns.agent)
			.slice(0, agentTurns.limit);
		assert.deepEqual(
			items.map((item) => item.id),
			expected.map((c) => c.id),
		);
		assert.ok(
			items.every((item) => typeof item.transcript_text === 'string'),
			'a tool result item has no transcript_text',
		);
		return `tools ${tools.map((tool) => tool.function.name).join(', ')}; Read_Conversations(Agent ${agentTurns.agent}, Limit ${agentTurns.limit}) → ${items.length} conversations; answer "${String(out.output).slice(0, 40)}…"`;
	});

	if (!triggersArmed || !knownCaller || !webChat) {
		suite.skip(
			T,
			[checks.slack, checks.hubspot],
			'no activation poll of the Slack and HubSpot examples within 60 s (or the two calls share a number)',
		);
	} else {
		const slackCalls = () => standIns.calls.filter((call) => call.host === SLACK_HOST);
		const hubspotCalls = () => standIns.calls.filter((call) => call.host === HUBSPOT_HOST);
		const arrived = until(
			() =>
				slackCalls().length >= 3 &&
				hubspotCalls().filter((call) => call.path === ENGAGEMENTS).length >= 2,
			140_000,
			'the Slack and HubSpot calls',
			100,
		).then(async () => await delay(3000));
		await suite.check(T, checks.slack, async () => {
			await arrived;
			const calls = slackCalls();
			const text = (c: ConversationDetail) =>
				`${c.channel === 'phone' ? ':telephone_receiver: New call' : ':speech_balloon: New web chat'} from *${c.caller_name || c.from || 'an unknown visitor'}* — ${c.label}\n>${c.summary}\n${c.duration_seconds} s, ended: ${c.end_reason}, agent ${c.agent_id}`;
			const expected = [...phoneCalls, webChat].sort((a, b) => a.id - b.id);
			assert.deepEqual(
				calls.map((call) => [call.method, call.path, call.authorization]),
				expected.map(() => ['POST', '/api/chat.postMessage', `Bearer ${SLACK_TOKEN}`]),
			);
			const bodies = calls.map((call) => call.body as { channel?: string; text?: string });
			assert.deepEqual(
				[...bodies]
					.sort((a, b) => String(a.text).localeCompare(String(b.text)))
					.map((body) => [body.channel, body.text]),
				expected.map((c) => ['#calls', text(c)]).sort((a, b) => a[1].localeCompare(b[1])),
			);
			assert.deepEqual(standIns.refused, []);
			return `${calls.length} × POST https://${SLACK_HOST}/api/chat.postMessage (channel #calls): ${bodies.map((b) => JSON.stringify(String(b.text).split('\n')[0])).join(', ')}`;
		});
		await suite.check(T, checks.hubspot, async () => {
			await arrived.catch(() => undefined);
			const calls = hubspotCalls();
			assert.deepEqual(
				[
					...new Set(calls.map((call) => `${call.method} ${call.path} ${call.authorization}`)),
				].sort(),
				[CONTACTS, CONTACT_SEARCH, ENGAGEMENTS].map(
					(path) => `POST ${path} Bearer ${HUBSPOT_TOKEN}`,
				),
			);
			const [known, unknown] = phoneCalls;
			const searches = calls.filter((call) => call.path === CONTACT_SEARCH);
			assert.deepEqual(
				searches.map((call) => searchedNumbers(call.body)).sort(),
				[known, unknown].map((c) => [c.from, c.from]).sort(),
				'one search per call, on Phone or Mobile Phone',
			);
			const created = calls.filter((call) => call.path === CONTACTS);
			assert.deepEqual(
				created.map((call) => call.body),
				[
					{
						properties: {
							phone: unknown.from,
							firstname: unknown.caller_name || 'Caller',
							lastname: unknown.from,
						},
					},
				],
				'a contact is created for the unknown caller only',
			);
			const newContact = standIns.contacts.find(
				(contact) => contact.properties.phone === unknown.from,
			);
			assert.ok(newContact, 'the created contact is in HubSpot');
			const logged = calls.filter((call) => call.path === ENGAGEMENTS);
			assert.equal(logged.length, 2, `${logged.length} calls logged`);
			const byNumber = new Map(
				logged.map((call) => {
					const body = call.body as EngagementBody;
					return [body.metadata?.fromNumber, body];
				}),
			);
			for (const [c, contactId] of [
				[known, knownCaller.id],
				[unknown, newContact.id],
			] as const) {
				const body = byNumber.get(c.from);
				assert.ok(body, `no call logged from ${c.from}`);
				assert.equal(body.engagement?.type, 'CALL');
				assert.deepEqual(body.associations, { contactIds: [contactId] }, `call ${c.id}'s contact`);
				const meta = body.metadata ?? {};
				const prefix = `<b>${c.label}</b> — ${c.caller_name || 'Unknown caller'}<br>${c.summary}<br><br><pre>`;
				assert.ok(
					String(meta.body).startsWith(prefix),
					`body starts ${JSON.stringify(String(meta.body).slice(0, prefix.length + 20))}`,
				);
				assert.ok(String(meta.body).endsWith('</pre>'));
				for (const turn of c.transcript ?? [])
					expectText(String(meta.body), turn.content, 'the logged call');
				assert.deepEqual(
					{ ...meta, body: undefined },
					{
						body: undefined,
						fromNumber: c.from,
						toNumber: c.to,
						durationMilliseconds: c.duration_seconds * 1000,
						status: 'COMPLETED',
						...(c.recording_url ? { recordingUrl: c.recording_url } : {}),
					},
				);
			}
			return `${searches.length} contact searches, 1 contact created (${unknown.from}), ${logged.length} × POST https://${HUBSPOT_HOST}${ENGAGEMENTS}: calls ${known.id} → contact ${knownCaller.id} (known), ${unknown.id} → contact ${newContact.id} (new), with transcripts; web chat ${webChat.id} not logged`;
		});
	}

	await suite.check(
		T,
		'every file in examples/ is run by a check above (or by the ai track)',
		() => {
			const files = readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json'));
			const notRun = files.filter((file) => !Object.values(EXAMPLES).includes(file));
			assert.deepEqual(
				notRun,
				[],
				`not run: ${notRun.join(', ')} (no run check in test/e2e/examples.ts)`,
			);
			return files.join(', ');
		},
	);
}
