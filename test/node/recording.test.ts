/**
 * Downloading a conversation's recording as an n8n file (shared/recording.ts), through n8n-core's
 * ExecuteContext against the sandbox over real HTTP. A small node defined here calls the transport
 * function directly (one download per item, the item's credential from a RequestSession, the file
 * under a binary property), so that each rule of the download is tested on its own. What a user
 * sees of an ordinary download (the file, its field, Max Recording Size, a page that is not audio,
 * Continue On Fail) is tested once, through Conversation › Get and Get Many, in
 * downloadRecording.test.ts.
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
import { everythingVisible, useSandbox } from './fixture';

/** What every refused address's error says to do. */
const REFUSAL_ADVICE =
	'Nothing was requested from it. Recordings are downloaded only from public addresses over HTTPS (plain http:// and addresses on this machine only when the Base URL in the RingReady API credential is itself on this machine, such as the local sandbox). If the address looks wrong, contact RingReady support about this conversation.';

const recordingProbe: INodeType = {
	description: {
		displayName: 'Recording Probe',
		name: 'recordingProbe',
		group: ['transform'],
		version: 1,
		description: 'Downloads each item’s recording_url as a file',
		defaults: { name: 'Recording Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [
			{ displayName: 'Conversation ID', name: 'id', type: 'string', default: '={{ $json.id }}' },
			{
				displayName: 'Recording URL',
				name: 'recordingUrl',
				type: 'string',
				default: '={{ $json.recording_url }}',
			},
			{ displayName: 'Max Bytes', name: 'maxBytes', type: 'number', default: 25 * 1024 * 1024 },
			{ displayName: 'Timeout (ms)', name: 'timeoutMs', type: 'number', default: 30_000 },
			{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data' },
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const session = new RequestSession(this, {
			policy: {
				...RETRY_POLICY,
				requestTimeoutMs: this.getNodeParameter('timeoutMs', 0) as number,
			},
		});
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const url = this.getNodeParameter('recordingUrl', itemIndex) as string | null;
				const file = await downloadRecording.call(
					this,
					{ id: this.getNodeParameter('id', itemIndex), recording_url: url || null },
					{
						itemIndex,
						session,
						maxBytes: this.getNodeParameter('maxBytes', itemIndex) as number,
					},
				);
				const json = { ...items[itemIndex].json };
				if (!file) {
					out.push({ json, pairedItem: { item: itemIndex } });
					continue;
				}
				const binaryProperty = this.getNodeParameter('binaryProperty', itemIndex) as string;
				out.push({
					json,
					binary: await recordingBinary.call(this, file, binaryProperty),
					pairedItem: { item: itemIndex },
				});
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [out];
	},
};

const ctx = useSandbox();

interface Run {
	items: INodeExecutionData[];
}

async function download(
	conversations: Array<Partial<ConversationDetail>>,
	parameters: INodeParameters = {},
	options: { baseUrl?: string; continueOnFail?: boolean } = {},
): Promise<Run> {
	const result = await executeNode(recordingProbe, {
		parameters,
		items: conversations.map((c) => ({ json: { id: c.id, recording_url: c.recording_url } })),
		credentials: {
			apiKey: ctx.sandbox.keys.readWrite,
			baseUrl: options.baseUrl ?? ctx.sandbox.url,
		},
		continueOnFail: options.continueOnFail,
	});
	const items = result.output[0] ?? [];
	expect(secretPaths(items, ctx.sandbox.keys.readWrite)).toEqual([]);
	return { items };
}

async function downloadError(
	conversation: Partial<ConversationDetail>,
	parameters: INodeParameters = {},
	options: { baseUrl?: string } = {},
): Promise<NodeApiError | NodeOperationError> {
	try {
		await download([conversation], parameters, options);
	} catch (error) {
		expect(everythingVisible(error)).not.toContain(ctx.sandbox.keys.readWrite);
		expect(secretPaths(error, ctx.sandbox.keys.readWrite)).toEqual([]);
		return error as NodeApiError | NodeOperationError;
	}
	throw new Error('expected the download to fail, but it succeeded');
}

/** A phone call of account A whose recording is on this origin, in this format. */
function phoneCall(origin: 'api' | 'media', extension: 'mp3' | 'wav'): ConversationDetail {
	const base = origin === 'api' ? ctx.sandbox.url : ctx.sandbox.mediaUrl;
	const found = ctx.sandbox.control
		.conversations('A')
		.find(
			(c) =>
				c.recording_url?.startsWith(`${base}/recordings/`) && c.recording_url.endsWith(extension),
		);
	if (!found) throw new Error(`no ${extension} recording on the ${origin} origin`);
	return found;
}

function fileBytes(item: INodeExecutionData, property = 'data'): Buffer {
	return Buffer.from(item.binary![property].data, 'base64');
}

const recordingRequests = () =>
	ctx.sandbox.control
		.recordingRequests()
		.map(({ origin, path, authorization, status }) => ({ origin, path, authorization, status }));

const pathOf = (url: string) => new URL(url).pathname;

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
		expect(recordingRequests()).toEqual([
			{ origin: 'api', path: pathOf(call.recording_url!), authorization: false, status: 401 },
		]);
	});

	it('a conversation without a recording (a web chat) gets no file and no error', async () => {
		const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		expect(chat.recording_url).toBeNull();
		const { items } = await download([chat]);
		expect(items).toEqual([
			{ json: { id: chat.id, recording_url: null }, pairedItem: { item: 0 } },
		]);
		expect(recordingRequests()).toEqual([]);
	});

	it('a redirect to the other origin is followed, without the key', async () => {
		const call = phoneCall('api', 'wav');
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'redirect' });
		const { items } = await download([call]);
		expect(fileBytes(items[0])).toEqual(recordingAudio(call.id).bytes);
		expect(recordingRequests()).toEqual([
			{ origin: 'api', path: pathOf(call.recording_url!), authorization: true, status: 302 },
			{ origin: 'media', path: pathOf(call.recording_url!), authorization: false, status: 200 },
		]);
	});

	it('a file served untyped (application/octet-stream) is taken as the audio its name says', async () => {
		const call = phoneCall('media', 'mp3');
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'octet-stream' });
		const { items } = await download([call]);
		expect(fileBytes(items[0])).toEqual(recordingAudio(call.id).bytes);
		expect(items[0].binary!.data.mimeType).toBe('audio/mpeg');
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
		const [served] = ctx.sandbox.control.recordingRequests();
		expect(served.bytes_sent).toBeLessThan(total);
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
		expect(recordingRequests()).toEqual([]);
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
		expect(recordingRequests()).toHaveLength(1);
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
		expect(recordingRequests()).toHaveLength(4);
	});

	it('a body that trickles in past the time limit', async () => {
		const call = phoneCall('api', 'mp3');
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'slow',
			chunkBytes: 16,
			everyMs: 50,
		});
		const error = await downloadError(call, { timeoutMs: 400 });
		expect(error.message).toBe(
			`The recording of conversation ${call.id} did not download within 0.4 seconds`,
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
		expect(recordingRequests()).toEqual([]);
	});

	it('a user name or password in the address is refused, never sent', async () => {
		const call = phoneCall('api', 'mp3');
		const withUser = call.recording_url!.replace('http://', 'http://admin:secret@');
		const error = await downloadError({ id: call.id, recording_url: withUser });
		expect(error.message).toBe(
			`Refusing to download the recording of conversation ${call.id} from http://${new URL(call.recording_url!).host}: its address carries a user name or password, which are never sent`,
		);
		expect(everythingVisible(error)).not.toContain('secret');
		expect(recordingRequests()).toEqual([]);
	});

	it('a redirect back to the Base URL’s own origin keeps the key', async () => {
		const call = phoneCall('api', 'wav');
		ctx.sandbox.control.recordingAnswer({
			id: call.id,
			answer: 'redirect',
			location: call.recording_url!,
		});
		const { items } = await download([call]);
		expect(fileBytes(items[0])).toEqual(recordingAudio(call.id).bytes);
		expect(ctx.sandbox.control.recordingRequests().map((r) => [r.status, r.key !== null])).toEqual([
			[302, true],
			[200, true],
		]);
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
