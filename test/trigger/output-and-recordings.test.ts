/**
 * The trigger's Output (version 1.1) and Download Recording, through n8n-core's PollContext
 * against the sandbox (recordings on its own origin, fetched with the key, and on a second "media"
 * origin, fetched without it).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { SIMPLIFIED_CONVERSATION_FIELDS_V1_1 } from '../../nodes/RingReady/shared/output';
import { transcriptToText } from '../../nodes/RingReady/shared/transcript';
import type { ConversationDetail } from '../sandbox';
import { recordingAudio } from '../sandbox';
import { sandbox, workflow as pollingWorkflow } from './sandbox';

/** One trigger node (version 1.1 unless said): `poll` gives n8n's items (json and binary). */
const workflow = (parameters: INodeParameters, typeVersion = 1.1) => {
	const wf = pollingWorkflow(parameters, { typeVersion });
	return { poll: wf.items };
};

async function activated(parameters: INodeParameters, typeVersion?: number) {
	const wf = workflow(parameters, typeVersion);
	expect(await wf.poll()).toBeNull();
	return wf;
}

const byId = (items: INodeExecutionData[] | null, id: number) =>
	(items ?? []).find((item) => item.json.id === id)!;

function expectRecordingFile(item: INodeExecutionData, id: number, field = 'data') {
	const audio = recordingAudio(id);
	expect(Object.keys(item.binary ?? {})).toEqual([field]);
	expect(Buffer.from(item.binary![field].data, 'base64')).toEqual(audio.bytes);
	expect(item.binary![field]).toMatchObject({
		mimeType: audio.mimeType,
		fileName: `conversation-${id}.${audio.extension}`,
		bytes: audio.bytes.length,
	});
}

const recordingRequests = () =>
	sandbox.control
		.recordingRequests()
		.map(({ origin, conversation_id, authorization }) => ({
			origin,
			conversation_id,
			authorization,
		}))
		.sort((a, b) => a.conversation_id! - b.conversation_id!);

const withRecording = (added: ConversationDetail[]) => added.filter((c) => c.recording_url);
const originOf = (c: ConversationDetail) =>
	c.recording_url!.startsWith(`${sandbox.mediaUrl}/`) ? 'media' : 'api';

describe('RingReady Trigger › Download Recording', () => {
	it('each new phone call comes with its recording as a file; the key goes only to RingReady’s own origin; a web chat has none', async () => {
		const wf = await activated({ output: 'raw', options: { downloadRecording: true } });
		const calls = sandbox.control.addConversations({ count: 6, channel: 'phone' });
		const [chat] = sandbox.control.addConversations({ count: 1, channel: 'web_chat' });
		const items = await wf.poll();
		expect(items!.map((item) => item.json.id)).toEqual([...calls, chat].map((c) => c.id));
		const recorded = withRecording(calls);
		expect(new Set(recorded.map(originOf))).toEqual(new Set(['api', 'media']));
		for (const call of calls) {
			const item = byId(items, call.id);
			if (call.recording_url) expectRecordingFile(item, call.id);
			else expect(item.binary).toBeUndefined();
			expect(item.json.error).toBeUndefined();
		}
		expect(byId(items, chat.id).binary).toBeUndefined();
		expect(recordingRequests()).toEqual(
			recorded.map((c) => ({
				origin: originOf(c),
				conversation_id: c.id,
				authorization: originOf(c) === 'api',
			})),
		);
		expect(await wf.poll()).toBeNull();
	});

	it('a recording that can’t be downloaded: the conversation is emitted once, without the file, with an error, and the others are not held back', async () => {
		// Version 1 (saved workflows) has the option too.
		const wf = await activated(
			{ options: { downloadRecording: true, binaryPropertyName: 'audio' } },
			1,
		);
		const calls = withRecording(sandbox.control.addConversations({ count: 6, channel: 'phone' }));
		const broken = calls[0];
		sandbox.control.recordingAnswer({ id: broken.id, answer: 'html' });
		const items = await wf.poll();
		expect(items).toHaveLength(6);
		expect(byId(items, broken.id).binary).toBeUndefined();
		expect(byId(items, broken.id).json.error).toBe(
			`The recording could not be downloaded, so this conversation is emitted without it: The recording of conversation ${broken.id} is not an audio file`,
		);
		for (const call of calls.slice(1)) expectRecordingFile(byId(items, call.id), call.id, 'audio');
		expect(await wf.poll()).toBeNull();
	});

	it('Fetch Test Event downloads the latest call’s recording', async () => {
		let latest: ConversationDetail | undefined;
		for (let i = 0; i < 10 && !latest?.recording_url; i++)
			[latest] = sandbox.control.addConversations({ count: 1, channel: 'phone' });
		sandbox.control.addConversations({ count: 1, channel: 'web_chat' });
		const wf = workflow({ filters: { channel: 'phone' }, options: { downloadRecording: true } });
		const items = await wf.poll('manual');
		expect(items!.map((item) => item.json.id)).toEqual([latest!.id]);
		expectRecordingFile(items![0], latest!.id);
	});
});

describe('RingReady Trigger › Output (version 1.1)', () => {
	it('Raw: the API’s fields as they come; a version 1 trigger (saved workflows) has no Output and emits the same', async () => {
		const raw = await activated({ output: 'raw' });
		const v1 = await activated({}, 1);
		sandbox.control.addConversations({ count: 2 });
		const rawItems = (await raw.poll())!.map((item) => item.json);
		const v1Items = (await v1.poll())!.map((item) => item.json);
		expect(rawItems).toEqual(v1Items);
		expect(Object.keys(rawItems[0])).toContain('end_reason');
		expect(Object.keys(rawItems[0])).toContain('to');
	});
});

describe('Output, and Fetch Test Event', () => {
	const simplified = [...SIMPLIFIED_CONVERSATION_FIELDS_V1_1];
	it.each([
		[
			'Simplified, Add Transcript Text, Download Recording',
			{ options: { transcriptText: true, downloadRecording: true } },
			[...simplified, 'transcript_text'],
		],
		['Raw, Include Transcript', { output: 'raw', options: { includeTranscript: true } }, null],
		[
			'Selected Fields (transcript_text fetches the transcript by itself)',
			{ output: 'selectedFields', fields: ['summary', 'transcript_text'] },
			['id', 'summary', 'transcript_text'],
		],
		['Simplified (the default, 10 fields at most, the id first)', {}, simplified],
	] as Array<[string, INodeParameters, string[] | null]>)(
		'%s: the fields asked for; the test event is the item a poll emits for the same conversation',
		async (_options, parameters, fields) => {
			const wf = await activated(parameters);
			const [call] = sandbox.control.addConversations({ count: 1, channel: 'phone' });
			const polled = byId(await wf.poll(), call.id);
			expect(Object.keys(polled.json)).toEqual(fields ?? Object.keys(call));
			expect(simplified.length).toBeLessThanOrEqual(10);
			if (fields?.includes('transcript_text'))
				expect(polled.json.transcript_text).toBe(transcriptToText(call.transcript));
			const [testEvent] = (await wf.poll('manual'))!;
			expect(testEvent.json.id).toBe(call.id);
			expect(testEvent).toEqual(polled);
		},
	);
});
