/**
 * A conversation's recording as an n8n file (Download Recording on Conversation › Get and Get Many),
 * through n8n-core against the sandbox over real HTTP (recordings on its own origin, with the key, and
 * on a second "media" origin, without it). The rules on where a recording may come from are tested
 * through a small probe node that downloads any recording_url with the item's credential, since a
 * public Base URL cannot be served here.
 */
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { downloadRecording, recordingBinary } from '../../nodes/RingReady/shared/recording';
import { RequestSession, RETRY_POLICY } from '../../nodes/RingReady/transport';
import { executeNode, secretPaths } from '../harness';
import type { ConversationDetail } from '../sandbox';
import { recordingAudio } from '../sandbox';
import { apiRequests, failure, node, op, probe, run, runError, useSandbox } from './fixture';

/** What every refused address's error says to do. */
const REFUSAL_ADVICE =
	'Nothing was requested from it. Recordings are downloaded only from public addresses over HTTPS (plain http:// and addresses on this machine only when the Base URL in the RingReady API credential is itself on this machine, such as the local sandbox). If the address looks wrong, contact RingReady support about this conversation.';

/** Downloads each item’s recording_url as a file. */
const recordingProbe = probe(
	async function (this: IExecuteFunctions) {
		const requestTimeoutMs = this.getNodeParameter('timeoutMs', 0) as number;
		const session = new RequestSession(this, { policy: { ...RETRY_POLICY, requestTimeoutMs } });
		const maxBytes = this.getNodeParameter('maxBytes', 0) as number;
		const out: INodeExecutionData[] = [];
		for (const [itemIndex, { json }] of this.getInputData().entries()) {
			const file = await downloadRecording.call(this, json as unknown as ConversationDetail, {
				itemIndex,
				session,
				maxBytes,
			});
			const binary = file ? await recordingBinary.call(this, file, 'data') : undefined;
			out.push({ json, binary, pairedItem: { item: itemIndex } });
		}
		return [out];
	},
	[
		{ displayName: 'Max Bytes', name: 'maxBytes', type: 'number', default: 25 * 1024 * 1024 },
		{ displayName: 'Timeout (ms)', name: 'timeoutMs', type: 'number', default: 30_000 },
	],
);

const ctx = useSandbox();

async function download(
	conversations: Array<Partial<ConversationDetail>>,
	parameters: INodeParameters = {},
	options: { baseUrl?: string } = {},
): Promise<{ items: INodeExecutionData[] }> {
	const result = await executeNode(recordingProbe, {
		parameters,
		items: conversations.map((c) => ({ json: { id: c.id, recording_url: c.recording_url } })),
		credentials: {
			apiKey: ctx.sandbox.keys.readWrite,
			baseUrl: options.baseUrl ?? ctx.sandbox.url,
		},
	});
	const items = result.output[0] ?? [];
	expect(secretPaths(items, ctx.sandbox.keys.readWrite)).toEqual([]);
	return { items };
}

async function downloadError(
	conversation: Partial<ConversationDetail>,
	parameters: INodeParameters = {},
	options: { baseUrl?: string } = {},
) {
	const error = await failure(download([conversation], parameters, options));
	expect(secretPaths(error, ctx.sandbox.keys.readWrite)).toEqual([]);
	return error as NodeApiError | NodeOperationError;
}

const get = (id: number, options: Record<string, unknown> = {}) =>
	op('conversation', 'get', id, { options: { downloadRecording: true, ...options } });

const getMany = (limit: number, options: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'getAll',
	limit,
	options: { includeTranscripts: true, downloadRecording: true, ...options },
});

/** The first conversations of account A, newest first, as Get Many lists them. */
const newest = (count: number) => ctx.sandbox.control.conversations('A').slice(0, count);

/** The newest phone call of account A whose recording is on this origin (in this format). */
function phoneCall(origin: 'api' | 'media', extension?: 'mp3' | 'wav'): ConversationDetail {
	const base = origin === 'api' ? ctx.sandbox.url : ctx.sandbox.mediaUrl;
	const found = ctx.sandbox.control
		.conversations('A')
		.find(
			(c) =>
				c.recording_url?.startsWith(`${base}/recordings/`) &&
				(!extension || c.recording_url.endsWith(extension)),
		);
	if (!found) throw new Error(`no ${extension ?? ''} recording on the ${origin} origin`);
	return found;
}

