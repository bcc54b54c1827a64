/**
 * Call recordings (test/sandbox/README.md "Recordings"): generated audio on the sandbox's own origin
 * and on its second (media) origin, who may fetch them, and the recording log the node tests read.
 * The answers that make a recording misbehave are pinned by the node and trigger tests that use them.
 */
import {
	recordingAudio,
	recordingPlacement,
	startSandbox,
	type ConversationDetail,
	type Sandbox,
} from '../sandbox';
import { call } from './helpers';

let sb: Sandbox;
let phoneCalls: ConversationDetail[];

beforeAll(async () => {
	sb = await startSandbox({ controls: true });
	phoneCalls = sb.control.conversations('A').filter((c) => c.recording_url !== null);
});
afterAll(() => sb.close());
afterEach(() => sb.control.reset());

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const pathOf = (url: string) => new URL(url).pathname;

async function get(url: string, headers: Record<string, string> = {}) {
	const res = await fetch(url, { headers, redirect: 'manual' });
	return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function onOrigin(origin: 'api' | 'media', extension?: 'mp3' | 'wav'): ConversationDetail {
	const base = `${origin === 'api' ? sb.url : sb.mediaUrl}/recordings/`;
	return phoneCalls.find(
		(c) => c.recording_url!.startsWith(base) && c.recording_url!.endsWith(extension ?? ''),
	)!;
}

test('answered phone calls, seeded or added, have a recording on one of the two origins; web chats and hang-ups none', async () => {
	expect(sb.mediaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	expect(sb.mediaUrl).not.toBe(sb.url);
	const added = sb.control.addConversations({ count: 6, channel: 'phone' });
	const all = [...sb.control.conversations('A'), ...sb.control.conversations('B')];
	for (const c of all) {
		const { origin, extension } = recordingPlacement(c.id);
		const expected = `${origin === 'api' ? sb.url : sb.mediaUrl}/recordings/${c.id}.${extension}`;
		expect(c.recording_url).toBe(
			c.channel === 'web_chat' || c.transcript.length === 0 ? null : expected,
		);
	}
	for (const [origin, extension] of [
		['api', 'mp3'],
		['api', 'wav'],
		['media', 'mp3'],
		['media', 'wav'],
	] as const)
		expect(onOrigin(origin, extension)).toBeDefined();
	const media = onOrigin('media');
	expect(
		(await call(sb, `/api/v1/conversations/${media.id}`, { key: sb.keys.readOnly })).body
			.recording_url,
	).toBe(media.recording_url);
	const newCall = added.find((c) => c.recording_url !== null)!;
	expect((await get(newCall.recording_url!, bearer(sb.keys.readOnly))).bytes).toEqual(
		recordingAudio(newCall.id).bytes,
	);
});

test('MP3 and WAV with their Content-Type and Content-Length, a few KB, different for every call', async () => {
	const seen = new Set<string>();
	for (const c of phoneCalls.slice(0, 12)) {
		const res = await get(c.recording_url!, bearer(sb.keys.readWrite));
		const { mimeType, bytes, extension } = recordingAudio(c.id);
		const headers = [res.headers.get('content-type'), res.headers.get('content-length')];
		expect([res.status, headers, res.bytes]).toEqual([
			200,
			[mimeType, String(bytes.length)],
			bytes,
		]);
		expect(bytes.length > 1000 && bytes.length < 10_000).toBe(true);
		const magic = (start: number, end: number) => bytes.toString('latin1', start, end);
		if (extension === 'wav')
			expect([magic(0, 4), magic(8, 16), bytes.readUInt32LE(4)]).toEqual([
				'RIFF',
				'WAVEfmt ',
				bytes.length - 8,
			]);
		else {
			const tagEnd = 10 + ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9]);
			expect([
				magic(0, 3),
				bytes[tagEnd],
				bytes[tagEnd + 1] & 0xe0,
				(bytes.length - tagEnd) % 417,
			]).toEqual(['ID3', 0xff, 0xe0, 0]);
		}
		seen.add(res.bytes.toString('base64'));
	}
	expect(seen.size).toBe(12);
});

