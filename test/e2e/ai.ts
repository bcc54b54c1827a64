/**
 * The RingReady node as an AI tool in real n8n, with no LLM account (run by e2e.ts as the "ai" track):
 *   MCP   — the MCP example (examples/ringready-mcp-server.json) published in `n8n start`; the official
 *           MCP TypeScript SDK client lists and calls its tools over n8n's MCP endpoint (Streamable HTTP).
 *   agent — n8n's AI Agent with its OpenAI Chat Model pointed (credential Base URL) at a scripted
 *           OpenAI-compatible server (test/llm/scripted-model.ts) that asks for one RingReady tool call,
 *           then answers. What n8n sent to the "model" and what reached the sandbox are checked.
 */
import assert from 'assert/strict';
import { createRequire } from 'module';
import { join } from 'path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startScriptedModel, type ChatRequest, type ScriptedModel } from '../llm/scripted-model';
import { until } from '../../tools/n8n';
import { expectText, type TrackContext } from './lib/suite';
import {
	credential,
	CREDENTIALS,
	loadExample,
	locator,
	node,
	NODE,
	OUTPUT_VERSION,
	TOOL,
	type CredentialRef,
	type NodeTypeDescription,
	type Workflow,
	type WorkflowNode,
} from './workflows';

const T = 'ai';

/** README "Output sized for a model": a simplified conversation with transcript_text, measured on the sandbox (max 1,027). */
export const SIMPLIFIED_CONVERSATION_WITH_TRANSCRIPT_MAX_CHARS = 1_100;

interface McpTool {
	name: string;
	description?: string;
	inputSchema: {
		type: string;
		properties?: Record<string, { type?: string; description?: string }>;
		required?: string[];
	};
}

const MCP_PATH = 'ringready-e2e';
const MCP_READ_ONLY_PATH = 'ringready-e2e-read-only';
const AGENT_WEBHOOK_PATH = 'ringready-agent-e2e';
const OPENAI_CREDENTIAL = { id: 'e2eScriptedModel', name: 'Scripted model (e2e)' };
const CONVERSATIONS_TOOL = 'Get_many_conversations_in_RingReady';

const loadMcpExample = () => loadExample('ringready-mcp-server.json');

/** The example with its own id, MCP path and RingReady credential. */
function mcpWorkflow(id: string, path: string, credential: CredentialRef): Workflow {
	const webhookId = `${id}-mcp`;
	const example = loadMcpExample();
	return {
		...example,
		id,
		name: `${example.name} (${path})`,
		nodes: example.nodes.map((node) => {
			if (node.type === '@n8n/n8n-nodes-langchain.mcpTrigger')
				return { ...node, webhookId, parameters: { ...node.parameters, path } };
			if (node.credentials?.ringReadyApi)
				return { ...node, credentials: { ringReadyApi: credential } };
			return node;
		}),
	};
}

/** Webhook → AI Agent, its OpenAI Chat Model on the `model` credential and one RingReady `tool` node. */
function agentWorkflow(
	id: string,
	path: string,
	model: CredentialRef,
	tool: WorkflowNode,
	options: Record<string, unknown> = {},
): Workflow {
	const webhook = { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} };
	const chatModel = { model: { __rl: true, mode: 'id', value: 'scripted-model' }, options: {} };
	const prompt = { promptType: 'define', text: '={{ $json.body.question }}', options };
	const nodes = [
		node('Webhook', 'n8n-nodes-base.webhook', 2, webhook, { webhookId: `${id}-webhook` }),
		node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 2.2, prompt),
		node('Scripted Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, chatModel, {
			credentials: { openAiApi: model },
		}),
		{ ...tool, credentials: { ringReadyApi: CREDENTIALS.readWrite } },
	].map((each, i) => ({ ...each, position: [300 * i, 0] as [number, number] }));
	const toAgent = (type: string) => ({ [type]: [[{ node: 'AI Agent', type, index: 0 }]] });
	const connections = {
		Webhook: toAgent('main'),
		'Scripted Model': toAgent('ai_languageModel'),
		[tool.name]: toAgent('ai_tool'),
	} as unknown as Workflow['connections'];
	const name = `e2e: AI Agent with ${tool.name}`;
	const settings = { executionOrder: 'v1' };
	return { id, name, active: false, nodes, connections, settings, pinData: {} };
}