function fileBytes(item: INodeExecutionData, field = 'data'): Buffer {
	return Buffer.from(item.binary![field].data, 'base64');
}

/** What a user sees of the file in n8n's binary tab. */
function expectRecordingFile(item: INodeExecutionData, id: number, field = 'data') {
	const audio = recordingAudio(id);
	expect(Object.keys(item.binary ?? {})).toEqual([field]);
	expect(fileBytes(item, field)).toEqual(audio.bytes);
	expect(item.binary![field]).toMatchObject({
		mimeType: audio.mimeType,
		fileName: `conversation-${id}.${audio.extension}`,
		fileExtension: audio.extension,
		bytes: audio.bytes.length,
		fileSize: expect.stringMatching(/^[\d.]+ kB$/),
	});
}

/** The recording requests the sandbox has logged. */
const served = () => ctx.sandbox.control.recordingRequests();

const pathOf = (url: string) => new URL(url).pathname;

describe('Conversation › Get › Download Recording', () => {
	it('puts the call’s recording on the item as a file in Put Output File in Field: the bytes RingReady served, its type, name and size', async () => {
		const call = phoneCall('api');
		const { items } = await run(get(call.id, { binaryPropertyName: 'recording' }));
		expect(items).toHaveLength(1);
		expectRecordingFile(items[0], call.id, 'recording');
		expect(items[0].json.id).toBe(call.id);
		expect(served()).toMatchObject([
			{ origin: 'api', conversation_id: call.id, authorization: true },
		]);
	});

	it('a web chat has no recording: no file, no error, no download', async () => {
		const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		expect(chat.recording_url).toBeNull();
		const { items } = await run(get(chat.id));
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.id).toBe(chat.id);
		expect(served()).toEqual([]);
	});

	it('a recording over Max Recording Size fails only its item with Continue On Fail', async () => {
		const [big, small] = [phoneCall('api'), phoneCall('media')];
		ctx.sandbox.control.recordingAnswer({ id: big.id, answer: 'huge', bytes: 2 * 1024 * 1024 });
		const { items } = await run(
			{ ...get(0, { maxRecordingSizeMb: 1 }), conversationId: '={{ $json.id }}' },
			{ continueOnFail: true, items: [{ json: { id: big.id } }, { json: { id: small.id } }] },
		);
		expect(items.map((item) => item.json.error ?? null)).toEqual([
			`The recording of conversation ${big.id} is larger than the 1 MB limit`,
			null,
		]);
		expect(items[0].json.description).toBe(
			`${ctx.sandbox.url}/recordings/${big.id}.${recordingAudio(big.id).extension} announced 2 MB (Content-Length). Nothing was stored. Raise the recording size limit in the node's options to download it.`,
		);
		expect(items[0].binary).toBeUndefined();
		expectRecordingFile(items[1], small.id);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Conversation › Get Many › Download Recording', () => {
	it('every call gets its recording and web chats none, Include Transcripts on or not (the full conversation is read); the key never goes to the media origin', async () => {
		const listed = newest(12);
		const withRecording = listed.filter((c) => c.recording_url);
		expect(listed.some((c) => c.channel === 'web_chat')).toBe(true);
		expect(withRecording.some((c) => c.recording_url!.startsWith(ctx.sandbox.mediaUrl))).toBe(true);
		const { items } = await run(getMany(12, { includeTranscripts: false }));
		expect(items.map((item) => item.json.id)).toEqual(listed.map((c) => c.id));
		expect(apiRequests().map((r) => r.path)).toEqual(
			expect.arrayContaining(listed.map((c) => `/api/v1/conversations/${c.id}`)),
		);
		items.forEach((item, index) => {
			if (listed[index].recording_url) expectRecordingFile(item, listed[index].id);
			else expect(item.binary).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
		});
		expect(served().sort((a, b) => a.conversation_id! - b.conversation_id!)).toMatchObject(
			withRecording
				.map((c) => {
					const media = c.recording_url!.startsWith(ctx.sandbox.mediaUrl);
					return {
						origin: media ? 'media' : 'api',
						conversation_id: c.id,
						authorization: !media,
					};
				})
				.sort((a, b) => a.conversation_id - b.conversation_id),
		);
		expect(secretPaths(items, ctx.sandbox.keys.readWrite)).toEqual([]);
	});

	it('a recording that is not audio fails only its conversation with Continue On Fail; without it, the run, saying so', async () => {
		const listed = newest(8);
		const broken = listed.find((c) => c.recording_url)!;
		ctx.sandbox.control.recordingAnswer({ id: broken.id, answer: 'html' });
		const { items } = await run(getMany(8), { continueOnFail: true });
		expect(items).toHaveLength(8);
		const failed = items.filter((item) => item.json.error !== undefined);
		expect(failed.map((item) => item.json)).toEqual([
			{
				error: `The recording of conversation ${broken.id} is not an audio file`,
				description: `${broken.recording_url} answered with Content-Type text/html; charset=utf-8 instead of an audio type (audio/*). It may be a sign-in or error page. Nothing was stored.`,
				conversation_id: broken.id,
			},
		]);
		items.forEach((item, index) => {
			if (listed[index].id === broken.id) return;
			if (listed[index].recording_url) expectRecordingFile(item, listed[index].id);
		});
		ctx.sandbox.control.recordingAnswer({ id: broken.id, answer: 'html' });
		const error = await runError(getMany(5, { maxConcurrency: 1 }));
		expect(error.message).toBe(`The recording of conversation ${broken.id} is not an audio file`);
		expect(error.description).toMatch(
			/Nothing was stored\. The run stopped at this failure \(\d+ transcripts? (was|were) fetched\); no further request was sent\. Turn on "Continue On Fail" in the node settings to keep the conversations that succeeded\.$/,
		);
	});
});

describe('Download Recording options are checked before any request', () => {
	const SIZE_ADVICE =
		'Set it to 25 (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.';
	it.each([
		...[0, 2048].map((size): [Record<string, unknown>, string, string] => [
			{ maxRecordingSizeMb: size },
			`Max Recording Size (MB) must be more than 0 and at most 1,024, got "${size}" [item 0]`,
			SIZE_ADVICE,
		]),
		[
			{ binaryPropertyName: '  ' },
			"Put Output File in Field can't be empty when Download Recording is on [item 0]",
			'Name the binary field the recording goes in, e.g. "data" (the default), or turn off Download Recording.',
		],
	])('%j', async (options, message, description) => {
		for (const parameters of [get(phoneCall('api').id, options), getMany(3, options)]) {
			const error = await runError(parameters);
			expect(error.message).toBe(message);
			expect(error.description).toBe(description);
			expect(apiRequests()).toEqual([]);
			expect(served()).toEqual([]);
		}
	});

	it('with Continue On Fail a bad option becomes that item’s error item; the other items run', async () => {
		const call = phoneCall('api');
		const { items } = await run(
			{
				...get(call.id),
				options: { downloadRecording: true, maxRecordingSizeMb: '={{ $json.size }}' },
			},
			{ continueOnFail: true, items: [{ json: { size: -1 } }, { json: { size: 25 } }] },
		);
		expect(items[0].json).toEqual({
			error: 'Max Recording Size (MB) must be more than 0 and at most 1,024, got "-1" [item 0]',
			description: SIZE_ADVICE,
		});
		expectRecordingFile(items[1], call.id);
		expect(served()).toHaveLength(1);
	});
});

/** The RingReady node as n8n wraps it for an AI agent: its type name ends in "Tool". */
const tool: INodeType = {
	description: { ...node.description, name: 'ringReadyTool' },
	methods: node.methods,
	execute: node.execute,
};

/**
 * The same tool with the Download Recording options not hidden: n8n then passes them to the run
 * as they are saved (where they are hidden, n8n drops them when it loads the workflow).
 */
const toolWithOptionsShown: INodeType = {
	...tool,
	description: {
		...tool.description,
		properties: JSON.parse(
			JSON.stringify(node.description.properties, (key, value: unknown) =>
				key === 'displayOptions' &&
				JSON.stringify(value) === JSON.stringify({ hide: { '@tool': [true] } })
					? undefined
					: value,
			),
		) as INodeType['description']['properties'],
	},
};

it.each([
	['as n8n loads it', tool],
	['even where n8n passes the saved options through', toolWithOptionsShown],
])(
	'as an AI tool, Download Recording is ignored %s: no file, no download',
	async (_case, nodeType) => {
		const call = phoneCall('api');
		for (const parameters of [get(call.id), getMany(4)]) {
			const result = await executeNode(nodeType, {
				parameters: parameters as INodeParameters,
				credentials: ctx.credentials(),
			});
			const items = result.output[0];
			expect(items.length).toBeGreaterThan(0);
			expect(items.every((item) => item.binary === undefined)).toBe(true);
		}
		expect(served()).toEqual([]);
	},
);

describe('a conversation’s recording as a file', () => {
	it('the key goes by exact origin: with a Base URL of localhost it is not sent to 127.0.0.1', async () => {
		const call = phoneCall('api', 'mp3');
		const error = await downloadError(
			call,
			{},
			{ baseUrl: ctx.sandbox.url.replace('127.0.0.1', 'localhost') },
		);
		const where = `${ctx.sandbox.url}${pathOf(call.recording_url!)}`;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			`The recording of conversation ${call.id} could not be downloaded: ${where} answered HTTP 401`,
		);
		expect(error.description).toBe(
			`That address asks for a login. The RingReady API key is sent only to the Base URL's address (${ctx.sandbox.url.replace('127.0.0.1', 'localhost')}), never to another one. Nothing was downloaded.`,
		);
		expect(served()).toMatchObject([
			{ origin: 'api', path: pathOf(call.recording_url!), authorization: false, status: 401 },
		]);
	});

	it.each([
		['to the other origin is followed, without the key', 'media', false],
		['back to the Base URL’s own origin keeps the key', 'api', true],
	] as const)('a redirect %s', async (_case, to, key) => {
		const call = phoneCall('api', 'wav');
		const location = to === 'api' ? call.recording_url! : undefined;
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'redirect', location });
		const { items } = await download([call]);
		expect(fileBytes(items[0])).toEqual(recordingAudio(call.id).bytes);
		expect(served()).toMatchObject([
			{ origin: 'api', path: pathOf(call.recording_url!), authorization: true, status: 302 },
			{ origin: to, path: pathOf(call.recording_url!), authorization: key, status: 200 },
		]);
	});

	it('a file served untyped (application/octet-stream) is taken as the audio its name says; a web chat gets no file', async () => {
		const call = phoneCall('media', 'mp3');
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'octet-stream' });
		const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		const { items } = await download([call, chat]);
		expect(fileBytes(items[0])).toEqual(recordingAudio(call.id).bytes);
		expect(items[0].binary!.data.mimeType).toBe('audio/mpeg');
		expect(items[1]).toEqual({
			json: { id: chat.id, recording_url: null },
			pairedItem: { item: 1 },
		});
	});
});

