/**
 * The RingReady Trigger through n8n-core's real PollContext (test/harness runPoll), against the
 * sandbox API, with the node's static data carried from poll to poll as n8n stores it (JSON); its
 * Output (version 1.1) and Download Recording (recordings on the API's own origin, fetched with the
 * key, and on a second "media" origin, fetched without it).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { readFileSync } from 'fs';
import { join } from 'path';

import { RingReady } from '../../nodes/RingReady/RingReady.node';
import { SIMPLIFIED_CONVERSATION_FIELDS_V1_1 } from '../../nodes/RingReady/shared/output';
import { transcriptToText } from '../../nodes/RingReady/shared/transcript';
import { executeNode, secretPaths } from '../harness';
import { recordingAudio, startSandbox } from '../sandbox';
import type { ConversationDetail } from '../sandbox';
import {
	LIST_PATH,
	afterEachResponse,
	credentials,
	ids,
	listRequests,
	sandbox,
	trigger,
	workflow,
} from './sandbox';
import { virtualClock } from './schedulers';

const byId = (value: number) => ({ __rl: true, mode: 'id', value: String(value) });
const isoSeconds = (ms: number) =>
	new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const addedIds = (added: ConversationDetail[]) => added.map((c) => c.id);

/** The list form of a conversation: what GET /conversations returns for it. */
function summaryOf(detail: ConversationDetail): IDataObject {
	const { transcript: _t, recording_url: _r, ...rest } = detail;
	const webChat = detail.web_chat
		? { device_type: detail.web_chat.device_type, origin_url: detail.web_chat.origin_url }
		: null;
	return { ...rest, web_chat: webChat } as unknown as IDataObject;
}

describe('description', () => {
	it('is a polling trigger with the agreed interface', () => {
		const d = trigger.description;
		expect(d).toMatchObject({
			name: 'ringReadyTrigger',
			displayName: 'RingReady Trigger',
			version: [1, 1.1],
			defaultVersion: 1.1,
			polling: true,
			inputs: [],
			group: ['trigger'],
			credentials: [{ name: 'ringReadyApi', required: true }],
		});
		expect(d.usableAsTool).toBeUndefined();
		expect(d.properties.map((p) => p.name)).toEqual([
			'event',
			'filters',
			'output',
			'fields',
			'options',
		]);
		const options = d.properties.find((p) => p.name === 'options')!
			.options as unknown as IDataObject[];
		expect(Object.fromEntries(options.map((o) => [o.name, o.default]))).toEqual({
			includeTranscript: false,
			transcriptText: false,
			downloadRecording: false,
			binaryPropertyName: 'data',
			maxRecordingSizeMb: 25,
			lateArrivalMinutes: 60,
			onlyFinished: true,
		});
		expect(typeof trigger.methods.listSearch.searchAgents).toBe('function');
	});
});

