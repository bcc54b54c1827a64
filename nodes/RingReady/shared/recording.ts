import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeProperties,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isLoopback, localNetworkKind } from '../../../credentials/RingReadyApi.credentials';
import type { Answer, RequestSession, ResolvedCredential } from '../transport';
import {
	baseUrlOf,
	ExchangeFailed,
	executionCancelSignal,
	header,
	networkErrorCode,
	networkFailureText,
	readBody,
	RunCancelledError,
	send,
	SSRF_ADVICE,
	SSRF_BLOCKED,
	withoutKey,
} from '../transport';
import { RECORDING_LIMITS } from './contract';
import { invalid } from './validation';

/**
 * Download Recording: the options that offer it, reading them, and the download of one
 * conversation's recording as its output item's file. Never offered to an AI agent: the options
 * are hidden when the node is an AI tool, and ignored if a saved workflow has them anyway.
 *
 * The download goes through the transport's one request primitive (`send`): a slot of the run's
 * throttle per request, one time limit and one size limit for the whole download, redirects and
 * body included. The key goes only to the Base URL's origin (a redirect back there keeps it).
 * Redirects are followed by hand, each hop checked before it is requested: over HTTPS, and never to
 * this machine or its network (loopback, private, link-local, unspecified addresses, localhost
 * names) unless the Base URL itself is on this machine (the local sandbox). A download that breaks
 * a rule or a limit, or that is not audio (judged by its type and its first bytes), fails for its
 * item and leaves nothing behind.
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

export interface RecordingFile {
	data: Buffer;
	/** The response's audio type without parameters (audio/mpeg, audio/wav, …). */
	mimeType: string;
	/** conversation-<id>.<extension> */
	fileName: string;
}

export interface RecordingDownloadOptions {
	itemIndex: number;
	/** Larger recordings fail (announced by Content-Length, or counted while reading). */
	maxBytes: number;
	/** The run's session: the item's credential (Base URL and key), the throttle and the time limit. */
	session: RequestSession;
}

export type RecordingFunctions = IExecuteFunctions | IPollFunctions;

/** Only a conversation's id and recording_url are read. */
export interface ConversationWithRecording {
	id: unknown;
	recording_url?: unknown;
}

/** Where a URL points, for messages: origin and path, never the query (signed links carry secrets there). */
function place(url: URL): string {
	return `${url.origin}${url.pathname}`.slice(0, 200);
}

/**
 * Why a recording may not be requested from `url` (undefined: it may), in words for a message: over
 * HTTPS only (plain HTTP only from this machine to this machine), no user name or password, and no
 * address on this machine or its network unless the Base URL is on this machine.
 */
function refusal(url: URL, localBase: boolean): string | undefined {
	if (url.username !== '' || url.password !== '')
		return 'its address carries a user name or password, which are never sent';
	const local = localNetworkKind(url.hostname);
	if (local && !localBase)
		return `${url.hostname} is ${local}, and recordings are not downloaded from this machine or its network`;
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && localBase && isLoopback(url.hostname)) return undefined;
	return 'recordings are downloaded over HTTPS only';
}

/** What to do about a refused address, for the error's description. */
const REFUSAL_ADVICE =
	'Nothing was requested from it. Recordings are downloaded only from public addresses over HTTPS (plain http:// and addresses on this machine only when the Base URL in the RingReady API credential is itself on this machine, such as the local sandbox). If the address looks wrong, contact RingReady support about this conversation.';

function sizeText(bytes: number): string {
	const format = (value: number, unit: string) => `${Math.round(value * 10) / 10} ${unit}`;
	if (bytes >= 1024 * 1024) return format(bytes / (1024 * 1024), 'MB');
	if (bytes >= 1024) return format(bytes / 1024, 'KB');
	return `${bytes} bytes`;
}