/** The conversation fields the selected-fields tool returns (and always `id`). */
const SELECTED_FIELDS = ['summary', 'caller_name'];
const SELECTED_TOOL = 'Read_callers_in_RingReady';
const SELECTED_WEBHOOK_PATH = 'ringready-agent-selected-e2e';
const SELECTED_LIMIT = 3;
const OPENAI_SELECTED_CREDENTIAL = { id: 'e2eScriptedModel2', name: 'Scripted model 2 (e2e)' };
const getMany = { resource: 'conversation', operation: 'getAll' };
const filters = {
	agentId: locator(
		"={{ $fromAI('Agent', 'The numeric ID of the agent (AI receptionist)', 'number') }}",
	),
};

const AGENT_WORKFLOWS = [
	/** One RingReady tool, description "Set Automatically". */
	agentWorkflow(
		'e2eAiAgentLoop01',
		AGENT_WEBHOOK_PATH,
		OPENAI_CREDENTIAL,
		node('Get many conversations in RingReady', TOOL, 1, {
			...getMany,
			limit:
				"={{ $fromAI('Limit', 'How many recent conversations to read, from 1 to 20', 'number') }}",
			simplify: true,
			filters,
			options: { includeTranscripts: true },
		}),
		{
			systemMessage:
				'You help a business owner understand what callers asked their RingReady receptionist.',
		},
	),
	/**
	 * The tool at v1.1 with Output › Selected Fields, its options saved with Download Recording on (as an
	 * imported or hand-edited workflow can be): a tool must ignore it.
	 */
	agentWorkflow(
		'e2eAiAgentSelect',
		SELECTED_WEBHOOK_PATH,
		OPENAI_SELECTED_CREDENTIAL,
		node(SELECTED_TOOL.replace(/_/g, ' '), TOOL, OUTPUT_VERSION, {
			...getMany,
			limit: SELECTED_LIMIT,
			output: 'selectedFields',
			fields: SELECTED_FIELDS,
			filters,
			options: { downloadRecording: true },
		}),
	),
];

/** The text of a chat message's content (a string, or OpenAI's list of parts). */
export function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content.map((part) => String((part as { text?: string }).text ?? '')).join('');
}

/** The content of the tool message n8n sent the model (the tool's result), as text. */
export function toolResult(request: ChatRequest | undefined): string {
	const message = request?.messages.find((m) => m.role === 'tool');
	assert.ok(message, 'no tool message in the request');
	return contentText(message.content);
}

/** A scripted model that calls `tool` with `args`, then answers `text`; closed at the end. */
export async function toolCallingModel(
	ctx: TrackContext,
	tool: string,
	args: Record<string, unknown>,
	text: string,
): Promise<ScriptedModel> {
	const toolCall = (request: ChatRequest) => {
		const names = (request.tools ?? []).map((t) => t.function.name);
		if (!names.includes(tool)) throw new Error(`no ${tool} among the tools: ${names.join(', ')}`);
		return { name: tool, arguments: args };
	};
	const scripted = await startScriptedModel([{ toolCall }, { text }]);
	ctx.cleanups.push(() => scripted.close());
	return scripted;
}

/** Calls an MCP tool: the text it returns (scanned for API keys at the end) and whether it is an error. */
async function callTool(
	ctx: TrackContext,
	client: Client,
	name: string,
	args: Record<string, unknown>,
) {
	const result = await client.callTool({ name, arguments: args });
	const text = contentText(result.content);
	ctx.outputs.push({ what: `MCP callTool ${name}`, text });
	return { text, isError: result.isError === true };
}

/** The items a tool call that succeeded returned. */
function itemsOf(call: { text: string; isError: boolean }): Array<Record<string, unknown>> {
	assert.ok(!call.isError, call.text);
	return JSON.parse(call.text) as Array<Record<string, unknown>>;
}

/**
 * n8n registers a published workflow's webhooks a little after it starts answering. A request with a
 * method the webhook doesn't run on (GET on a POST webhook, DELETE without a session on MCP) tells:
 * "The requested webhook … is not registered" until then, another answer after.
 */
async function waitForWebhook(url: string, method: 'GET' | 'DELETE'): Promise<void> {
	let last = '';
	await until(
		async () => {
			const response = await fetch(url, { method }).catch(() => undefined);
			last = response ? `${response.status} ${(await response.text()).slice(0, 120)}` : '';
			return response && !/The requested webhook .* is not registered/.test(last);
		},
		120_000,
		() => `${url} to be registered (${method} → ${last || 'no answer'})`,
		500,
	);
}