describe('a recording that cannot be downloaded fails for its item', () => {
	it('over the size limit announced by Content-Length: refused before reading', async () => {
		const call = phoneCall('api', 'wav');
		const size = recordingAudio(call.id).bytes.length;
		const error = await downloadError(call, { maxBytes: 1000 });
		expect(error.message).toBe(
			`The recording of conversation ${call.id} is larger than the 1000 bytes limit`,
		);
		expect(error.description).toBe(
			`${call.recording_url} announced ${Math.round((size / 1024) * 10) / 10} KB (Content-Length). Nothing was stored. Raise the recording size limit in the node's options to download it.`,
		);
	});

	it('over the size limit without Content-Length: stopped once the limit is passed', async () => {
		const call = phoneCall('media', 'mp3');
		const total = 64 * 1024 * 1024;
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'huge',
			bytes: total,
			declareLength: false,
		});
		const error = await downloadError(call, { maxBytes: 1024 * 1024 });
		expect(error.message).toBe(
			`The recording of conversation ${call.id} is larger than the 1 MB limit`,
		);
		expect(error.description).toBe(
			`${call.recording_url} was still sending after 1 MB; the download was stopped. Nothing was stored. Raise the recording size limit in the node's options to download it.`,
		);
		const [first] = served();
		expect(first.bytes_sent).toBeLessThan(total);
	});

	it('a recording the server no longer has (404)', async () => {
		const call = phoneCall('media', 'wav');
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'missing' });
		const error = await downloadError(call);
		expect(error.message).toBe(`The recording of conversation ${call.id} was not found`);
		expect(error.description).toBe(
			`${call.recording_url} answered HTTP 404: the audio of this call is not available (any more). Nothing was downloaded.`,
		);
		expect((error as NodeApiError).httpCode).toBe('404');
	});

	it('a plain-HTTP address that is not this machine: refused before any request', async () => {
		const error = await downloadError({
			id: 5,
			recording_url: 'http://media.ring-ready.com/recordings/5.mp3',
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'Refusing to download the recording of conversation 5 from http://media.ring-ready.com: recordings are downloaded over HTTPS only',
		);
		expect(error.description).toBe(
			`Its recording_url is http://media.ring-ready.com/recordings/5.mp3. ${REFUSAL_ADVICE}`,
		);
		expect(served()).toEqual([]);
		expect(ctx.sandbox.control.requests().log).toEqual([]);
	});

	it('a redirect to a plain-HTTP address is not followed', async () => {
		const call = phoneCall('media', 'mp3');
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'redirect',
			location: 'http://cdn.example.com/r/1.mp3?signature=abc',
		});
		const error = await downloadError(call);
		expect(error.message).toBe(
			`The recording of conversation ${call.id} was redirected to http://cdn.example.com: recordings are downloaded over HTTPS only`,
		);
		expect(error.description).toBe(
			`${call.recording_url} answered HTTP 302 pointing to http://cdn.example.com/r/1.mp3. ${REFUSAL_ADVICE}`,
		);
		expect(served()).toHaveLength(1);
	});

	it('a redirect that keeps redirecting: at most 3 are followed', async () => {
		const call = phoneCall('media', 'wav');
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'redirect',
			location: call.recording_url!,
			count: 10,
		});
		const error = await downloadError(call);
		expect(error.message).toBe(
			`The recording of conversation ${call.id} was redirected more than 3 times`,
		);
		expect(served()).toHaveLength(4);
	});

	it('a body that trickles in past the time limit', async () => {
		const call = phoneCall('api', 'mp3');
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'slow',
			chunkBytes: 16,
			everyMs: 50,
		});
		const error = await downloadError(call, { timeoutMs: 1000 });
		expect(error.message).toBe(
			`The recording of conversation ${call.id} did not download within 1 second`,
		);
		expect(error.description).toBe(
			`${call.recording_url} sent it too slowly. The download was stopped and nothing was stored. Try again later.`,
		);
	});

	it('an address nothing answers on', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const error = await downloadError({
			id: 7,
			recording_url: `http://127.0.0.1:${port}/recordings/7.mp3`,
		});
		expect(error.message).toBe(
			`Could not download the recording of conversation 7 from http://127.0.0.1:${port}: the connection was refused`,
		);
		expect(error.description).toBe(
			`Nothing was stored. Check that this n8n can reach http://127.0.0.1:${port} (error code ECONNREFUSED).`,
		);
	});
});