function secondsText(ms: number): string {
	const seconds = Math.round(ms / 100) / 10;
	return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/**
 * Downloads the recording of one conversation (its `recording_url`), or returns undefined when it
 * has none (null: web chats, hang-ups). Throws a NodeOperationError / NodeApiError for the item:
 * an address it may not fetch (before any request), a redirect it may not follow, an HTTP error,
 * an answer that is not audio, a file over `maxBytes`, or no complete answer within the time limit.
 * Neither the key nor the recording URL's query appears in an error.
 */
export async function downloadRecording(
	conversation: ConversationWithRecording,
	options: RecordingDownloadOptions,
): Promise<RecordingFile | undefined> {
	let key: unknown;
	try {
		const account = await options.session.resolve(options.itemIndex);
		key = account.decrypted.data?.apiKey;
		return await download(conversation, options, account);
	} catch (error) {
		throw withoutKey(error, key);
	}
}

async function download(
	conversation: ConversationWithRecording,
	{ itemIndex, maxBytes, session }: RecordingDownloadOptions,
	account: ResolvedCredential,
): Promise<RecordingFile | undefined> {
	const { node } = session;
	const raw = conversation.recording_url;
	if (raw === null || raw === undefined || raw === '') return undefined;
	const subject = `the recording of conversation ${String(conversation.id)}`;
	const Subject = `The recording of conversation ${String(conversation.id)}`;
	if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
		throw new NodeOperationError(
			node,
			`The recording size limit must be a positive number of bytes`,
			{
				description: `It is ${String(maxBytes)}. Set a size limit in the node's options (${sizeText(RECORDING_LIMITS.defaultMaxBytes)} unless you need larger files).`,
				itemIndex,
			},
		);
	}
	let url: URL;
	try {
		if (typeof raw !== 'string') throw new TypeError('not a string');
		url = new URL(raw);
	} catch {
		throw new NodeOperationError(node, `${Subject} has no valid address`, {
			description: `RingReady sent ${JSON.stringify(raw)?.slice(0, 100)} as its recording_url. Nothing was downloaded.`,
			itemIndex,
		});
	}
	const keyOrigin = baseUrlOf(session, account, itemIndex);
	const localBase = isLoopback(new URL(keyOrigin).hostname);
	const refused = refusal(url, localBase);
	if (refused) {
		throw new NodeOperationError(
			node,
			`Refusing to download ${subject} from ${url.protocol}//${url.host}: ${refused}`,
			{ description: `Its recording_url is ${place(url)}. ${REFUSAL_ADVICE}`, itemIndex },
		);
	}

	// Within the run's deadline (a poll's), if it has one: one limit for every hop and the body, from
	// when the first request gets its slot.
	let timeoutMs = session.policy.requestTimeoutMs;
	let endBy: number | undefined;
	const apiError = (message: string, description: string, status?: number) =>
		new NodeApiError(node, { recording: place(url), status: status ?? null } as JsonObject, {
			message,
			description,
			httpCode: status === undefined ? undefined : String(status),
			itemIndex,
		});
	const stopSignal = executionCancelSignal(session.context);
	const outOfTime = () =>
		apiError(
			`${Subject} did not download within ${secondsText(timeoutMs)}`,
			`${place(url)} sent it too slowly. The download was stopped and nothing was stored. Try again later.`,
		);
	const stopped = () =>
		apiError(
			'The execution was stopped',
			`The download of ${subject} was under way; nothing was stored.`,
		);

	for (let redirects = 0; ; redirects++) {
		// The key goes only to the Base URL's own origin, on the first request or a redirect back there.
		const withKey = url.origin === keyOrigin;
		const hop = url;
		const outcome = await send(
			session,
			() => {
				if (session.isCancelled) throw new RunCancelledError();
				if (endBy === undefined) {
					timeoutMs = Math.max(1, Math.min(timeoutMs, session.timeLeftMs()));
					endBy = Date.now() + timeoutMs;
				}
				if (Date.now() >= endBy) throw outOfTime();
				return {
					method: 'GET',
					url: hop.href,
					headers: { Accept: 'audio/*, application/octet-stream;q=0.5' },
					credential: withKey ? account.decrypted : undefined,
					timeoutMs: endBy - Date.now(),
					stream: true,
				};
			},
			async (answer, signal) => {
				const status = answer.statusCode;
				if (status >= 300 && status < 400)
					return { next: redirectTarget(answer, hop, status), status };
				if (status < 200 || status >= 300)
					throw statusError(apiError, { status, Subject, where: place(hop), withKey, keyOrigin });
				return await audioFile(answer, signal, hop, {
					Subject,
					maxBytes,
					apiError,
					aborted: () => (stopSignal?.aborted ? stopped() : outOfTime()),
					conversation,
				});
			},
		);
		if (outcome instanceof ExchangeFailed) {
			if (outcome.reason === 'stopped') throw stopped();
			if (outcome.reason === 'timeout') throw outOfTime();
			const { code } = outcome;
			throw apiError(
				`Could not download ${subject} from ${hop.origin}: ${networkFailureText(code)}`,
				`Nothing was stored. ${code === SSRF_BLOCKED ? SSRF_ADVICE.slice(0, -1) : `Check that this n8n can reach ${hop.origin}`}${code ? ` (error code ${code})` : ''}.`,
			);
		}
		if (!('next' in outcome)) return outcome;
		const { next, status } = outcome;
		const pointed = `${place(hop)} answered HTTP ${status} pointing to ${place(next)}.`;
		const nextRefused = refusal(next, localBase);
		if (nextRefused) {
			throw apiError(
				`${Subject} was redirected to ${next.protocol}//${next.host}: ${nextRefused}`,
				`${pointed} ${REFUSAL_ADVICE}`,
				status,
			);
		}
		if (redirects >= RECORDING_LIMITS.maxRedirects) {
			throw apiError(
				`${Subject} was redirected more than ${RECORDING_LIMITS.maxRedirects} times`,
				`${pointed} Nothing was downloaded.`,
				status,
			);
		}
		url = next;
	}

	/** Where a 3xx points. */
	function redirectTarget(answer: Answer, from: URL, status: number): URL {
		const location = header(answer.headers, 'location');
		try {
			if (location) return new URL(location, from);
		} catch {
			// reported below
		}
		throw apiError(
			`${Subject} could not be downloaded: a redirect without a valid address`,
			`${place(from)} answered HTTP ${status} without a valid Location. Nothing was downloaded.`,
			status,
		);
	}
}