/** Asks the agent workflow at `url` a question: it answers through the model in two turns. */
async function askAgent(
	ctx: TrackContext,
	url: string,
	model: ScriptedModel,
	o: { question: string; answer: RegExp },
): Promise<void> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ question: o.question }),
	});
	const body = await response.text();
	ctx.outputs.push({ what: `agent answer (${url})`, text: body });
	assert.equal(response.status, 200, body);
	assert.deepEqual(model.unexpected, []);
	assert.equal(model.requests.length, 2, `${model.requests.length} model requests`);
	assert.match(body, o.answer);
}

async function connectMcp(url: string): Promise<Client> {
	const client = new Client({ name: 'ringready-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(url)));
	return client;
}

export async function aiTrack(ctx: TrackContext): Promise<void> {
	const { suite } = ctx;
	const sandbox = await ctx.newSandbox();
	const agentId = sandbox.agentIds.A[0];
	const agentConversations = () =>
		sandbox.control.conversations('A').filter((c) => c.agent_id === agentId);
	const turns = { limit: 3 };
	const model = await toolCallingModel(
		ctx,
		CONVERSATIONS_TOOL,
		{ Limit: turns.limit, Agent: agentId },
		'Callers asked about appointments and prices.',
	);
	const selectedModel = await toolCallingModel(
		ctx,
		SELECTED_TOOL,
		{ Agent: agentId },
		'Three callers, with what each wanted.',
	);

	const n8n = await ctx.newN8n('ai');
	const checks = {
		list: 'ringready-mcp-server.json (published; MCP SDK client): listTools shows the RingReady tools with their descriptions and input schemas',
		read: 'ringready-mcp-server.json (published; MCP SDK client): callTool "Get many conversations" returns the sandbox’s conversations (simplified, transcript as text)',
		preview:
			'ringready-mcp-server.json (published; MCP SDK client): callTool "Preview FAQ entry" shows the change and saves nothing',
		write:
			'ringready-mcp-server.json (published; MCP SDK client): callTool "Create or update FAQ entries" changes the sandbox’s FAQ',
		readOnly:
			'ringready-mcp-server.json (published; MCP SDK client): with a read-only key the write tool returns an error text a model can act on',
		agentSchema: 'AI Agent: the tool n8n sends the model has our name, description and parameters',
		agentRun: 'AI Agent: the tool ran against the sandbox with the model’s arguments',
		agentResult:
			'AI Agent: the tool result sent back to the model holds the data, within the documented size',
		selectedRun:
			'AI Agent with a RingReady tool at v1.1, Output › Selected Fields (summary, caller_name): the workflow answers through the scripted model (two model turns)',
		selectedResult:
			'AI Agent, Output › Selected Fields: the tool result the model receives has exactly id, caller_name and summary on each conversation, as the sandbox has them',
		selectedNoRecording:
			'AI Agent: Download Recording is not offered on the RingReady tool (n8n’s display rules on its tool type) and, saved on anyway, downloads nothing',
	};

	const ready = await suite.check(
		T,
		'AI setup: MCP example (read-write and read-only copies) and agent workflow published; n8n started',
		async () => {
			const apiKey = 'sk-scripted-e2e';
			await n8n.importCredentials([
				...ctx.credentialsFor(sandbox),
				credential(OPENAI_CREDENTIAL, 'openAiApi', { apiKey, url: model.url }),
				credential(OPENAI_SELECTED_CREDENTIAL, 'openAiApi', { apiKey, url: selectedModel.url }),
			]);
			const workflows = [
				mcpWorkflow('e2eMcpReadWrite1', MCP_PATH, CREDENTIALS.readWrite),
				mcpWorkflow('e2eMcpReadOnly01', MCP_READ_ONLY_PATH, CREDENTIALS.readOnly),
				...AGENT_WORKFLOWS,
			];
			await n8n.importWorkflows(workflows);
			for (const workflow of workflows) await n8n.activate(workflow.id);
			await n8n.start();
			const started = Date.now();
			for (const path of [MCP_PATH, MCP_READ_ONLY_PATH])
				await waitForWebhook(`${n8n.baseUrl}/mcp/${path}`, 'DELETE');
			for (const path of [AGENT_WEBHOOK_PATH, SELECTED_WEBHOOK_PATH])
				await waitForWebhook(`${n8n.baseUrl}/webhook/${path}`, 'GET');
			return `${n8n.baseUrl}; webhooks registered ${((Date.now() - started) / 1000).toFixed(1)} s after start`;
		},
	);
	if (!ready) {
		suite.skip(T, Object.values(checks), 'the AI setup failed');
		return;
	}

	const example = loadMcpExample();
	const exampleTools = example.nodes.filter(
		(node) => node.type === 'n8n-nodes-ringready.ringReadyTool',
	);
	let client: Client | undefined;
	let tools: McpTool[] = [];
	const listed = await suite.check(T, checks.list, async () => {
		client = await connectMcp(`${n8n.baseUrl}/mcp/${MCP_PATH}`);
		ctx.cleanups.push(async () => await client?.close());
		tools = (await client.listTools()).tools as McpTool[];
		ctx.outputs.push({ what: 'MCP listTools', text: JSON.stringify(tools) });
		const expectedNames = exampleTools
			.map((node) => node.name.replace(/[^a-zA-Z0-9_-]+/g, '_'))
			.sort();
		assert.deepEqual(tools.map((tool) => tool.name).sort(), expectedNames);
		for (const node of exampleTools) {
			const tool = tools.find((t) => t.name === node.name.replace(/[^a-zA-Z0-9_-]+/g, '_'))!;
			const manual =
				node.parameters.descriptionType === 'manual'
					? String(node.parameters.toolDescription)
					: undefined;
			// "Set Automatically" gives the model "{action} in RingReady", which is also the default node name.
			assert.equal(tool.description, manual ?? node.name, `description of ${tool.name}`);
		}
		const conversations = tools.find((tool) => tool.name === CONVERSATIONS_TOOL)!;
		assert.deepEqual(Object.keys(conversations.inputSchema.properties ?? {}).sort(), [
			'Agent',
			'Limit',
		]);
		assert.equal(conversations.inputSchema.properties!.Limit.type, 'number');
		assert.match(
			String(conversations.inputSchema.properties!.Agent.description),
			/numeric ID of the RingReady agent/,
		);
		assert.deepEqual([...(conversations.inputSchema.required ?? [])].sort(), ['Agent', 'Limit']);
		const save = tools.find((tool) => tool.name === 'Create_or_update_FAQ_entries_in_RingReady')!;
		assert.deepEqual(Object.keys(save.inputSchema.properties ?? {}).sort(), [
			'Agent',
			'Answer',
			'Question',
		]);
		return `${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`;
	});

	if (listed && client) {
		const mcp = client;
		await suite.check(T, checks.read, async () => {
			const call = await callTool(ctx, mcp, CONVERSATIONS_TOOL, { Limit: 2, Agent: agentId });
			const items = itemsOf(call);
			const expected = agentConversations().slice(0, 2);
			assert.deepEqual(
				items.map((item) => item.id),
				expected.map((c) => c.id),
			);
			for (const item of items) {
				assert.equal(typeof item.transcript_text, 'string');
				assert.ok(!('transcript' in item) && !('recording_url' in item), 'not simplified');
			}
			return `${call.text.length} characters for 2 conversations`;
		});

		const question = `Do you work on weekends? (mcp e2e ${Date.now()})`;
		const entry = { Agent: agentId, Question: question, Answer: 'Yes, Saturdays from 9 to 1.' };
		await suite.check(T, checks.preview, async () => {
			const before = { ...sandbox.control.agent(agentId)!.faq };
			const [report] = itemsOf(await callTool(ctx, mcp, 'Preview_FAQ_entry_in_RingReady', entry));
			assert.deepEqual(report.added, [question]);
			assert.equal(report.saved, false);
			assert.equal(report.preview, true);
			assert.deepEqual(
				{ ...sandbox.control.agent(agentId)!.faq },
				before,
				'the preview changed the FAQ',
			);
			const patches = sandbox.control.requests().log.filter((entry) => entry.method === 'PATCH');
			assert.equal(patches.length, 0, 'the preview sent a PATCH');
		});
		await suite.check(T, checks.write, async () => {
			const [report] = itemsOf(
				await callTool(ctx, mcp, 'Create_or_update_FAQ_entries_in_RingReady', entry),
			);
			assert.deepEqual(report.added, [question]);
			assert.equal(report.saved, true);
			assert.equal(sandbox.control.agent(agentId)!.faq[question], entry.Answer);
		});
	} else {
		suite.skip(T, [checks.read, checks.preview, checks.write], 'listTools failed');
	}

	await suite.check(T, checks.readOnly, async () => {
		const readOnly = await connectMcp(`${n8n.baseUrl}/mcp/${MCP_READ_ONLY_PATH}`);
		try {
			const before = { ...sandbox.control.agent(agentId)!.faq };
			const { text, isError } = await callTool(
				ctx,
				readOnly,
				'Create_or_update_FAQ_entries_in_RingReady',
				{ Agent: agentId, Question: 'Read-only key question (e2e)?', Answer: 'Never saved.' },
			);
			assert.equal(isError, true, `not an error: ${text}`);
			assert.match(text, /This API key is read-only: it may not change agents or FAQ entries/);
			assert.match(
				text,
				/Nothing was changed\. To update agents or their FAQ, create a key with the write scope/,
			);
			assert.deepEqual({ ...sandbox.control.agent(agentId)!.faq }, before);
			return `"${text.slice(0, 160)}"`;
		} finally {
			await readOnly.close();
		}
	});

	sandbox.control.clearRequests();
	const selectedRan = await suite.check(
		T,
		checks.selectedRun,
		async () =>
			await askAgent(ctx, `${n8n.baseUrl}/webhook/${SELECTED_WEBHOOK_PATH}`, selectedModel, {
				question: 'Who called, and what did they want?',
				answer: /Three callers, with what each wanted/,
			}),
	);
	const log = sandbox.control.requests().log;
	if (!selectedRan)
		suite.skip(
			T,
			[checks.selectedResult, checks.selectedNoRecording],
			`the agent run failed (${selectedModel.requests.length} model requests; ${selectedModel.unexpected.join('; ')})`,
		);
	else {
		await suite.check(T, checks.selectedResult, () => {
			const content = toolResult(selectedModel.requests[1]?.body);
			ctx.outputs.push({ what: 'selected-fields tool result', text: content });
			const items = JSON.parse(content) as Array<Record<string, unknown>>;
			const expected = agentConversations().slice(0, SELECTED_LIMIT);
			assert.deepEqual(
				items,
				expected.map((c) => ({ id: c.id, summary: c.summary, caller_name: c.caller_name })),
			);
			for (const item of items)
				assert.deepEqual(Object.keys(item).sort(), ['caller_name', 'id', 'summary']);
			const list = log.filter((entry) => entry.path === '/api/v1/conversations');
			assert.deepEqual(
				list.map((entry) => [entry.query.agent_id, entry.query.limit]),
				[[String(agentId), String(SELECTED_LIMIT)]],
			);
			const tool = selectedModel.requests[0].body.tools?.find(
				(t) => t.function.name === SELECTED_TOOL,
			);
			const parameters = tool?.function.parameters as { properties?: Record<string, unknown> };
			assert.deepEqual(Object.keys(parameters?.properties ?? {}), ['Agent']);
			return `${content.length} characters: ${content.slice(0, 140)}…`;
		});
		await suite.check(T, checks.selectedNoRecording, async () => {
			await n8n.rest.setupOwner(ctx.owner);
			const types = await n8n.rest.nodeTypes<NodeTypeDescription>();
			const { NodeHelpers } = createRequire(
				join(ctx.install.dir, 'node_modules', 'n8n', 'package.json'),
			)('n8n-workflow') as typeof import('n8n-workflow');
			const parameters = {
				resource: 'conversation',
				operation: 'getAll',
				output: 'selectedFields',
				options: { downloadRecording: true },
			};
			/** The Options of Conversation › Get Many the editor offers on this node type at v1.1. */
			const offeredOptions = (typeName: string) => {
				const description = types.find(
					(type) =>
						type.name === typeName &&
						(Array.isArray(type.version) ? type.version : [type.version]).includes(OUTPUT_VERSION),
				);
				assert.ok(description, `${typeName} v${OUTPUT_VERSION} is not loaded`);
				const node = { name: 'RingReady', type: typeName, typeVersion: OUTPUT_VERSION, parameters };
				const shown = (property: object, path: string) =>
					NodeHelpers.displayParameterPath(
						parameters,
						property as never,
						path,
						node as never,
						description as never,
					);
				const collection = description.properties.find((p) => p.name === 'options' && shown(p, ''));
				assert.ok(collection?.options, `${typeName}: no Options on Conversation › Get Many`);
				return collection.options.filter((o) => shown(o, 'options')).map((o) => o.name);
			};
			const recordingOptions = ['downloadRecording', 'binaryPropertyName', 'maxRecordingSizeMb'];
			const onNode = offeredOptions(NODE);
			const onTool = offeredOptions(TOOL);
			assert.deepEqual(
				recordingOptions.filter((name) => onNode.includes(name)),
				recordingOptions,
				`the node does not offer them: ${onNode.join(', ')}`,
			);
			assert.deepEqual(
				recordingOptions.filter((name) => onTool.includes(name)),
				[],
				`the tool offers them: ${onTool.join(', ')}`,
			);
			// Saved on anyway: no recording requested, and no conversation fetched in full for it.
			const details = log.filter((entry) => /^\/api\/v1\/conversations\/\d+$/.test(entry.path));
			assert.deepEqual(details, [], 'the tool fetched conversations in full');
			assert.deepEqual(sandbox.control.recordingRequests(), [], 'the tool requested a recording');
			return `tool options: ${onTool.join(', ')} (the node also: ${recordingOptions.join(', ')})`;
		});
	}

	sandbox.control.clearRequests();
	const ran = await suite.check(
		T,
		'AI Agent: the workflow answers through the scripted model (two model turns)',
		async () =>
			await askAgent(ctx, `${n8n.baseUrl}/webhook/${AGENT_WEBHOOK_PATH}`, model, {
				question: 'What did callers ask this week?',
				answer: /Callers asked about appointments and prices/,
			}),
	);
	if (!ran) {
		suite.skip(
			T,
			[checks.agentSchema, checks.agentRun, checks.agentResult],
			`the agent run failed (${model.requests.length} model requests; ${model.unexpected.join('; ')})`,
		);
		return;
	}
	await suite.check(T, checks.agentSchema, () => {
		const tool = model.requests[0].body.tools?.find((t) => t.function.name === CONVERSATIONS_TOOL);
		assert.ok(tool, 'our tool is not in the request');
		assert.equal(tool.function.description, 'Get many conversations in RingReady');
		const parameters = tool.function.parameters as {
			properties: Record<string, { type: string; description: string }>;
			required: string[];
		};
		assert.deepEqual(parameters.properties.Limit, {
			type: 'number',
			description: 'How many recent conversations to read, from 1 to 20',
		});
		assert.deepEqual(parameters.properties.Agent, {
			type: 'number',
			description: 'The numeric ID of the agent (AI receptionist)',
		});
		assert.deepEqual([...parameters.required].sort(), ['Agent', 'Limit']);
		return JSON.stringify(tool).slice(0, 200);
	});
	await suite.check(T, checks.agentRun, () => {
		const log = sandbox.control.requests().log;
		const list = log.filter((entry) => entry.path === '/api/v1/conversations');
		assert.equal(list.length, 1, `${list.length} list requests`);
		assert.equal(list[0].query.agent_id, String(agentId));
		assert.equal(list[0].query.limit, String(turns.limit));
		const details = log.filter((entry) => /^\/api\/v1\/conversations\/\d+$/.test(entry.path));
		assert.deepEqual(
			details.map((entry) => Number(entry.path.split('/').pop())).sort((a, b) => a - b),
			agentConversations()
				.slice(0, turns.limit)
				.map((c) => c.id)
				.sort((a, b) => a - b),
		);
		return `GET /api/v1/conversations?agent_id=${agentId}&limit=${turns.limit} and ${details.length} transcripts`;
	});
	await suite.check(T, checks.agentResult, () => {
		const content = toolResult(model.requests[1]?.body);
		ctx.outputs.push({ what: 'tool result sent to the model', text: content });
		const items = JSON.parse(content) as Array<Record<string, unknown>>;
		const expected = agentConversations().slice(0, turns.limit);
		assert.deepEqual(
			items.map((item) => item.id),
			expected.map((c) => c.id),
		);
		items.forEach((item, index) => {
			assert.equal(item.summary, expected[index].summary ?? null);
			const firstTurn = String(expected[index].transcript?.[0]?.content ?? '');
			expectText(String(item.transcript_text), firstTurn, `transcript_text of ${String(item.id)}`);
		});
		const bound = turns.limit * SIMPLIFIED_CONVERSATION_WITH_TRANSCRIPT_MAX_CHARS;
		assert.ok(
			content.length <= bound,
			`${content.length} characters, over the documented ${bound}`,
		);
		return `${content.length} characters for ${items.length} conversations (bound ${bound})`;
	});
}
