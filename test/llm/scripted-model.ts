/**
 * A scripted OpenAI-compatible chat model for tests: plain HTTP on 127.0.0.1, no account, no LLM.
 * Each POST /chat/completions (any prefix, e.g. /v1/chat/completions) is recorded and answered by
 * the next turn of the script: a tool call, or a final text. Streaming requests (`stream: true`) get
 * the same answer as server-sent events. Anything else answers 404, so an unexpected endpoint shows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatRequest {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** One answer of the model: call a tool (chosen from the request's tools) or say something final. */
export type Turn =
	| { toolCall: (request: ChatRequest) => { name: string; arguments: Record<string, unknown> } }
	| { text: string };

export interface RecordedRequest {
	path: string;
	headers: IncomingMessage['headers'];
	body: ChatRequest;
}

export interface ScriptedModel {
	url: string;
	/** What n8n sent, in order. */
	requests: RecordedRequest[];
	/** Requests the script had no turn left for, or to unknown paths. */
	unexpected: string[];
	close(): Promise<void>;
}

function completion(turn: Turn, request: ChatRequest, index: number) {
	const message: ChatMessage & { refusal: null } = {
		role: 'assistant',
		content: null,
		refusal: null,
	};
	let finish = 'stop';
	if ('toolCall' in turn) {
		const call = turn.toolCall(request);
		message.tool_calls = [
			{
				id: `call_${index + 1}`,
				type: 'function',
				function: { name: call.name, arguments: JSON.stringify(call.arguments) },
			},
		];
		finish = 'tool_calls';
	} else {
		message.content = turn.text;
	}
	return {
		id: `chatcmpl-scripted-${index + 1}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: request.model ?? 'scripted',
		choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

function sendStream(response: ServerResponse, answer: ReturnType<typeof completion>): void {
	response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const { message, finish_reason } = answer.choices[0];
	const base = {
		id: answer.id,
		object: 'chat.completion.chunk',
		created: answer.created,
		model: answer.model,
	};
	const delta: Record<string, unknown> = { role: 'assistant' };
	if (message.tool_calls)
		delta.tool_calls = message.tool_calls.map((call, index) => ({ index, ...call }));
	else delta.content = message.content;
	const chunks = [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason }], usage: answer.usage },
	];
	for (const chunk of chunks) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
	response.end('data: [DONE]\n\n');
}

export async function startScriptedModel(script: Turn[]): Promise<ScriptedModel> {
	const requests: RecordedRequest[] = [];
	const unexpected: string[] = [];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const path = (request.url ?? '').split('?')[0];
			if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
				unexpected.push(`${request.method} ${path}`);
				response.writeHead(404, { 'content-type': 'application/json' });
				response.end(
					JSON.stringify({
						error: { message: `the scripted model has no ${request.method} ${path}` },
					}),
				);
				return;
			}
			let body: ChatRequest;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			} catch {
				response.writeHead(400, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: 'the body is not JSON' } }));
				return;
			}
			const index = requests.length;
			requests.push({ path, headers: request.headers, body });
			const turn = script[index];
			if (!turn) {
				unexpected.push(`turn ${index + 1} (the script has ${script.length})`);
				response.writeHead(500, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: 'the script has no more turns' } }));
				return;
			}
			let answer: ReturnType<typeof completion>;
			try {
				answer = completion(turn, body, index);
			} catch (error) {
				unexpected.push(`turn ${index + 1}: ${(error as Error).message}`);
				response.writeHead(500, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: (error as Error).message } }));
				return;
			}
			if (body.stream) return sendStream(response, answer);
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify(answer));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		unexpected,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