describe('first activation', () => {
	it('emits nothing, starts from the newest conversation, and costs two requests; an idle poll then one', async () => {
		const wf = workflow();
		expect(await wf.poll()).toBeNull();
		const newest = sandbox.control.conversations()[0];
		expect(wf.staticData).toMatchObject({
			v: 2,
			filterKey: 'channel=*;agent=*',
			account: `${sandbox.url} user 142`,
			keyId: expect.stringMatching(/^[0-9a-f]{24}$/),
			cursor: newest.started_at,
			ceiling: newest.id,
		});
		expect(JSON.stringify(wf.staticData)).not.toContain(sandbox.keys.readWrite.slice(8));
		// The window is listed by the next poll, which may resume it across polls like any listing.
		expect(sandbox.control.requests().log.map((r) => [r.path, r.query])).toEqual([
			['/api/v1/whoami', {}],
			[LIST_PATH, { limit: '20' }],
		]);
		sandbox.control.clearRequests();
		expect(await wf.poll()).toBeNull(); // history is never flooded
		// An idle poll is exactly one request: the late-arrival window before the newest conversation.
		const since = isoSeconds(Date.parse(newest.started_at) - 3_600_000);
		expect(sandbox.control.requests().log).toEqual([
			expect.objectContaining({ method: 'GET', path: LIST_PATH, query: { limit: '200', since } }),
		]);
	});

	it('with no conversations at all: Fetch Test Event says how to make one; activation emits nothing; then everything that appears is new', async () => {
		const empty = await startSandbox({
			port: 0,
			controls: true,
			conversationsPerAccount: { A: 0, B: 0 },
		});
		try {
			const onEmpty = { credentials: credentials('readWrite', empty) };
			const error = await workflow({ filters: { channel: 'phone' } }, onEmpty).pollError('manual');
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(
				'There is no RingReady conversation yet for these filters (phone calls)',
			);
			expect(error.description).toMatch(/call the agent's phone number, or open the web chat/);
			const wf = workflow({}, onEmpty);
			expect(await wf.poll()).toBeNull();
			expect(wf.staticData).toMatchObject({ cursor: null, seen: [] });
			const added = empty.control.addConversations({ count: 3 });
			expect(ids(await wf.poll())).toEqual(addedIds(added));
			expect(await wf.poll()).toBeNull();
		} finally {
			await empty.close();
		}
	});
});

describe('new conversations', () => {
	it('450 new in one burst → 450 items across 3 pages (the API fields unchanged, oldest first), none twice', async () => {
		const wf = workflow();
		await wf.poll();
		const added = sandbox.control.addConversations({ count: 450 });
		sandbox.control.clearRequests();
		const items = await wf.poll();
		expect(listRequests()).toHaveLength(3);
		expect(items).toEqual(added.map(summaryOf));
		expect(await wf.poll()).toBeNull();
	});
});

describe('filters', () => {
	it('channel: only phone calls are emitted, and the filter is sent to the API', async () => {
		const wf = workflow({ filters: { channel: 'phone' } });
		await wf.poll();
		const [chatAgent] = sandbox.control
			.agents()
			.filter((a) => a.features.web_chat_enabled && !a.is_suspended);
		sandbox.control.addConversations({ count: 2, channel: 'web_chat', agentId: chatAgent.id });
		const phone = sandbox.control.addConversations({ count: 2, channel: 'phone' });
		sandbox.control.addConversations({ count: 1, channel: 'web_chat', agentId: chatAgent.id });
		sandbox.control.clearRequests();
		const items = await wf.poll();
		expect(ids(items)).toEqual(addedIds(phone));
		expect(items!.every((item) => item.channel === 'phone')).toBe(true);
		expect(listRequests()[0].query.channel).toBe('phone');
	});

	it('agent: only that agent’s conversations are emitted', async () => {
		const [agentA, agentB] = sandbox.control.agents().filter((a) => !a.is_suspended);
		const wf = workflow({ filters: { agentId: byId(agentA.id) } });
		await wf.poll();
		const mine = sandbox.control.addConversations({ count: 2, agentId: agentA.id });
		sandbox.control.addConversations({ count: 3, agentId: agentB.id });
		sandbox.control.clearRequests();
		expect(ids(await wf.poll())).toEqual(addedIds(mine));
		expect(listRequests()[0].query.agent_id).toBe(String(agentA.id));
	});
});

describe('transcripts', () => {
	it('Include Transcript emits each conversation in full; a poll reads the credential once (activation included)', async () => {
		const wf = workflow({ options: { includeTranscript: true } });
		await wf.poll();
		expect(wf.credentialReads).toBe(1);
		const added = sandbox.control.addConversations({ count: 4 });
		sandbox.control.clearRequests();
		const items = await wf.poll();
		expect(items).toEqual(added.map((c) => JSON.parse(JSON.stringify(c))));
		expect(items![0].transcript).toEqual(expect.any(Array));
		expect(items![0]).not.toHaveProperty('transcript_text');
		const log = sandbox.control.requests().log;
		expect(log.filter((e) => e.path.startsWith(`${LIST_PATH}/`))).toHaveLength(4);
		expect(wf.credentialReads).toBe(1);
		expect(await wf.poll()).toBeNull();
	});

	it('bounds the transcript fetches in flight', async () => {
		const wf = workflow({ options: { includeTranscript: true } });
		await wf.poll();
		sandbox.control.addConversations({ count: 60 });
		sandbox.control.setLatency(20);
		sandbox.control.clearRequests();
		expect(await wf.poll()).toHaveLength(60);
		expect(sandbox.control.requests().peakInFlight).toBeLessThanOrEqual(10);
	});
});

describe('failures leave the state exactly as it was', () => {
	it('a 500 in the middle of pagination: the poll throws, nothing is lost or repeated afterwards', async () => {
		const wf = workflow();
		await wf.poll();
		const added = sandbox.control.addConversations({ count: 450 });
		const before = wf.snapshot();
		sandbox.control.clearRequests();
		const faultAfterFirstPage = afterEachResponse(() => {
			if (listRequests().length === 1)
				sandbox.control.injectFaults({ status: 500, count: 1, path: LIST_PATH });
		});
		const error = await wf
			.run('trigger', faultAfterFirstPage)
			.catch((e: unknown) => e as NodeApiError);
		expect(error).toBeInstanceOf(NodeApiError);
		if (!(error instanceof NodeApiError)) return;
		expect(error.message).toMatch(/RingReady is unavailable right now \(HTTP 500\)/);
		expect(error.description).toMatch(/the next poll picks up every new conversation, once/);
		expect(listRequests().length).toBe(2); // page 1 ok, page 2 failed
		expect(wf.staticData).toEqual(before);

		const items = await wf.poll();
		expect(items).toHaveLength(450);
		expect(new Set(ids(items))).toEqual(new Set(addedIds(added)));
		expect(await wf.poll()).toBeNull();
	});

	it('a transcript that keeps failing: the ones before it are emitted; after 3 polls it is emitted without it, with an error, and the stream moves on', async () => {
		const wf = workflow({ options: { includeTranscript: true } });
		await wf.poll();
		const added = sandbox.control.addConversations({ count: 4 });
		const stuck = added[1];
		sandbox.control.failConversation({ id: stuck.id });
		const first = await wf.run();
		expect(first.items![0].map((item) => item.json.id)).toEqual([added[0].id]);
		expect(first.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual([
			`RingReady Trigger: could not fetch the transcript of conversation ${stuck.id} (poll 1 of 3): RingReady is unavailable right now (HTTP 500). Emitted the 1 conversations before it; it and the 2 after it are tried again at the next poll.`,
		]);
		expect(wf.staticData.failing).toEqual([[stuck.id, 1]]);
		expect(await wf.poll()).toBeNull();
		expect(wf.staticData.failing).toEqual([[stuck.id, 2]]);
		const third = await wf.poll();
		expect(ids(third)).toEqual(addedIds(added.slice(1)));
		expect(third![0]).toEqual({
			...summaryOf(stuck),
			error:
				'The transcript could not be fetched on 3 polls in a row, so this conversation is emitted without it: RingReady is unavailable right now (HTTP 500)',
		});
		expect(third![0]).not.toHaveProperty('transcript');
		expect(third!.slice(1).every((item) => Array.isArray(item.transcript))).toBe(true);
		expect(wf.staticData.failing).toEqual([]);
		const later = sandbox.control.addConversations({ count: 2 });
		expect(ids(await wf.poll())).toEqual(addedIds(later));
		expect(await wf.poll()).toBeNull();
	});

	it('429, 503 and dropped connections are retried inside the poll (transport), nothing is lost or repeated', async () => {
		const wf = workflow({ options: { includeTranscript: true } });
		await wf.poll();
		const added = sandbox.control.addConversations({ count: 3 });
		sandbox.control.injectFaults({ status: 429, retryAfter: 0, count: 1, path: LIST_PATH });
		sandbox.control.injectFaults({ status: 503, count: 1, path: `${LIST_PATH}/` });
		sandbox.control.injectFaults({ drop: true, count: 1, path: LIST_PATH });
		expect(ids(await wf.poll())).toEqual(addedIds(added));
		expect(await wf.poll()).toBeNull();
	});

	it.each([
		[
			{ options: { lateArrivalMinutes: -5 } },
			'Late-Arrival Window must be between 0 and 10080 minutes, got "-5"',
		],
		[
			{ filters: { agentId: { __rl: true, mode: 'id', value: 'seven' } } },
			'Agent ID must be a positive whole number, got "seven"',
		],
		[
			{ options: { downloadRecording: true, maxRecordingSizeMb: 0 } },
			'Max Recording Size (MB) must be more than 0 and at most 1,024, got "0"',
		],
	])(
		'invalid input %j is a clear error (no item number) before any request',
		async (parameters, message) => {
			const wf = workflow(parameters);
			const error = await wf.pollError();
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect(sandbox.control.requests().log).toEqual([]);
			expect(wf.staticData).toEqual({});
		},
	);

	it("a bad agent URL gets the RingReady node's error for the same input, before any request", async () => {
		const agentId = { __rl: true, mode: 'url', value: 'https://example.com/not-an-agent' };
		const error = await workflow({ filters: { agentId } }).pollError();
		const nodeError = await executeNode(new RingReady(), {
			parameters: { resource: 'conversation', operation: 'getAll', filters: { agentId } },
			credentials: credentials(),
		}).catch((thrown: NodeOperationError) => thrown);
		expect(error.message).toBe(
			(nodeError as NodeOperationError).message.replace(/ \[item 0\]$/, ''),
		);
		expect(error.description).toContain((nodeError as NodeOperationError).description);
		expect(sandbox.control.requests().log).toEqual([]);
	});
});

describe('a conversation dated in the future', () => {
	const tenYearsAhead = () => isoSeconds(Date.now() + 10 * 365 * 86_400_000);

	it('is emitted once with a warning, and does not hold back the conversations after it', async () => {
		const wf = workflow();
		await wf.poll();
		const [future] = sandbox.control.addConversations({ count: 1, startedAt: tenYearsAhead() });
		const normal = sandbox.control.addConversations({ count: 2 });
		const { items, logs } = await wf.run();
		expect(items![0].map((item) => item.json.id)).toEqual([...addedIds(normal), future.id]);
		const warnings = logs.filter((log) => log.level === 'warn').map((log) => log.message);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatch(
			new RegExp(
				`^RingReady Trigger: conversation ${future.id} is dated in the future \\(started_at ${future.started_at}, RingReady's clock \\d{4}-.+Z\\); emitted once, without moving the trigger's position$`,
			),
		);
		expect(wf.staticData.cursor).toBe(normal[1].started_at);
		const later = sandbox.control.addConversations({ count: 3 });
		expect(ids(await wf.poll())).toEqual(addedIds(later));
		expect(await wf.poll()).toBeNull();
	});

	it('a state 0.1.0 froze in the future moves back to the server clock and emits new conversations again', async () => {
		const frozenAt = tenYearsAhead();
		const frozen = {
			v: 1,
			filterKey: 'channel=*;agent=*',
			cursor: frozenAt,
			windowStart: isoSeconds(Date.parse(frozenAt) - 3_600_000),
			seen: [[999_999, Date.parse(frozenAt) / 1000]],
		};
		const wf = workflow({}, { staticData: frozen });
		// Started while the trigger was frozen: never listed then, and before the point it restarts from.
		sandbox.control.addConversations({ count: 2, startedAt: isoSeconds(Date.now() - 60_000) });
		const { items, logs } = await wf.run();
		expect(items).toBeNull();
		expect(logs.map((log) => log.message)).toContainEqual(
			expect.stringMatching(
				/^RingReady Trigger: the saved position lay in the future .*; it was moved back to RingReady's clock$/,
			),
		);
		const after = sandbox.control.addConversations({
			count: 2,
			startedAt: isoSeconds(Date.now() + 2_000),
		});
		expect(ids(await wf.poll())).toEqual(addedIds(after));
		expect(await wf.poll()).toBeNull();
	});
});

describe('the credential', () => {
	it('a new key of the same account (rotated): keeps the position, one GET /whoami to tell', async () => {
		const wf = workflow();
		await wf.poll();
		const keyId = wf.staticData.keyId;
		const added = sandbox.control.addConversations({ count: 2 });
		const rotated = workflow(
			{},
			{ credentials: credentials('readOnly'), staticData: wf.staticData },
		);
		sandbox.control.clearRequests();
		expect(ids(await rotated.poll())).toEqual(addedIds(added));
		expect(sandbox.control.requests().log.map((r) => r.path)).toEqual([
			'/api/v1/whoami',
			LIST_PATH,
		]);
		expect(rotated.staticData.keyId).not.toBe(keyId);
		sandbox.control.clearRequests();
		expect(await rotated.poll()).toBeNull();
		expect(sandbox.control.requests().log.map((r) => r.path)).toEqual([LIST_PATH]);
	});

	it('the same key at another Base URL is another account', async () => {
		const other = await startSandbox({ port: 0, controls: true });
		try {
			const wf = workflow();
			await wf.poll();
			const moved = workflow(
				{},
				{ credentials: credentials('readWrite', other), staticData: wf.staticData },
			);
			other.control.addConversations({ count: 2 });
			expect(await moved.poll()).toBeNull(); // a first activation on the other server
			expect(moved.staticData.account).toBe(`${other.url} user 142`);
			const fresh = other.control.addConversations({ count: 1 });
			expect(ids(await moved.poll())).toEqual(addedIds(fresh));
		} finally {
			await other.close();
		}
	});
});

describe('upgrading from 0.1.0', () => {
	// Saved by 0.1.0 at its first activation against the seeded sandbox (seed 1).
	const saved010 = (): IDataObject =>
		JSON.parse(readFileSync(join(__dirname, 'fixtures/state-0.1.0.json'), 'utf8'));

	it('continues from the saved position: what arrived before the upgrade once, nothing seen before, then the new format', async () => {
		const state = saved010();
		const wf = workflow({}, { staticData: state });
		const windowStart = Date.parse(state.windowStart as string);
		const arrived = sandbox.control.addConversations({ count: 3 }); // between the last 0.1.0 poll and the upgrade
		const lateInside = sandbox.control.addConversations({
			count: 1,
			startedAt: isoSeconds(windowStart + 60_000),
		});
		sandbox.control.addConversations({ count: 1, startedAt: isoSeconds(windowStart - 60_000) }); // outside its window
		const items = await wf.poll();
		expect(ids(items)).toEqual([...addedIds(lateInside), ...addedIds(arrived)]);
		expect(wf.staticData).toMatchObject({
			v: 2,
			account: `${sandbox.url} user 142`,
			windowStart: state.windowStart,
			failing: [],
		});
		expect(await wf.poll()).toBeNull(); // conversation 360, seen by 0.1.0, never comes
	});

	it('an idle first poll after the upgrade saves the new format too', async () => {
		const wf = workflow({}, { staticData: saved010() });
		expect(await wf.poll()).toBeNull();
		expect(wf.staticData).toMatchObject({
			v: 2,
			account: `${sandbox.url} user 142`,
			cursor: '2026-06-10T07:02:31Z',
		});
	});
});

describe('manual mode (Fetch Test Event)', () => {
	it('returns the most recent conversation and never touches the state', async () => {
		const wf = workflow();
		await wf.poll();
		const before = wf.snapshot();
		const added = sandbox.control.addConversations({ count: 2 });
		sandbox.control.clearRequests();
		const items = await wf.poll('manual');
		expect(items).toEqual([summaryOf(added[1])]);
		expect(listRequests().map((r) => r.query.limit)).toEqual(['1']);
		expect(wf.staticData).toEqual(before);
		expect(ids(await wf.poll())).toEqual(addedIds(added)); // the real poll still emits both
	});
});

describe("n8n's poll time budget", () => {
	it('a burst with transcripts larger than one poll can fetch drains over several polls, oldest first, once each', async () => {
		const wf = workflow({ options: { includeTranscript: true } });
		await wf.poll();
		const added = sandbox.control.addConversations({ count: 150 });
		// Budget 1 s, 100 ms per response: the listing ends at 100 ms, 10 transcripts start at once,
		// and each one ending by 500 ms (60 % of the budget, but no later than the transport's last
		// start, 500 ms before the end) starts another: 14 per poll.
		const clock = virtualClock(100, 1_000);
		const emitted: IDataObject[] = [];
		const perPoll: number[] = [];
		try {
			for (let i = 0; i < 30 && emitted.length < added.length; i++) {
				const { items } = await wf.run('trigger', clock.nodeType);
				perPoll.push(items?.[0].length ?? 0);
				emitted.push(...(items?.[0].map((item) => item.json) ?? []));
			}
		} finally {
			clock.restore();
		}
		expect(perPoll).toEqual([...Array<number>(10).fill(14), 10]);
		expect(ids(emitted)).toEqual(addedIds(added)); // all, once, oldest first across polls
		expect(emitted.every((item) => Array.isArray(item.transcript))).toBe(true);
		expect(await wf.poll()).toBeNull();
	});
});

describe('a failing first activation stores nothing, and the API key never appears in its error', () => {
	it.each([
		['a 500 at activation', 'readWrite' as const, 'trigger' as const],
		['a revoked key (401) at activation', 'revoked' as const, 'trigger' as const],
		['a key without the read scope (403)', 'writeOnly' as const, 'trigger' as const],
		['a revoked key in manual mode', 'revoked' as const, 'manual' as const],
	])('%s', async (label, key, mode) => {
		if (label.includes('500'))
			sandbox.control.injectFaults({ status: 500, count: 1, path: LIST_PATH });
		const wf = workflow({}, { credentials: credentials(key) });
		const error = await wf.pollError(mode);
		expect(error).toBeInstanceOf(NodeApiError);
		const apiKey = sandbox.keys[key];
		expect(secretPaths(error, apiKey)).toEqual([]);
		expect(JSON.stringify(error)).not.toContain(apiKey);
		expect(`${error.message} ${error.description} ${error.stack}`).not.toContain(apiKey);
		expect(wf.staticData).toEqual({});
	});
});

/** One trigger node (version 1.1 unless said): `poll` gives n8n's items (json and binary). */
const outputWorkflow = (parameters: INodeParameters, typeVersion = 1.1) => ({
	poll: workflow(parameters, { typeVersion }).items,
});

async function activated(parameters: INodeParameters, typeVersion?: number) {
	const wf = outputWorkflow(parameters, typeVersion);
	expect(await wf.poll()).toBeNull();
	return wf;
}

const itemOf = (items: INodeExecutionData[] | null, id: number) =>
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
			const item = itemOf(items, call.id);
			if (call.recording_url) expectRecordingFile(item, call.id);
			else expect(item.binary).toBeUndefined();
			expect(item.json.error).toBeUndefined();
		}
		expect(itemOf(items, chat.id).binary).toBeUndefined();
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
		expect(itemOf(items, broken.id).binary).toBeUndefined();
		expect(itemOf(items, broken.id).json.error).toBe(
			`The recording could not be downloaded, so this conversation is emitted without it: The recording of conversation ${broken.id} is not an audio file`,
		);
		for (const call of calls.slice(1))
			expectRecordingFile(itemOf(items, call.id), call.id, 'audio');
		expect(await wf.poll()).toBeNull();
	});

	it('Fetch Test Event downloads the latest call’s recording', async () => {
		let latest: ConversationDetail | undefined;
		for (let i = 0; i < 10 && !latest?.recording_url; i++)
			[latest] = sandbox.control.addConversations({ count: 1, channel: 'phone' });
		sandbox.control.addConversations({ count: 1, channel: 'web_chat' });
		const wf = outputWorkflow({
			filters: { channel: 'phone' },
			options: { downloadRecording: true },
		});
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
			const polled = itemOf(await wf.poll(), call.id);
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
