/**
 * Call recordings (README.md "Recordings"): generated MP3 / WAV files on the API's origin (the
 * owner's key) and on a second, media origin (no key), placed and typed by the conversation id
 * alone (so the seeded data does not depend on the ports), their log, and the answers that make
 * a recording misbehave.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { z } from 'zod';

import { AnswerQueue, count, everyMs, redirectStatus, sendInPieces } from './controls';
import type { KeyRecord } from './seed';
import { keyForLog } from './schemas';

export type RecordingOrigin = 'api' | 'media';

export interface RecordingOrigins {
	/** The sandbox's own origin (sb.url). */
	api: string;
	/** The second listener's origin (sb.mediaUrl). */
	media: string;
}

export const RECORDINGS_PREFIX = '/recordings/';

const RECORDING_PATH = /^\/recordings\/(\d+)\.(mp3|wav)$/;

export interface RecordingAudio {
	bytes: Buffer;
	mimeType: 'audio/mpeg' | 'audio/wav';
	extension: 'mp3' | 'wav';
}

/** Where a conversation's recording lives and in which format (from its id only). */
export function recordingPlacement(id: number): {
	origin: RecordingOrigin;
	extension: 'mp3' | 'wav';
} {
	return { origin: id % 3 === 0 ? 'media' : 'api', extension: id % 2 === 0 ? 'wav' : 'mp3' };
}

export function recordingUrl(origins: RecordingOrigins, id: number): string {
	const { origin, extension } = recordingPlacement(id);
	return `${origins[origin]}${RECORDINGS_PREFIX}${id}.${extension}`;
}

/** One MPEG-1 Layer III frame, 128 kbit/s, 44.1 kHz, mono, no padding: 417 bytes of silence. */
const MP3_FRAME_BYTES = 417;
const MP3_FRAME = (() => {
	const frame = Buffer.alloc(MP3_FRAME_BYTES);
	frame.set([0xff, 0xfb, 0x90, 0xc4]);
	return frame;
})();

function id3Tag(title: string): Buffer {
	const text = Buffer.from(title, 'latin1');
	const frame = Buffer.alloc(10 + 1 + text.length);
	frame.write('TIT2', 0, 'latin1');
	frame.writeUInt32BE(1 + text.length, 4);
	text.copy(frame, 11); // after flags (2 bytes) and the encoding byte (0 = latin1)
	const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
	// The tag size is "syncsafe": 7 bits per byte.
	for (let i = 0; i < 4; i++) header[6 + i] = (frame.length >> (21 - 7 * i)) & 0x7f;
	return Buffer.concat([header, frame]);
}

function mp3(id: number): Buffer {
	const frames = 6 + (id % 5);
	return Buffer.concat([
		id3Tag(`RingReady sandbox call recording ${id}`),
		...Array.from({ length: frames }, () => MP3_FRAME),
	]);
}

/** 8 kHz, 8-bit mono PCM: a tone whose pitch and noise follow the id, about half a second. */
function wav(id: number): Buffer {
	const rate = 8000;
	const samples = 4000 + (id % 7) * 100;
	const period = 10 + (id % 23);
	const data = Buffer.alloc(samples);
	let noise = (id * 2654435761) >>> 0;
	for (let i = 0; i < samples; i++) {
		noise = (Math.imul(noise, 1664525) + 1013904223) >>> 0;
		const phase = i % period;
		const triangle = phase < period / 2 ? phase / (period / 2) : 2 - phase / (period / 2);
		data[i] = Math.max(0, Math.min(255, Math.round(128 + (triangle - 0.5) * 160 + (noise >>> 29))));
	}
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + samples, 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16); // fmt chunk size
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(rate, 24);
	header.writeUInt32LE(rate, 28); // bytes per second
	header.writeUInt16LE(1, 32); // block align
	header.writeUInt16LE(8, 34); // bits per sample
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(samples, 40);
	return Buffer.concat([header, data]);
}

const audioCache = new Map<number, RecordingAudio>();

/** The file the sandbox serves for this conversation's recording (the same bytes on every run). */
export function recordingAudio(id: number): RecordingAudio {
	let audio = audioCache.get(id);
	if (!audio) {
		const { extension } = recordingPlacement(id);
		audio =
			extension === 'mp3'
				? { bytes: mp3(id), mimeType: 'audio/mpeg', extension }
				: { bytes: wav(id), mimeType: 'audio/wav', extension };
		if (audioCache.size > 1000) audioCache.clear();
		audioCache.set(id, audio);
	}
	return audio;
}

/**
 * The next `count` (default 1) requests for conversation `id`'s recording, on either origin, get
 * this answer (README.md "Recordings").
 */
export const recordingAnswerSchema = z
	.object({
		id: count,
		answer: z.enum(['redirect', 'html', 'octet-stream', 'huge', 'slow', 'missing']),
		status: redirectStatus.optional(),
		location: z.string().min(1).optional(),
		bytes: count.max(2 ** 30).optional(),
		declareLength: z.boolean().optional(),
		chunkBytes: count.optional(),
		everyMs: everyMs.optional(),
		count: count.optional(),
	})
	.strict();
export type RecordingAnswerSpec = z.input<typeof recordingAnswerSchema>;
export type RecordingAnswerKind = RecordingAnswerSpec['answer'];

/** A line of the recording log (README.md "Recordings"). */
export interface RecordingRequest {
	seq: number;
	origin: RecordingOrigin;
	method: string;
	path: string;
	conversation_id: number | null;
	authorization: boolean;
	key: string | null;
	answer: RecordingAnswerKind | null;
	status: number | null;
	bytes_sent: number;
	started_ms: number;
	ended_ms: number | null;
}

