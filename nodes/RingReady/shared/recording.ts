import type { IBinaryKeyData, IDataObject, INode, INodeProperties } from 'n8n-workflow';

import type { AudioCheck, RecordingFile, RecordingFunctions, RequestSession } from '../transport';
import { fetchRecording, RunCancelledError } from '../transport';
import { RECORDING_LIMITS } from './contract';
import { invalid } from './validation';

/**
 * Download Recording: the options that offer it, reading them, and the download of one
 * conversation's recording as its output item's file. Never offered to an AI agent: the options
 * are hidden when the node is an AI tool, and ignored if a saved workflow has them anyway.
 */

/** What the options asked for: the binary field the file goes in, and the size limit. */
export interface RecordingDownload {
	binaryPropertyName: string;
	maxBytes: number;
}

/** The values of the Options collection that Download Recording reads. */
export interface RecordingOptionValues {
	downloadRecording?: boolean;
	binaryPropertyName?: string;
	maxRecordingSizeMb?: number;
}

const UNTYPED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Audio types and the file extension each gets. */
const AUDIO_EXTENSIONS: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/mpeg3': 'mp3',
	'audio/x-mpeg-3': 'mp3',
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/m4a': 'm4a',
	'audio/aac': 'aac',
	'audio/ogg': 'ogg',
	'audio/opus': 'opus',
	'audio/webm': 'webm',
	'audio/flac': 'flac',
	'audio/x-flac': 'flac',
};

/** For storage that serves files untyped (application/octet-stream): the type a file name implies. */
const EXTENSION_TYPES: Record<string, string> = {
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
	ogg: 'audio/ogg',
	opus: 'audio/opus',
	webm: 'audio/webm',
	flac: 'audio/flac',
};

/** Types that name a playlist (a list of addresses), never the audio itself. */
const PLAYLIST_TYPES = new Set([
	'audio/x-mpegurl',
	'audio/mpegurl',
	'application/vnd.apple.mpegurl',
	'application/x-mpegurl',
	'audio/x-scpls',
]);

/** What the first bytes say a file is when they are text, not audio (a playlist, a web page, JSON), or undefined. */
function notAudio(data: Buffer): string | undefined {
	const start = data
		.subarray(0, 512)
		.toString('latin1')
		.replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
		.trimStart();
	if (/^#EXTM3U/i.test(start) || /^\[playlist\]/i.test(start)) return 'a playlist';
	if (/^<(!doctype|html|head|body|\?xml)/i.test(start) || /<\/?(html|body)\b/i.test(start))
		return 'a web page (HTML)';
	if (/^[[{]/.test(start)) return 'JSON';
	const head = data.subarray(0, 64);
	if (
		head.length > 0 &&
		head.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127))
	)
		return 'text';
	return undefined;
}

/** The type and extension of an audio answer, or undefined when its type is not audio (playlists are not). */
function audioType(
	contentType: string | undefined,
	url: URL,
): { mimeType: string; extension: string } | undefined {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const pathExtension = /\.([a-z0-9]{1,5})$/i.exec(url.pathname)?.[1].toLowerCase();
	if (/^audio\/[a-z0-9.+-]+$/.test(type) && !PLAYLIST_TYPES.has(type)) {
		const known = AUDIO_EXTENSIONS[type];
		const fromPath = pathExtension && EXTENSION_TYPES[pathExtension] ? pathExtension : undefined;
		return { mimeType: type, extension: known ?? fromPath ?? 'audio' };
	}
	if (UNTYPED.has(type) && pathExtension && EXTENSION_TYPES[pathExtension])
		return { mimeType: EXTENSION_TYPES[pathExtension], extension: pathExtension };
	return undefined;
}

/** The file as n8n binary data under `binaryProperty` (default `data`), for an item's `binary`. */
export async function recordingBinary(
	this: RecordingFunctions,
	file: RecordingFile,
	binaryProperty = 'data',
): Promise<IBinaryKeyData> {
	return {
		[binaryProperty]: await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType),
	};
}

/** A recording is audio by its type (not a playlist) and by its first bytes (not text). */
const AUDIO: AudioCheck = { type: audioType, notAudio };

/**
 * Downloads the recording of one conversation (its `recording_url`) as audio, or returns undefined
 * when it has none (null: web chats, hang-ups); see fetchRecording for what fails and how.
 */
