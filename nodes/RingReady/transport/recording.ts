import type {
	IBinaryKeyData,
	IExecuteFunctions,
	IHttpRequestOptions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { resolveBaseUrl } from '../../../credentials/RingReadyApi.credentials';
import { RECORDING_LIMITS } from '../shared/contract';
import { networkErrorCode, networkFailureText } from './errors';
import type { RequestSession } from './session';
import { CREDENTIAL_TYPE } from './types';

/**
 * A conversation's recording as an n8n file. The API key goes only to the Base URL's origin: a
 * recording there is fetched with the credential, one anywhere else (media storage) without it.
 * Redirects are followed by hand, never with the key, each hop over HTTPS (loopback excepted).
 * The whole download, redirects and body included, has one time limit and one size limit; a
 * download that breaks either, or that is not audio, fails for its item and leaves nothing behind.
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
	/** The run's session: the item's credential (Base URL and key) and the time limit. */
	session: Pick<RequestSession, 'resolve' | 'node' | 'policy' | 'timeLeftMs'>;
}

export type RecordingFunctions = IExecuteFunctions | IPollFunctions;

/** Only a conversation's id and recording_url are read. */
export interface ConversationWithRecording {
	id: unknown;
	recording_url?: unknown;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

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

const UNTYPED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** The part of a Node.js readable stream this reads (n8n hands back the response body as one). */
interface BodyStream {
	on(event: 'data', listener: (chunk: Buffer) => void): unknown;
	on(event: 'end' | 'close', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	removeAllListeners(): unknown;
	destroy(): unknown;
}

function isStream(body: unknown): body is BodyStream {
	return (
		typeof body === 'object' &&
		body !== null &&
		typeof (body as BodyStream).on === 'function' &&
		typeof (body as BodyStream).destroy === 'function'
	);
}

/** Drops a body that will not be read, so its connection is not held open. */
function discard(body: unknown): void {
	if (isStream(body)) body.destroy();
}

function header(headers: FullResponse['headers'], name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** Where a URL points, for messages: origin and path, never the query (signed links carry secrets there). */
function place(url: URL): string {
	return `${url.origin}${url.pathname}`.slice(0, 200);
}

function unsafeProtocol(url: URL): boolean {
	if (url.protocol === 'https:') return false;
	return !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
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

/** The type and extension of an audio answer, or undefined when it is not one. */
function audioType(
	contentType: string | undefined,
	url: URL,
): { mimeType: string; extension: string } | undefined {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const pathExtension = /\.([a-z0-9]{1,5})$/i.exec(url.pathname)?.[1].toLowerCase();
	if (/^audio\/[a-z0-9.+-]+$/.test(type)) {
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
	this: RecordingFunctions,
	conversation: ConversationWithRecording,
	options: RecordingDownloadOptions,
): Promise<RecordingFile | undefined> {
	const { itemIndex, maxBytes, session } = options;
	// Within the run's deadline (a poll's), if it has one.
	const timeoutMs = Math.max(1, Math.min(session.policy.requestTimeoutMs, session.timeLeftMs()));
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
	if (unsafeProtocol(url)) {
		throw new NodeOperationError(
			node,
			`Refusing to download ${subject} from ${url.protocol}//${url.host}: recordings are downloaded over HTTPS only`,
			{
				description: `Its recording_url does not start with https://. Plain http:// is allowed only for 127.0.0.1, localhost and ::1 (such as the local sandbox). Nothing was downloaded.`,
				itemIndex,
			},
		);
	}

	const credential = (await session.resolve(itemIndex)).decrypted;
	let keyOrigin: string;
	try {
		keyOrigin = resolveBaseUrl(credential.data?.baseUrl);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			description: 'Fix the Base URL in the RingReady API credential.',
			itemIndex,
		});
	}

	const cancelSignal =
		'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const timer = AbortSignal.timeout(timeoutMs);
	const signal = cancelSignal ? AbortSignal.any([cancelSignal, timer]) : timer;
	const apiError = (message: string, description: string, status?: number) =>
		new NodeApiError(node, { recording: place(url), status: status ?? null } as JsonObject, {
			message,
			description,
			httpCode: status === undefined ? undefined : String(status),
			itemIndex,
		});
	const outOfTime = () =>
		cancelSignal?.aborted
			? apiError(
					'The execution was stopped',
					`The download of ${subject} was under way; nothing was stored.`,
				)
			: apiError(
					`${Subject} did not download within ${secondsText(timeoutMs)}`,
					`${place(url)} sent it too slowly. The download was stopped and nothing was stored. Try again later.`,
				);

	// Only the first request may carry the key, and only to the Base URL's own origin.
	let withKey = url.origin === keyOrigin;
	for (let redirects = 0; ; redirects++) {
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: url.href,
			headers: { Accept: 'audio/*, application/octet-stream;q=0.5' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: timeoutMs,
			abortSignal: signal,
		};
		let response: FullResponse;
		try {
			const sent = withKey
				? this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request, {
						credentialsDecrypted: credential,
					})
				: this.helpers.httpRequest(request);
			response = (await untilAborted(sent, signal)) as FullResponse;
		} catch (error) {
			// n8n's own error carries the request (with the key): only its code is used.
			if (signal.aborted) throw outOfTime();
			const code = networkErrorCode(error);
			throw apiError(
				`Could not download ${subject} from ${url.origin}: ${networkFailureText(code)}`,
				`Nothing was stored. Check that this n8n can reach ${url.origin}${code ? ` (error code ${code})` : ''}.`,
			);
		}
		const status = response.statusCode;
		if (status >= 300 && status < 400) {
			discard(response.body);
			const location = header(response.headers, 'location');
			let next: URL | undefined;
			try {
				next = location ? new URL(location, url) : undefined;
			} catch {
				next = undefined;
			}
			if (!next) {
				throw apiError(
					`${Subject} could not be downloaded: a redirect without a valid address`,
					`${place(url)} answered HTTP ${status} without a valid Location. Nothing was downloaded.`,
					status,
				);
			}
			if (unsafeProtocol(next)) {
				throw apiError(
					`${Subject} was redirected to ${next.protocol}//${next.host}: recordings are downloaded over HTTPS only`,
					`${place(url)} answered HTTP ${status} pointing to ${place(next)}. Redirects are followed over HTTPS only (plain http:// only for 127.0.0.1, localhost and ::1), and never with the API key. Nothing was downloaded.`,
					status,
				);
			}
			if (redirects >= RECORDING_LIMITS.maxRedirects) {
				throw apiError(
					`${Subject} was redirected more than ${RECORDING_LIMITS.maxRedirects} times`,
					`${place(url)} answered HTTP ${status} pointing to ${place(next)}. Nothing was downloaded.`,
					status,
				);
			}
			url = next;
			withKey = false;
			continue;
		}
		if (status < 200 || status >= 300) {
			discard(response.body);
			throw statusError(apiError, { status, Subject, where: place(url), withKey, keyOrigin });
		}

		const type = audioType(header(response.headers, 'content-type'), url);
		if (!type) {
			discard(response.body);
			const contentType = header(response.headers, 'content-type');
			throw apiError(
				`${Subject} is not an audio file`,
				`${place(url)} answered with ${contentType ? `Content-Type ${contentType.slice(0, 100)}` : 'no Content-Type'} instead of an audio type (audio/*). It may be a sign-in or error page. Nothing was stored.`,
				status,
			);
		}
		const tooLarge = (what: string) =>
			apiError(
				`${Subject} is larger than the ${sizeText(maxBytes)} limit`,
				`${what} Nothing was stored. Raise the recording size limit in the node's options to download it.`,
				status,
			);
		const declared = Number(header(response.headers, 'content-length'));
		if (Number.isFinite(declared) && declared > maxBytes) {
			discard(response.body);
			throw tooLarge(`${place(url)} announced ${sizeText(declared)} (Content-Length).`);
		}
		const data = await readBody(response.body, maxBytes, signal);
		if (data === 'aborted') throw outOfTime();
		if (data === 'tooLarge')
			throw tooLarge(
				`${place(url)} was still sending after ${sizeText(maxBytes)}; the download was stopped.`,
			);
		if (data instanceof Error) {
			const code = networkErrorCode(data);
			throw apiError(
				`Could not download ${subject} from ${url.origin}: ${networkFailureText(code, 'the download broke off')}`,
				`Nothing was stored. Try again later${code ? ` (error code ${code})` : ''}.`,
				status,
			);
		}
		return {
			data,
			mimeType: type.mimeType,
			fileName: `conversation-${String(conversation.id).replace(/[^\w-]/g, '_')}.${type.extension}`,
		};
	}
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

/** The request's answer, or a rejection once the signal fires (n8n may not end the request itself). */
async function untilAborted<T>(request: Promise<T>, signal: AbortSignal): Promise<T> {
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(new Error('aborted'));
		if (signal.aborted) onAbort();
		else signal.addEventListener('abort', onAbort, { once: true });
	});
	request.then(
		(response) => {
			// Answered after the limit: its body is never read.
			if (signal.aborted) discard((response as FullResponse | undefined)?.body);
		},
		() => undefined,
	);
	try {
		return await Promise.race([request, aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
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