/** What the recordings need from the rest of the sandbox. */
export interface RecordingHost {
	origins: RecordingOrigins;
	now(): number;
	/** The key with the read scope behind an Authorization header, or the API's 401 / 403 answer. */
	authorize(
		auth: string | undefined,
		path: string,
	): KeyRecord | { status: number; body: string; headers?: Record<string, string> };
	/** The conversation's recording_url if it exists in that account (any account when undefined). */
	recordingUrlOf(id: number, account?: KeyRecord['account']): string | null | undefined;
	/** setTimeout that the sandbox cancels on close. */
	later(fn: () => void, ms: number): void;
}

const HTML_PAGE =
	'<!doctype html><html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><form><input name="email"></form></body></html>';

export class Recordings {
	private readonly answers = new AnswerQueue<RecordingAnswerSpec>(
		(spec, id) => String(spec.id) === id,
	);
	private log: RecordingRequest[] = [];
	private seq = 0;

	constructor(private readonly host: RecordingHost) {}

	addAnswer(spec: RecordingAnswerSpec): void {
		this.answers.add(spec);
	}

	clearAnswers(): void {
		this.answers.clear();
	}

	get pendingAnswers(): RecordingAnswerSpec[] {
		return this.answers.pending;
	}

	requests(): RecordingRequest[] {
		return this.log.map((entry) => ({ ...entry }));
	}

	clearRequests(): void {
		this.log = [];
		this.seq = 0;
	}

	handle(origin: RecordingOrigin, req: IncomingMessage, res: ServerResponse, path: string): void {
		const method = (req.method ?? 'GET').toUpperCase();
		const auth = req.headers.authorization;
		const match = RECORDING_PATH.exec(path);
		const id = match ? Number(match[1]) : null;
		const entry: RecordingRequest = {
			seq: ++this.seq,
			origin,
			method,
			path,
			conversation_id: id,
			authorization: auth !== undefined,
			key: keyForLog(auth),
			answer: null,
			status: null,
			bytes_sent: 0,
			started_ms: this.host.now(),
			ended_ms: null,
		};
		this.log.push(entry);
		res.on('close', () => {
			entry.ended_ms = this.host.now();
			entry.status = res.headersSent ? res.statusCode : null;
		});
		const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
			const bytes = typeof body === 'string' ? Buffer.from(body) : body;
			res.writeHead(status, {
				'Content-Type': 'application/json',
				'Content-Length': String(bytes.length),
				...headers,
			});
			entry.bytes_sent = bytes.length;
			res.end(method === 'HEAD' ? undefined : bytes);
		};
		const fail = (status: number, detail: string, headers?: Record<string, string>) =>
			send(status, JSON.stringify({ detail }), headers);

		if (method !== 'GET' && method !== 'HEAD')
			return fail(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
		if (!match || id === null) return fail(404, 'Recording not found');

		let account: KeyRecord['account'] | undefined;
		if (origin === 'api') {
			// On the API's origin a recording is an API resource: the owner's key with the read scope.
			const key = this.host.authorize(auth, path);
			if ('status' in key) return send(key.status, key.body, key.headers);
			account = key.account;
		}
		const url = this.host.recordingUrlOf(id, account);
		const audio = recordingAudio(id);
		if (typeof url !== 'string' || audio.extension !== match[2])
			return fail(404, 'Recording not found');

		const answer = this.answers.take(String(id));
		entry.answer = answer?.answer ?? null;
		switch (answer?.answer) {
			case undefined:
				return send(200, audio.bytes, { 'Content-Type': audio.mimeType });
			case 'redirect': {
				const other = origin === 'api' ? this.host.origins.media : this.host.origins.api;
				return send(answer.status ?? 302, '', {
					'Content-Type': 'text/plain',
					Location: answer.location ?? `${other}${path}`,
				});
			}
			case 'html':
				return send(200, HTML_PAGE, { 'Content-Type': 'text/html; charset=utf-8' });
			case 'octet-stream':
				return send(200, audio.bytes, { 'Content-Type': 'application/octet-stream' });
			case 'missing':
				return fail(404, 'Recording not found');
			case 'huge':
				return this.sendHuge(res, entry, answer.bytes ?? 64 * 1024 * 1024, answer.declareLength);
			case 'slow':
				return sendInPieces(
					res,
					200,
					{ 'Content-Type': audio.mimeType },
					audio.bytes,
					{ chunkBytes: answer.chunkBytes ?? 64, everyMs: answer.everyMs ?? 100 },
					this.host.later,
					(sent) => (entry.bytes_sent = sent),
				);
		}
	}

	/** Silent MP3 frames, 64 KiB at a time, as fast as the client reads them. */
	private sendHuge(
		res: ServerResponse,
		entry: RecordingRequest,
		total: number,
		declareLength = true,
	): void {
		res.writeHead(200, {
			'Content-Type': 'audio/mpeg',
			...(declareLength ? { 'Content-Length': String(total) } : {}),
		});
		const block = Buffer.concat(Array.from({ length: 158 }, () => MP3_FRAME)); // ≈ 64 KiB
		const pump = () => {
			while (!res.destroyed && entry.bytes_sent < total) {
				const piece = block.subarray(0, Math.min(block.length, total - entry.bytes_sent));
				entry.bytes_sent += piece.length;
				if (entry.bytes_sent >= total) return void res.end(piece);
				if (!res.write(piece)) return void res.once('drain', pump);
			}
		};
		pump();
	}
}
