/**
 * Conversation › Get and Get Many with Download Recording: the call's audio as the item's file,
 * through n8n-core's ExecuteContext against the sandbox (recordings on its own origin, with the
 * key, and on a second "media" origin, without it).
 */
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { executeNode, secretPaths } from '../harness';
import type { ConversationDetail } from '../sandbox';
import { recordingAudio } from '../sandbox';
import { apiRequests, byId, node, run, runError, useSandbox } from './fixture';

const ctx = useSandbox();

const get = (id: number, options: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'get',
	conversationId: byId(id),
	options: { downloadRecording: true, ...options },
});

const getMany = (limit: number, options: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'getAll',
	limit,
	options: { includeTranscripts: true, downloadRecording: true, ...options },
});

/** The first conversations of account A, newest first, as Get Many lists them. */
const newest = (count: number) => ctx.sandbox.control.conversations('A').slice(0, count);

/** The newest phone call of account A with a recording on this origin. */
function phoneCall(origin: 'api' | 'media'): ConversationDetail {
	const base = origin === 'api' ? ctx.sandbox.url : ctx.sandbox.mediaUrl;
	const found = ctx.sandbox.control
		.conversations('A')
		.find((c) => c.recording_url?.startsWith(`${base}/recordings/`));
	if (!found) throw new Error(`no recording on the ${origin} origin`);
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

const recordingRequests = () =>
	ctx.sandbox.control.recordingRequests().map(({ origin, conversation_id, authorization }) => ({
		origin,
		conversation_id,
		authorization,
	}));

describe('Conversation › Get › Download Recording', () => {
	it('puts the call’s recording on the item as a file: the bytes RingReady served, its type, name and size', async () => {
		const call = phoneCall('api');
		const { items } = await run(get(call.id), { credentials: ctx.credentials() });
		expect(items).toHaveLength(1);
		expectRecordingFile(items[0], call.id);
		expect(items[0].json.id).toBe(call.id);
		expect(recordingRequests()).toEqual([
			{ origin: 'api', conversation_id: call.id, authorization: true },
		]);
	});

	it('Put Output File in Field names the binary field', async () => {
		const call = phoneCall('media');
		const { items } = await run(get(call.id, { binaryPropertyName: 'recording' }), {
			credentials: ctx.credentials(),
		});
		expectRecordingFile(items[0], call.id, 'recording');
	});

	it('a web chat has no recording: no file, no error, no download', async () => {
		const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		expect(chat.recording_url).toBeNull();
		const { items } = await run(get(chat.id), { credentials: ctx.credentials() });
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.id).toBe(chat.id);
		expect(recordingRequests()).toEqual([]);
	});

	it('a recording over Max Recording Size fails only its item with Continue On Fail', async () => {
		const [big, small] = [phoneCall('api'), phoneCall('media')];
		ctx.sandbox.control.recordingAnswer({ id: big.id, answer: 'huge', bytes: 2 * 1024 * 1024 });
		const { items } = await run(
			{ ...get(0, { maxRecordingSizeMb: 1 }), conversationId: '={{ $json.id }}' },
			{
				credentials: ctx.credentials(),
				continueOnFail: true,
				items: [{ json: { id: big.id } }, { json: { id: small.id } }],
			},
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

	it('a download that fails fails the run without Continue On Fail', async () => {
		const call = phoneCall('api');
		ctx.sandbox.control.recordingAnswer({ id: call.id, answer: 'html' });
		const error = await runError(get(call.id), { credentials: ctx.credentials() });
		expect(error.message).toBe(`The recording of conversation ${call.id} is not an audio file`);
		expect(everythingSecretFree(error)).toBe(true);
	});
});

describe('Conversation › Get Many › Download Recording', () => {
	it('with Include Transcripts, every call gets its recording and web chats none; the key never goes to the media origin', async () => {
		const listed = newest(12);
		const withRecording = listed.filter((c) => c.recording_url);
		expect(listed.some((c) => c.channel === 'web_chat')).toBe(true);
		expect(withRecording.some((c) => c.recording_url!.startsWith(ctx.sandbox.mediaUrl))).toBe(true);
		const { items } = await run(getMany(12), { credentials: ctx.credentials() });
		expect(items.map((item) => item.json.id)).toEqual(listed.map((c) => c.id));
		items.forEach((item, index) => {
			if (listed[index].recording_url) expectRecordingFile(item, listed[index].id);
			else expect(item.binary).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: 0 });
		});
		expect(
			[...recordingRequests()].sort((a, b) => a.conversation_id! - b.conversation_id!),
		).toEqual(
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

	it('downloads count toward Max Concurrency: with 1, no download overlaps a request to RingReady or another download', async () => {
		ctx.sandbox.control.setLatency(5);
		const { items } = await run(getMany(8, { maxConcurrency: 1 }), {
			credentials: ctx.credentials(),
		});
		expect(items.filter((item) => item.binary)).toHaveLength(
			newest(8).filter((c) => c.recording_url).length,
		);
		const intervals = [...apiRequests(ctx.sandbox), ...ctx.sandbox.control.recordingRequests()]
			.map((r) => [r.started_ms, r.ended_ms!] as const)
			.sort((a, b) => a[0] - b[0]);
		expect(ctx.sandbox.control.recordingRequests().length).toBeGreaterThan(1);
		const overlaps = intervals.filter(
			([start], index) => index > 0 && start < intervals[index - 1][1],
		);
		expect(overlaps).toEqual([]);
	});

	it('Download Recording turns on Include Transcripts: the recording address comes with the full conversation', async () => {
		const listed = newest(4);
		const { items } = await run(getMany(4, { includeTranscripts: false }), {
			credentials: ctx.credentials(),
		});
		expect(apiRequests(ctx.sandbox).map((r) => r.path)).toEqual(
			expect.arrayContaining(listed.map((c) => `/api/v1/conversations/${c.id}`)),
		);
		items.forEach((item, index) => {
			if (listed[index].recording_url) expectRecordingFile(item, listed[index].id);
			else expect(item.binary).toBeUndefined();
		});
	});

	it('a recording that is not audio fails only its conversation with Continue On Fail', async () => {
		const listed = newest(8);
		const broken = listed.find((c) => c.recording_url)!;
		ctx.sandbox.control.recordingAnswer({ id: broken.id, answer: 'html' });
		const { items } = await run(getMany(8), {
			credentials: ctx.credentials(),
			continueOnFail: true,
		});
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
	});

	it('without Continue On Fail a recording that cannot be downloaded fails the run and says so', async () => {
		const listed = newest(5);
		const broken = listed.find((c) => c.recording_url)!;
		ctx.sandbox.control.recordingAnswer({ id: broken.id, answer: 'html' });
		const error = await runError(getMany(5, { maxConcurrency: 1 }), {
			credentials: ctx.credentials(),
		});
		expect(error.message).toBe(`The recording of conversation ${broken.id} is not an audio file`);
		expect(error.description).toMatch(
			/Nothing was stored\. The run stopped at this failure \(\d+ transcripts? (was|were) fetched\); no further request was sent\. Turn on "Continue On Fail" in the node settings to keep the conversations that succeeded\.$/,
		);
	});
});

describe('Download Recording options are checked before any request', () => {
	it.each([
		[
			{ maxRecordingSizeMb: 0 },
			'Max Recording Size (MB) must be more than 0 and at most 1,024, got "0" [item 0]',
			'Set it to 25 (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.',
		],
		[
			{ maxRecordingSizeMb: 2048 },
			'Max Recording Size (MB) must be more than 0 and at most 1,024, got "2048" [item 0]',
			'Set it to 25 (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.',
		],
		[
			{ binaryPropertyName: '  ' },
			"Put Output File in Field can't be empty when Download Recording is on [item 0]",
			'Name the binary field the recording goes in, e.g. "data" (the default), or turn off Download Recording.',
		],
	])('%j', async (options, message, description) => {
		for (const parameters of [get(phoneCall('api').id, options), getMany(3, options)]) {
			const error = await runError(parameters, { credentials: ctx.credentials() });
			expect(error.message).toBe(message);
			expect(error.description).toBe(description);
			expect(apiRequests(ctx.sandbox)).toEqual([]);
			expect(recordingRequests()).toEqual([]);
		}
	});

	it('with Continue On Fail a bad option becomes that item’s error item; the other items run', async () => {
		const call = phoneCall('api');
		const { items } = await run(
			{
				...get(call.id),
				options: { downloadRecording: true, maxRecordingSizeMb: '={{ $json.size }}' },
			},
			{
				credentials: ctx.credentials(),
				continueOnFail: true,
				items: [{ json: { size: -1 } }, { json: { size: 25 } }],
			},
		);
		expect(items[0].json).toEqual({
			error: 'Max Recording Size (MB) must be more than 0 and at most 1,024, got "-1" [item 0]',
			description:
				'Set it to 25 (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.',
		});
		expectRecordingFile(items[1], call.id);
		expect(recordingRequests()).toHaveLength(1);
	});
});

describe('as an AI tool', () => {
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
	])('Download Recording is ignored %s: no file, no download', async (_case, nodeType) => {
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
		expect(recordingRequests()).toEqual([]);
	});
});

function everythingSecretFree(error: unknown): boolean {
	return secretPaths(error, ctx.sandbox.keys.readWrite).length === 0;
}
