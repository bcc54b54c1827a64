import type { IExecuteFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	isLoopback,
	localNetworkKind,
	resolveBaseUrl,
} from '../../../credentials/RingReadyApi.credentials';
import {
	networkErrorCode,
	networkFailureText,
	SSRF_ADVICE,
	SSRF_BLOCKED,
	withoutKey,
} from './errors';
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
	audio: AudioCheck;
}

export type RecordingFunctions = IExecuteFunctions | IPollFunctions;

/** What makes an answer the recording: its type (judged before the body is read) and its first bytes. */
export interface AudioCheck {
	type(
		contentType: string | undefined,
		url: URL,
	): { mimeType: string; extension: string } | undefined;
	/** What the bytes are instead of audio (a playlist, a web page), or undefined. */
	notAudio(data: Buffer): string | undefined;
}

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
export async function fetchRecording(
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
	{ itemIndex, maxBytes, session, audio }: RecordingDownloadOptions,
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
	const stopSignal =
		'getExecutionCancelSignal' in session.context
			? session.context.getExecutionCancelSignal()
			: undefined;
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
					audio,
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
		audio: AudioCheck;
		apiError: (message: string, description: string, status?: number) => NodeApiError;
		/** The error for a body whose reading was aborted: Stop or the time limit. */
		aborted: () => NodeApiError;
	},
): Promise<RecordingFile> {
	const { Subject, maxBytes, apiError, aborted } = context;
	const status = answer.statusCode;
	const where = place(from);
	const contentType = header(answer.headers, 'content-type');
	const type = context.audio.type(contentType, from);
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
	const kind = context.audio.notAudio(data);
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