describe('where recordings may come from', () => {
	const PUBLIC_BASE = 'https://api.ring-ready.test';

	it.each([
		['http://127.0.0.1:6379/', '127.0.0.1 is a loopback address (this machine)'],
		['https://127.0.0.2/r.mp3', '127.0.0.2 is a loopback address (this machine)'],
		['https://localhost:6379/', 'localhost is a name for this machine'],
		['https://[::1]:2375/containers/json', '[::1] is a loopback address (this machine)'],
		['https://10.0.0.5/admin', '10.0.0.5 is a private network address'],
		['https://172.16.0.1/', '172.16.0.1 is a private network address'],
		['https://192.168.1.1/', '192.168.1.1 is a private network address'],
		['https://100.64.0.1/', '100.64.0.1 is a shared network address (100.64.0.0/10)'],
		[
			'https://169.254.169.254/latest/meta-data/',
			'169.254.169.254 is a link-local address (such as a cloud metadata service)',
		],
		['https://[fe80::1]/', '[fe80::1] is a link-local address'],
		['https://[fd00::1]/', '[fd00::1] is a private network address'],
		['https://0.0.0.0/', '0.0.0.0 is an unspecified address'],
		['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1] is a loopback address (this machine)'],
		['https://2130706433/', '127.0.0.1 is a loopback address (this machine)'],
	])('with a public Base URL, %s is refused before any request', async (recordingUrl, why) => {
		const error = await downloadError(
			{ id: 5, recording_url: recordingUrl },
			{},
			{ baseUrl: PUBLIC_BASE },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		const url = new URL(recordingUrl);
		expect(error.message).toBe(
			`Refusing to download the recording of conversation 5 from ${url.protocol}//${url.host}: ${why}, and recordings are not downloaded from this machine or its network`,
		);
		expect(error.description).toBe(
			`Its recording_url is ${url.origin}${url.pathname}. ${REFUSAL_ADVICE}`,
		);
		expect(served()).toEqual([]);
	});

	it('a user name or password in the address is refused, never sent', async () => {
		const call = phoneCall('api', 'mp3');
		const withUser = call.recording_url!.replace('http://', 'http://admin:secret@');
		const error = await downloadError({ id: call.id, recording_url: withUser });
		expect(error.message).toBe(
			`Refusing to download the recording of conversation ${call.id} from http://${new URL(call.recording_url!).host}: its address carries a user name or password, which are never sent`,
		);
		expect(secretPaths(error, 'secret')).toEqual([]);
		expect(served()).toEqual([]);
	});

	describe('a second loopback address (127.0.0.2) and answers that are not audio', () => {
		let server: ReturnType<typeof createServer>;
		let origin = '';
		const seen: Array<{ path: string; authorization?: string }> = [];
		const answers: Record<string, { type: string; body: Buffer | string }> = {
			'/audio.mp3': { type: 'audio/mpeg', body: recordingAudio(5).bytes },
			'/playlist.m3u8': {
				type: 'audio/x-mpegurl',
				body: '#EXTM3U\n#EXTINF:10,\nhttps://cdn.example.com/a.mp3\n',
			},
			'/playlist-as-audio.mp3': {
				type: 'audio/mpeg',
				body: '#EXTM3U\nhttps://cdn.example.com/a.mp3\n',
			},
			'/page-as-audio.mp3': {
				type: 'audio/mpeg',
				body: '<!doctype html><html><body>Sign in</body></html>',
			},
		};
		beforeAll(async () => {
			server = createServer((request, response) => {
				seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
				const answer = answers[request.url ?? ''];
				if (answer) response.writeHead(200, { 'Content-Type': answer.type }).end(answer.body);
				else response.writeHead(404).end();
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
			origin = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
		});
		afterAll(async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		});
		beforeEach(() => {
			seen.length = 0;
		});

		it('with the sandbox (loopback) Base URL, a recording on 127.0.0.2 is downloaded, without the key', async () => {
			const { items } = await download([{ id: 5, recording_url: `${origin}/audio.mp3` }]);
			expect(fileBytes(items[0])).toEqual(recordingAudio(5).bytes);
			expect(seen).toEqual([{ path: '/audio.mp3', authorization: undefined }]);
		});

		it.each([
			[
				'/playlist.m3u8',
				'Content-Type audio/x-mpegurl instead of an audio type (audio/*). It may be a sign-in or error page.',
			],
			[
				'/playlist-as-audio.mp3',
				'Content-Type audio/mpeg, but what it sent is a playlist, not audio.',
			],
			[
				'/page-as-audio.mp3',
				'Content-Type audio/mpeg, but what it sent is a web page (HTML), not audio.',
			],
		])('%s is not stored as audio', async (path, says) => {
			const error = await downloadError({ id: 5, recording_url: `${origin}${path}` });
			expect(error.message).toBe('The recording of conversation 5 is not an audio file');
			expect(error.description).toBe(`${origin}${path} answered with ${says} Nothing was stored.`);
		});
	});
});
