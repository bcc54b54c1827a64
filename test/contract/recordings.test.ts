/**
 * Call recordings: generated audio files on the sandbox's own origin and on its second (media)
 * origin, the recording log (whether an Authorization header came) and the controls that make a
 * recording answer badly (test/sandbox/recordings.ts).
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

async function get(url: string, headers: Record<string, string> = {}) {
	const res = await fetch(url, { headers, redirect: 'manual' });
	return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function onOrigin(origin: 'api' | 'media', extension?: 'mp3' | 'wav'): ConversationDetail {
	const base = origin === 'api' ? sb.url : sb.mediaUrl;
	const found = phoneCalls.find(
		(c) =>
			c.recording_url!.startsWith(`${base}/recordings/`) &&
			(extension === undefined || c.recording_url!.endsWith(`.${extension}`)),
	);
	if (!found) throw new Error(`no recording on ${origin}`);
	return found;
}

const pathOf = (url: string) => new URL(url).pathname;
const log = () =>
	sb.control.recordingRequests().map(({ origin, path, authorization, status, answer }) => ({
		origin,
		path,
		authorization,
		status,
		answer,
	}));

describe('which conversations have a recording, and where', () => {
	test('answered phone calls point to the sandbox’s two origins; web chats and hang-ups have none', () => {
		const all = [...sb.control.conversations('A'), ...sb.control.conversations('B')];
		expect(sb.mediaUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sb.mediaUrl).not.toBe(sb.url);
		for (const c of all) {
			if (c.channel === 'web_chat' || c.transcript.length === 0) {
				expect(c.recording_url).toBeNull();
				continue;
			}
			const { origin, extension } = recordingPlacement(c.id);
			expect(c.recording_url).toBe(
				`${origin === 'api' ? sb.url : sb.mediaUrl}/recordings/${c.id}.${extension}`,
			);
		}
		const urls = all.map((c) => c.recording_url).filter((u): u is string => u !== null);
		for (const base of [sb.url, sb.mediaUrl])
			for (const extension of ['mp3', 'wav'])
				expect(urls.some((u) => u.startsWith(base) && u.endsWith(extension))).toBe(true);
	});

	test('conversations added now get recordings too, served like the seeded ones', async () => {
		const added = sb.control.addConversations({ count: 6, channel: 'phone' });
		const withRecording = added.filter((c) => c.recording_url !== null);
		expect(withRecording.length).toBeGreaterThan(0);
		for (const c of withRecording) {
			const res = await get(c.recording_url!, bearer(sb.keys.readOnly));
			expect(res.status).toBe(200);
			expect(res.bytes).toEqual(recordingAudio(c.id).bytes);
		}
	});

	test('the detail served over HTTP carries the same recording_url', async () => {
		const c = onOrigin('media');
		const res = await call(sb, `/api/v1/conversations/${c.id}`, { key: sb.keys.readOnly });
		expect(res.body.recording_url).toBe(c.recording_url);
	});
});

describe('the files', () => {
	test('MP3 and WAV with their Content-Type and Content-Length, a few KB, different for every call', async () => {
		const seen = new Set<string>();
		for (const c of phoneCalls.slice(0, 12)) {
			const res = await get(c.recording_url!, bearer(sb.keys.readWrite));
			const audio = recordingAudio(c.id);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe(audio.mimeType);
			expect(res.headers.get('content-length')).toBe(String(res.bytes.length));
			expect(res.bytes).toEqual(audio.bytes);
			expect(res.bytes.length).toBeGreaterThan(1000);
			expect(res.bytes.length).toBeLessThan(10_000);
			if (audio.extension === 'wav') {
				expect(res.bytes.toString('latin1', 0, 4)).toBe('RIFF');
				expect(res.bytes.toString('latin1', 8, 16)).toBe('WAVEfmt ');
				expect(res.bytes.readUInt32LE(4)).toBe(res.bytes.length - 8);
				expect(res.bytes.readUInt32LE(40)).toBe(res.bytes.length - 44);
			} else {
				expect(res.bytes.toString('latin1', 0, 3)).toBe('ID3');
				const tagEnd =
					10 + ((res.bytes[6] << 21) | (res.bytes[7] << 14) | (res.bytes[8] << 7) | res.bytes[9]);
				expect([res.bytes[tagEnd], res.bytes[tagEnd + 1] & 0xe0]).toEqual([0xff, 0xe0]);
				expect((res.bytes.length - tagEnd) % 417).toBe(0);
			}
			seen.add(res.bytes.toString('base64'));
		}
		expect(seen.size).toBe(12);
	});

	test('the same recording is the same bytes on every run and on both origins', async () => {
		const c = onOrigin('api');
		const other = await startSandbox();
		try {
			const fromMedia = await get(`${sb.mediaUrl}${pathOf(c.recording_url!)}`);
			const fromOtherSandbox = await get(
				`${other.url}${pathOf(c.recording_url!)}`,
				bearer(other.keys.readOnly),
			);
			expect(fromMedia.bytes).toEqual(recordingAudio(c.id).bytes);
			expect(fromOtherSandbox.bytes).toEqual(recordingAudio(c.id).bytes);
		} finally {
			await other.close();
		}
	});
});

describe('who may fetch them', () => {
	test('on the API origin: the owner’s key with the read scope, as for any API resource', async () => {
		const url = onOrigin('api').recording_url!;
		const detail = async (headers: Record<string, string>) => {
			const res = await get(url, headers);
			return [res.status, JSON.parse(res.bytes.toString()).detail];
		};
		expect(await detail({})).toEqual([
			401,
			'Missing API key: send the header "Authorization: Bearer rr_live_..."',
		]);
		expect(await detail({ Authorization: 'Basic abc' })).toEqual([
			401,
			'Malformed Authorization header: expected "Bearer rr_live_..."',
		]);
		expect(await detail(bearer(sb.keys.revoked))).toEqual([401, 'This API key has been revoked']);
		expect(await detail(bearer(sb.keys.writeOnly))).toEqual([
			403,
			`This API key lacks the "read" scope required for GET ${pathOf(url)}`,
		]);
		expect(await detail(bearer(sb.keys.otherAccount))).toEqual([404, 'Recording not found']);
		expect((await get(url, bearer(sb.keys.readOnly))).status).toBe(200);
	});

	test('on the media origin: anyone with the address (like a storage link)', async () => {
		const url = onOrigin('media').recording_url!;
		expect((await get(url)).status).toBe(200);
		expect((await get(url, bearer(sb.keys.otherAccount))).status).toBe(200);
	});

	test('no recording → 404 on both origins; only GET and HEAD', async () => {
		const chat = sb.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		const mp3 = onOrigin('media', 'mp3');
		for (const base of [sb.url, sb.mediaUrl]) {
			for (const path of [
				`/recordings/${chat.id}.${recordingPlacement(chat.id).extension}`,
				'/recordings/999999.mp3',
				`/recordings/${mp3.id}.wav`,
				'/recordings/abc.mp3',
			]) {
				const res = await get(`${base}${path}`, bearer(sb.keys.readWrite));
				expect([path, res.status]).toEqual([path, 404]);
			}
		}
		const post = await fetch(mp3.recording_url!, { method: 'POST' });
		expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
		const head = await fetch(mp3.recording_url!, { method: 'HEAD' });
		expect(head.headers.get('content-length')).toBe(String(recordingAudio(mp3.id).bytes.length));
		// The media origin serves recordings only.
		expect((await get(`${sb.mediaUrl}/api/v1/whoami`, bearer(sb.keys.readWrite))).status).toBe(404);
	});
});

describe('the recording log', () => {
	test('each request with its origin and whether an Authorization header came; not in the API log', async () => {
		const api = onOrigin('api');
		const media = onOrigin('media');
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
	});

	test('over HTTP; cleared by DELETE, clearRequests and reset', async () => {
		await get(onOrigin('media').recording_url!);
		const res = await call(sb, '/__sandbox/recording-requests');
		expect(res.body.requests).toEqual([expect.objectContaining({ origin: 'media', status: 200 })]);
		expect((await call(sb, '/__sandbox/recording-requests', { method: 'DELETE' })).body).toEqual({
			requests: [],
		});
		expect(sb.control.recordingRequests()).toEqual([]);
		await get(onOrigin('media').recording_url!);
		sb.control.clearRequests();
		expect(sb.control.recordingRequests()).toEqual([]);
		await get(onOrigin('media').recording_url!);
		sb.control.reset();
		expect(sb.control.recordingRequests()).toEqual([]);
	});
});

describe('recording answers', () => {
	test('redirect: by default to the same recording on the other origin, once', async () => {
		const c = onOrigin('api');
		sb.control.recordingAnswer({ id: c.id, answer: 'redirect' });
		const first = await get(c.recording_url!, bearer(sb.keys.readWrite));
		expect(first.status).toBe(302);
		expect(first.headers.get('location')).toBe(`${sb.mediaUrl}${pathOf(c.recording_url!)}`);
		const followed = await get(first.headers.get('location')!);
		expect(followed.bytes).toEqual(recordingAudio(c.id).bytes);
		expect((await get(c.recording_url!, bearer(sb.keys.readWrite))).status).toBe(200);
		expect(log()).toEqual([
			{
				origin: 'api',
				path: pathOf(c.recording_url!),
				authorization: true,
				status: 302,
				answer: 'redirect',
			},
			{
				origin: 'media',
				path: pathOf(c.recording_url!),
				authorization: false,
				status: 200,
				answer: null,
			},
			{
				origin: 'api',
				path: pathOf(c.recording_url!),
				authorization: true,
				status: 200,
				answer: null,
			},
		]);
	});

	test('redirect with a status, a location and a count', async () => {
		const c = onOrigin('media');
		sb.control.recordingAnswer({
			id: c.id,
			answer: 'redirect',
			status: 307,
			location: 'http://cdn.example.com/x.mp3',
			count: 2,
		});
		for (let i = 0; i < 2; i++) {
			const res = await get(c.recording_url!);
			expect([res.status, res.headers.get('location')]).toEqual([
				307,
				'http://cdn.example.com/x.mp3',
			]);
		}
		expect((await get(c.recording_url!)).status).toBe(200);
	});

	test('html, octet-stream and missing', async () => {
		const c = onOrigin('media', 'wav');
		sb.control.recordingAnswer({ id: c.id, answer: 'html' });
		sb.control.recordingAnswer({ id: c.id, answer: 'octet-stream' });
		sb.control.recordingAnswer({ id: c.id, answer: 'missing' });
		const html = await get(c.recording_url!);
		expect([html.status, html.headers.get('content-type')]).toEqual([
			200,
			'text/html; charset=utf-8',
		]);
		expect(html.bytes.toString()).toMatch(/^<!doctype html>/);
		const octet = await get(c.recording_url!);
		expect(octet.headers.get('content-type')).toBe('application/octet-stream');
		expect(octet.bytes).toEqual(recordingAudio(c.id).bytes);
		const missing = await get(c.recording_url!);
		expect([missing.status, JSON.parse(missing.bytes.toString())]).toEqual([
			404,
			{ detail: 'Recording not found' },
		]);
	});

	test('huge: that many bytes of audio/mpeg, with or without Content-Length', async () => {
		const c = onOrigin('media');
		sb.control.recordingAnswer({ id: c.id, answer: 'huge', bytes: 300_000 });
		sb.control.recordingAnswer({ id: c.id, answer: 'huge', bytes: 300_001, declareLength: false });
		const declared = await get(c.recording_url!);
		expect(declared.headers.get('content-type')).toBe('audio/mpeg');
		expect(declared.headers.get('content-length')).toBe('300000');
		expect(declared.bytes.length).toBe(300_000);
		const chunked = await get(c.recording_url!);
		expect(chunked.headers.get('content-length')).toBeNull();
		expect(chunked.headers.get('transfer-encoding')).toBe('chunked');
		expect(chunked.bytes.length).toBe(300_001);
	});

	test('slow: headers at once, then the real file in pieces', async () => {
		const c = onOrigin('api');
		const size = recordingAudio(c.id).bytes.length;
		sb.control.recordingAnswer({
			id: c.id,
			answer: 'slow',
			chunkBytes: Math.ceil(size / 4),
			everyMs: 20,
		});
		const res = await fetch(c.recording_url!, { headers: bearer(sb.keys.readWrite) });
		expect(res.headers.get('content-length')).toBe(String(size));
		const pieces: number[] = [];
		for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>)
			pieces.push(piece.length);
		expect(pieces.reduce((a, b) => a + b, 0)).toBe(size);
		expect(pieces.length).toBeGreaterThanOrEqual(2);
		expect(sb.control.recordingRequests()[0]).toMatchObject({ answer: 'slow', bytes_sent: size });
	});

	test('over HTTP: POST queues, GET lists, DELETE (and reset) clear; invalid bodies are 422', async () => {
		const c = onOrigin('media');
		const queued = await call(sb, '/__sandbox/recording-answers', {
			method: 'POST',
			body: { id: c.id, answer: 'missing', count: 2 },
		});
		expect(queued.body).toEqual({ queued: [{ id: c.id, answer: 'missing', count: 2 }] });
		expect((await get(c.recording_url!)).status).toBe(404);
		expect((await call(sb, '/__sandbox/recording-answers')).body).toEqual({
			queued: [{ id: c.id, answer: 'missing', count: 1 }],
		});
		await call(sb, '/__sandbox/recording-answers', { method: 'DELETE' });
		expect((await get(c.recording_url!)).status).toBe(200);
		sb.control.recordingAnswer({ id: c.id, answer: 'missing' });
		sb.control.reset();
		expect((await get(c.recording_url!)).status).toBe(200);
		for (const body of [
			{ id: c.id },
			{ id: c.id, answer: 'teapot' },
			{ id: 0, answer: 'html' },
			{ id: c.id, answer: 'html', extra: 1 },
		]) {
			const res = await call(sb, '/__sandbox/recording-answers', { method: 'POST', body });
			expect(res.status).toBe(422);
		}
		expect(() => sb.control.recordingAnswer({ id: c.id, answer: 'nope' as 'html' })).toThrow();
	});
});

test('closing the sandbox stops its media origin too', async () => {
	const s = await startSandbox();
	const url = s.control
		.conversations('A')
		.find((c) => c.recording_url?.startsWith(s.mediaUrl))!.recording_url!;
	expect((await get(url)).status).toBe(200);
	await s.close();
	await expect(fetch(url)).rejects.toThrow();
});
