import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Refuses to send the key anywhere but HTTPS, or plain HTTP to this machine (the local sandbox).
 * Checked on the final URL of every request, so neither a base URL nor a path can route around it.
 */
export function assertSafeDestination(requestOptions: IHttpRequestOptions): void {
	let target: URL;
	try {
		target = new URL(requestOptions.url, requestOptions.baseURL || undefined);
	} catch {
		throw new Error(
			`The Base URL "${String(requestOptions.baseURL ?? '')}" is not a valid URL. Use https://www.ring-ready.com unless RingReady support gave you another address.`,
		);
	}
	if (target.protocol === 'https:') return;
	if (target.protocol === 'http:' && isLoopback(target.hostname)) return;
	throw new Error(
		`Refusing to send the API key to ${target.protocol}//${target.host}: the Base URL must start with https:// (plain http:// is allowed only for 127.0.0.1 or localhost, such as the local sandbox).`,
	);
}

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
			default: 'https://www.ring-ready.com',
			description:
				'Leave as is for RingReady. Change it only to use the local sandbox (for example http://127.0.0.1:4010).',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		assertSafeDestination(requestOptions);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey)}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/api/v1/whoami',
			method: 'GET',
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
					value: 404,
					message:
						'No RingReady API was found at this Base URL. Use https://www.ring-ready.com unless you are using the local sandbox.',
				},
			},
		],
	};
}