/** A 2xx answer's body as the recording, if it is audio within the size limit. */
async function audioFile(
	answer: Answer,
	signal: AbortSignal,
	from: URL,
	context: {
		Subject: string;
		maxBytes: number;
		conversation: ConversationWithRecording;
		apiError: (message: string, description: string, status?: number) => NodeApiError;
		/** The error for a body whose reading was aborted: Stop or the time limit. */
		aborted: () => NodeApiError;
	},
): Promise<RecordingFile> {
	const { Subject, maxBytes, apiError, aborted } = context;
	const status = answer.statusCode;
	const where = place(from);
	const contentType = header(answer.headers, 'content-type');
	const type = audioType(contentType, from);
	const typeText = contentType ? `Content-Type ${contentType.slice(0, 100)}` : 'no Content-Type';
	if (!type) {
		throw apiError(
			`${Subject} is not an audio file`,
			`${where} answered with ${typeText} instead of an audio type (audio/*). It may be a sign-in or error page. Nothing was stored.`,
			status,
		);
	}
	const tooLarge = (what: string) =>
		apiError(
			`${Subject} is larger than the ${sizeText(maxBytes)} limit`,
			`${what} Nothing was stored. Raise the recording size limit in the node's options to download it.`,
			status,
		);
	const declared = Number(header(answer.headers, 'content-length'));
	if (Number.isFinite(declared) && declared > maxBytes)
		throw tooLarge(`${where} announced ${sizeText(declared)} (Content-Length).`);
	const data = await readBody(answer.body, maxBytes, signal);
	if (data === 'aborted') throw aborted();
	if (data === 'tooLarge')
		throw tooLarge(
			`${where} was still sending after ${sizeText(maxBytes)}; the download was stopped.`,
		);
	if (data instanceof Error) {
		const code = networkErrorCode(data);
		throw apiError(
			`Could not download ${Subject.charAt(0).toLowerCase()}${Subject.slice(1)} from ${from.origin}: ${networkFailureText(code, 'the download broke off')}`,
			`Nothing was stored. Try again later${code ? ` (error code ${code})` : ''}.`,
			status,
		);
	}
	const kind = notAudio(data);
	if (kind) {
		throw apiError(
			`${Subject} is not an audio file`,
			`${where} answered with ${typeText}, but what it sent is ${kind}, not audio. Nothing was stored.`,
			status,
		);
	}
	return {
		data,
		mimeType: type.mimeType,
		fileName: `conversation-${String(context.conversation.id).replace(/[^\w-]/g, '_')}.${type.extension}`,
	};
}

function statusError(
	apiError: (message: string, description: string, status?: number) => NodeApiError,
	failure: { status: number; Subject: string; where: string; withKey: boolean; keyOrigin: string },
): NodeApiError {
	const { status, Subject, where, withKey, keyOrigin } = failure;
	if (status === 404 || status === 410) {
		return apiError(
			`${Subject} was not found`,
			`${where} answered HTTP ${status}: the audio of this call is not available (any more). Nothing was downloaded.`,
			status,
		);
	}
	if ((status === 401 || status === 403) && withKey) {
		return apiError(
			`RingReady refused ${Subject.charAt(0).toLowerCase()}${Subject.slice(1)} (HTTP ${status})`,
			`${where} did not accept the API key for this recording. Check that the key has the read scope and belongs to the account of this conversation. Nothing was downloaded.`,
			status,
		);
	}
	if (status === 401 || status === 403) {
		return apiError(
			`${Subject} could not be downloaded: ${where} answered HTTP ${status}`,
			`That address asks for a login. The RingReady API key is sent only to the Base URL's address (${keyOrigin}), never to another one. Nothing was downloaded.`,
			status,
		);
	}
	return apiError(
		`${Subject} could not be downloaded: HTTP ${status}`,
		`${where} answered HTTP ${status}. Nothing was stored. Try again later.`,
		status,
	);
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