test('the same recording is the same bytes on both origins and on every run; closing stops the media origin', async () => {
	const c = onOrigin('api');
	const other = await startSandbox();
	const otherMedia = other.control
		.conversations('A')
		.find((x) => x.recording_url?.startsWith(other.mediaUrl))!;
	expect((await get(`${sb.mediaUrl}${pathOf(c.recording_url!)}`)).bytes).toEqual(
		recordingAudio(c.id).bytes,
	);
	expect(
		(await get(`${other.url}${pathOf(c.recording_url!)}`, bearer(other.keys.readOnly))).bytes,
	).toEqual(recordingAudio(c.id).bytes);
	expect((await get(otherMedia.recording_url!)).status).toBe(200);
	await other.close();
	await expect(fetch(otherMedia.recording_url!)).rejects.toThrow();
});

test('on the API origin: the owner’s key with the read scope, as for any API resource; on the media origin: anyone', async () => {
	const url = onOrigin('api').recording_url!;
	const { revoked, writeOnly, otherAccount, readOnly } = sb.keys;
	const headers = [
		{},
		{ Authorization: 'Basic abc' },
		...[revoked, writeOnly, otherAccount, readOnly].map(bearer),
	];
	const answers = await Promise.all(headers.map(async (h) => (await get(url, h)).status));
	expect(answers).toEqual([401, 401, 401, 403, 404, 200]);
	const forbidden = await get(url, bearer(writeOnly));
	expect(JSON.parse(forbidden.bytes.toString()).detail).toBe(
		`This API key lacks the "read" scope required for GET ${pathOf(url)}`,
	);
	const media = onOrigin('media').recording_url!;
	expect([
		(await get(media)).status,
		(await get(media, bearer(sb.keys.otherAccount))).status,
	]).toEqual([200, 200]);
});

test('no recording → 404 on both origins; only GET and HEAD; the media origin serves nothing else', async () => {
	const chat = sb.control.conversations('A').find((c) => c.channel === 'web_chat')!;
	const mp3 = onOrigin('media', 'mp3');
	for (const base of [sb.url, sb.mediaUrl])
		for (const path of [
			`/recordings/${chat.id}.${recordingPlacement(chat.id).extension}`,
			'/recordings/999999.mp3',
			`/recordings/${mp3.id}.wav`,
			'/recordings/abc.mp3',
		]) {
			const res = await get(`${base}${path}`, bearer(sb.keys.readWrite));
			expect([path, res.status]).toEqual([path, 404]);
		}
	const post = await fetch(mp3.recording_url!, { method: 'POST' });
	expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
	const head = await fetch(mp3.recording_url!, { method: 'HEAD' });
	expect(head.headers.get('content-length')).toBe(String(recordingAudio(mp3.id).bytes.length));
	expect((await get(`${sb.mediaUrl}/api/v1/whoami`, bearer(sb.keys.readWrite))).status).toBe(404);
});

test('the recording log: origin, whether an Authorization header came, the key prefix only; not in the API log; over HTTP; reset clears it', async () => {
	const [api, media] = [onOrigin('api'), onOrigin('media')];
	await get(api.recording_url!, bearer(sb.keys.readWrite));
	await get(media.recording_url!);
	await get(media.recording_url!, { Authorization: 'Basic abc' });
	expect(sb.control.recordingRequests()).toEqual([
		expect.objectContaining({
			seq: 1,
			origin: 'api',
			method: 'GET',
			path: pathOf(api.recording_url!),
			conversation_id: api.id,
			authorization: true,
			key: `${sb.keys.readWrite.slice(0, 12)}…`,
			status: 200,
			bytes_sent: recordingAudio(api.id).bytes.length,
		}),
		expect.objectContaining({ seq: 2, origin: 'media', authorization: false, key: null }),
		expect.objectContaining({ seq: 3, origin: 'media', authorization: true, key: null }),
	]);
	expect(JSON.stringify(sb.control.recordingRequests())).not.toContain(sb.keys.readWrite);
	expect(sb.control.requests().log).toEqual([]);
	expect((await call(sb, '/__sandbox/recording-requests')).body.requests).toHaveLength(3);
	sb.control.reset();
	expect(sb.control.recordingRequests()).toEqual([]);
});
