import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

const DEFAULT_BASE_URL = 'https://www.ring-ready.com';

/** Every request's own time limit, the credential test's included. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The API's own path: a Base URL pasted with it (https://www.ring-ready.com/api/v1/) still works. */
const API_PATH_SUFFIX = /\/api\/v1$/;

const LOOPBACK = 'a loopback address (this machine)';
const THIS_MACHINE_NAME = 'a name for this machine';

/**
 * This machine (URL.hostname): 127.0.0.0/8, localhost and ::1, as `localNetworkKind` reads them.
 * Plain HTTP is allowed there, such as the local sandbox.
 */
export function isLoopback(hostname: string): boolean {
	const kind = localNetworkKind(hostname);
	return kind === LOOPBACK || kind === THIS_MACHINE_NAME;
}

function ipv4Kind(address: number[]): string | undefined {
	const [a, b] = address;
	if (a === 127) return LOOPBACK;
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
	if (name === 'localhost' || name.endsWith('.localhost')) return THIS_MACHINE_NAME;
	const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(name);
	if (v4) return ipv4Kind(v4.slice(1).map(Number));
	if (!name.startsWith('[')) return undefined;
	const groups = ipv6Groups(name.slice(1, -1));
	if (!groups) return undefined;
	if (groups.every((group) => group === 0)) return 'an unspecified address';
	if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return LOOPBACK;
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

/** Why the key may not go to this URL, or undefined when it may (HTTPS, or plain HTTP to this machine). */
function unsafeProtocol(target: URL): string | undefined {
	if (target.protocol === 'https:') return undefined;
	if (target.protocol === 'http:' && isLoopback(target.hostname)) return undefined;
	return `Refusing to send the API key to ${target.protocol}//${target.host}: the Base URL must start with https:// (plain http:// is allowed only for this machine: localhost, 127.0.0.0/8 or ::1, such as the local sandbox).`;
}

/**
 * The credential's Base URL as an origin (scheme, host, port), or an Error saying how to fix it.
 * Trailing slashes and a trailing /api/v1 are dropped; any other path, a query, a fragment or a
 * user name is refused, so that what the user typed is exactly where the key goes.
 */
export function resolveBaseUrl(raw: unknown): string {
	const text = String(raw ?? '')
		.trim()
		.replace(/\/+$/, '')
		.replace(API_PATH_SUFFIX, '');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new Error(
			`The Base URL "${text.slice(0, 100)}" is not a valid URL. Use ${DEFAULT_BASE_URL} unless RingReady support gave you another address.`,
		);
	}
	const unsafe = unsafeProtocol(url);
	if (unsafe) throw new Error(unsafe);
	const extra = `${url.pathname === '/' ? '' : url.pathname}${url.search}${url.hash}`;
	if (extra !== '' || url.username !== '' || url.password !== '') {
		throw new Error(
			`The Base URL must be only the address of the RingReady API, such as ${DEFAULT_BASE_URL}, without a path, query or user name${
				extra ? ` (remove "${extra.slice(0, 60)}")` : ''
			}.`,
		);
	}
	return url.origin;
}

/**
 * Refuses to send the key anywhere but the credential's own origin, over HTTPS (plain HTTP only to
 * this machine). Checked on the final URL of every request, so neither a base URL nor a path can
 * route around it.
 */
export function assertSafeDestination(requestOptions: IHttpRequestOptions, baseUrl: unknown): void {
	const origin = resolveBaseUrl(baseUrl);
	let target: URL;
	try {
		target = new URL(requestOptions.url, requestOptions.baseURL || undefined);
	} catch {
		throw new Error(
			`The request URL "${String(requestOptions.url).slice(0, 100)}" is not a valid URL.`,
		);
	}
	const unsafe = unsafeProtocol(target);
	if (unsafe) throw new Error(unsafe);
	if (target.origin !== origin) {
		throw new Error(
			`Refusing to send the API key to ${target.origin}: it goes only to the Base URL of the RingReady API credential (${origin}).`,
		);
	}
}

const REDIRECT_MESSAGE =
	'The Base URL answered with a redirect to another address. The API key is never sent on to another address: set the Base URL to the address the RingReady API answers on (https://www.ring-ready.com unless RingReady support gave you another).';

export class RingReadyApi implements ICredentialType {
	name = 'ringReadyApi';

	displayName = 'RingReady API';

	icon: Icon = {
		light: 'file:../icons/ringready.svg',
		dark: 'file:../icons/ringready.dark.svg',
	};

	documentationUrl = 'https://www.ring-ready.com/docs/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'rr_live_...',
			description:
				'Create a key in the RingReady dashboard under Profile → API keys. The full key is shown only once. Give it the write scope if the workflow updates agents or their FAQ.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: DEFAULT_BASE_URL,
			description: "The address of RingReady's API. Leave it as it is.",
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		assertSafeDestination(requestOptions, credentials.baseUrl);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
			// A redirect is answered, never followed: n8n would otherwise send the key on to wherever it points.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			// The credential test's request too gets a limit (n8n's default would be 5 minutes).
			timeout: requestOptions.timeout ?? REQUEST_TIMEOUT_MS,
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "").replace(/\\/api\\/v1$/, "") }}',
			url: '/api/v1/whoami',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'The API key is invalid or has been revoked. Create a new key in the RingReady dashboard under Profile → API keys and paste it here.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The API key works but may not read (it lacks the "read" scope), so the node could not check it. Reading conversations and agents needs a key with the read scope: create one in the RingReady dashboard under Profile → API keys.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No RingReady API was found at this Base URL. Use https://www.ring-ready.com unless you are using the local sandbox.',
				},
			},
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: { value, message: REDIRECT_MESSAGE },
			})),
			{
				// Anything but the API's JSON (a web page, an empty body, another service): no user_id.
				type: 'responseSuccessBody',
				properties: {
					key: 'user_id',
					value: undefined,
					message:
						'The Base URL answered, but not as the RingReady API does (no account in the answer; perhaps a web page). Use https://www.ring-ready.com unless RingReady support gave you another address.',
				},
			},
		] as ICredentialTestRequest['rules'],
	};
}
