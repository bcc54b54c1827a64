import type { IBinaryKeyData, IExecuteFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isLoopback, resolveBaseUrl } from '../../../credentials/RingReadyApi.credentials';
import { networkErrorCode, networkFailureText, withoutKey } from './errors';
import { ExchangeFailed, header, isStream, send, type Answer } from './http';
import type { RequestSession } from './session';
import { RunCancelledError } from './session';
import { RECORDING_LIMITS } from './shapes';

/**
 * A conversation's recording as an n8n file, through the one request primitive (`send`): a slot of
 * the run's throttle per request, one time limit and one size limit for the whole download,
 * redirects and body included. The key goes only to the Base URL's origin (a redirect back there
 * keeps it). Redirects are followed by hand, each hop checked before it is requested: over HTTPS,
 * and never to this machine or its network (loopback, private, link-local, unspecified addresses,
 * localhost names) unless the Base URL itself is on this machine (the local sandbox). A download
 * that breaks a rule or a limit, or that is not audio, fails for its item and leaves nothing behind.
 */

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

const UNTYPED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Where a URL points, for messages: origin and path, never the query (signed links carry secrets there). */
function place(url: URL): string {
	return `${url.origin}${url.pathname}`.slice(0, 200);
}

function ipv4Kind(address: number[]): string | undefined {
	const [a, b] = address;
	if (a === 127) return 'a loopback address (this machine)';
	if (a === 0) return 'an unspecified address';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
		return 'a private network address';
	if (a === 100 && b >= 64 && b <= 127) return 'a shared network address (100.64.0.0/10)';
	if (a === 169 && b === 254) return 'a link-local address (such as a cloud metadata service)';
	return undefined;
}

/**
 * What kind of address on this machine or its network `hostname` is (URL.hostname: IPv4 already in
 * dotted form, IPv6 in brackets), or undefined for any other. Names are not resolved (node code may
 * not); n8n's SSRF protection, where it is on, checks what they resolve to.
 */
export function localNetworkKind(hostname: string): string | undefined {
	const name = hostname.toLowerCase().replace(/\.$/, '');
	if (name === 'localhost' || name.endsWith('.localhost')) return 'a name for this machine';
	const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(name);
	if (v4) return ipv4Kind(v4.slice(1).map(Number));
	if (!name.startsWith('[')) return undefined;
	const groups = ipv6Groups(name.slice(1, -1));
	if (!groups) return undefined;
	if (groups.every((group) => group === 0)) return 'an unspecified address';
	if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1)
		return 'a loopback address (this machine)';
	if ((groups[0] & 0xfe00) === 0xfc00) return 'a private network address';
	if ((groups[0] & 0xffc0) === 0xfe80) return 'a link-local address';
	// IPv4 inside IPv6 (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d): the IPv4 address decides.
	const mapped =
		(groups.slice(0, 5).every((group) => group === 0) && [0, 0xffff].includes(groups[5])) ||
		(groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0));
	if (mapped) return ipv4Kind([groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255]);
	return undefined;
}

function ipv6Groups(address: string): number[] | undefined {
	const [head, tail, extra] = address.split('::');
	if (extra !== undefined) return undefined;
	const parse = (part: string | undefined) =>
		part ? part.split(':').map((group) => parseInt(group, 16)) : [];
	const front = parse(head);
	const back = parse(tail);
	const groups =
		tail === undefined
			? front
			: [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
	return groups.length === 8 && groups.every((group) => group >= 0 && group <= 0xffff)
		? groups
		: undefined;
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

/** What the first bytes say a file is when they are text, not audio (a playlist, a web page, JSON), or undefined. */
function textKind(data: Buffer): string | undefined {
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
	const { itemIndex, session } = options;
	let key: unknown;
	try {
		const credential = (await session.resolve(itemIndex)).decrypted;
		key = credential.data?.apiKey;
		return await download(conversation, options, credential);
	} catch (error) {
		throw withoutKey(error, key);
	}
}

async function download(
	conversation: ConversationWithRecording,
	{ itemIndex, maxBytes, session }: RecordingDownloadOptions,
	credential: Awaited<ReturnType<RequestSession['credentials']>>,
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
	let keyOrigin: string;
	try {
		keyOrigin = resolveBaseUrl(credential.data?.baseUrl);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			description: 'Fix the Base URL in the RingReady API credential.',
			itemIndex,
		});
	}
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
		let outcome: RecordingFile | { next: URL; status: number };
		try {
			outcome = await send(
				session,
				() => {
					if (session.isCancelled) throw new RunCancelledError();
					if (endBy === undefined) {
						timeoutMs = Math.max(1, Math.min(timeoutMs, session.timeLeftMs()));
						endBy = Date.now() + timeoutMs;
					}
					if (Date.now() >= endBy) throw new ExchangeFailed('timeout', 'ECONNABORTED');
					return {
						method: 'GET',
						url: hop.href,
						headers: { Accept: 'audio/*, application/octet-stream;q=0.5' },
						credential: withKey ? credential : undefined,
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
						outOfTime,
						conversation,
					});
				},
			);
		} catch (error) {
			if (!(error instanceof ExchangeFailed)) throw error;
			if (error.reason === 'stopped') throw stopped();
			if (error.reason === 'timeout') throw outOfTime();
			const { code } = error;
			throw apiError(
				`Could not download ${subject} from ${hop.origin}: ${networkFailureText(code)}`,
				`Nothing was stored. Check that this n8n can reach ${hop.origin}${code ? ` (error code ${code})` : ''}.`,
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
		outOfTime: () => NodeApiError;
	},
): Promise<RecordingFile> {
	const { Subject, maxBytes, apiError, outOfTime } = context;
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
	if (data === 'aborted') throw outOfTime();
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
	const kind = textKind(data);
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

/** The whole body, or why not: more than maxBytes, the time limit, or a broken connection. */
async function readBody(
	body: unknown,
	maxBytes: number,
	signal: AbortSignal,
): Promise<Buffer | 'tooLarge' | 'aborted' | Error> {
	if (Buffer.isBuffer(body)) return body.length > maxBytes ? 'tooLarge' : body;
	if (!isStream(body)) return new Error('no body');
	return await new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const finish = (outcome: Buffer | 'tooLarge' | 'aborted' | Error) => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', onAbort);
			if (!(outcome instanceof Buffer)) {
				body.removeAllListeners();
				body.on('error', () => undefined);
				body.destroy();
			}
			resolve(outcome);
		};
		const onAbort = () => finish('aborted');
		if (signal.aborted) return finish('aborted');
		signal.addEventListener('abort', onAbort, { once: true });
		body.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) finish('tooLarge');
			else chunks.push(chunk);
		});
		body.on('end', () => finish(Buffer.concat(chunks)));
		body.on('error', (error: Error) => finish(signal.aborted ? 'aborted' : error));
		body.on('close', () => finish(signal.aborted ? 'aborted' : new Error('closed early')));
	});
}