export async function downloadRecording(
	conversation: { id: unknown; recording_url?: unknown },
	options: { itemIndex: number; maxBytes: number; session: RequestSession },
): Promise<RecordingFile | undefined> {
	return await fetchRecording(conversation, { ...options, audio: AUDIO });
}

const NOT_AS_TOOL = { hide: { '@tool': [true] } };

/**
 * Download Recording, Put Output File in Field and Max Recording Size (MB), for an Options
 * collection. `note`: what Download Recording does besides, in that place.
 */
export function recordingOptions(note = ''): INodeProperties[] {
	return [
		{
			displayName: 'Download Recording',
			name: 'downloadRecording',
			type: 'boolean',
			default: false,
			description: `Whether to add the call's audio recording to each item as a file (web chats and calls without a recording get none)${note}`,
			displayOptions: NOT_AS_TOOL,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description:
				'With Download Recording: the name of the binary field the recording goes in, e.g. "data"',
			displayOptions: NOT_AS_TOOL,
		},
		{
			displayName: 'Max Recording Size (MB)',
			name: 'maxRecordingSizeMb',
			type: 'number',
			typeOptions: { minValue: 0.1, maxValue: RECORDING_LIMITS.maxMb, numberPrecision: 1 },
			default: 25, // = RECORDING_LIMITS.defaultMaxMb; the lint rule wants a literal
			description:
				'With Download Recording: a larger recording fails its item and nothing is stored. A 30-minute call in MP3 is about 15 MB.',
			displayOptions: NOT_AS_TOOL,
		},
	];
}

/** Whether the node runs as an AI tool: n8n's tool variant of a node has a type name ending in "Tool". */
export function isAiTool(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/**
 * The download the options ask for, checked before any request; undefined when it is off or the
 * node runs as an AI tool. `itemIndex` undefined: no items (the trigger's parameters).
 */
export function readRecordingDownload(
	node: INode,
	options: RecordingOptionValues | IDataObject,
	itemIndex?: number,
): RecordingDownload | undefined {
	const values = options as RecordingOptionValues;
	if (!values.downloadRecording || isAiTool(node)) return undefined;
	const binaryPropertyName = String(values.binaryPropertyName ?? 'data').trim();
	if (binaryPropertyName === '') {
		throw invalid(
			node,
			itemIndex,
			"Put Output File in Field can't be empty when Download Recording is on",
			'Name the binary field the recording goes in, e.g. "data" (the default), or turn off Download Recording.',
		);
	}
	const raw: unknown = values.maxRecordingSizeMb ?? RECORDING_LIMITS.defaultMaxMb;
	const megabytes = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
	if (!Number.isFinite(megabytes) || megabytes <= 0 || megabytes > RECORDING_LIMITS.maxMb) {
		throw invalid(
			node,
			itemIndex,
			`Max Recording Size (MB) must be more than 0 and at most ${RECORDING_LIMITS.maxMb.toLocaleString('en-US')}, got "${String(raw).slice(0, 40)}"`,
			`Set it to ${RECORDING_LIMITS.defaultMaxMb} (the default) unless your recordings are larger; a 30-minute call in MP3 is about 15 MB.`,
		);
	}
	return { binaryPropertyName, maxBytes: Math.floor(megabytes * 1024 * 1024) };
}

/**
 * The conversation's recording as its output item's file (`binary[<field>]`), or undefined when it
 * has none (web chats, `recording_url: null`). Each of the download's requests takes a slot of the
 * run's throttle (Max Concurrency); it uses the item's credential (no item, as in a poll: the node's); a run already
 * stopped sends nothing.
 */
export async function recordingFile(
	this: RecordingFunctions,
	session: RequestSession,
	conversation: { id: unknown; recording_url?: unknown },
	download: RecordingDownload,
	itemIndex = 0,
): Promise<IBinaryKeyData | undefined> {
	const { recording_url: url } = conversation;
	if (url === null || url === undefined || url === '') return undefined;
	if (session.isCancelled) throw new RunCancelledError();
	const file = await downloadRecording(conversation, {
		itemIndex,
		maxBytes: download.maxBytes,
		session,
	});
	return file ? await recordingBinary.call(this, file, download.binaryPropertyName) : undefined;
}
