import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

import { TRANSCRIPT_CONCURRENCY } from '../shared/contract';
import { CREDENTIAL_TYPE, type RingReadyFunctions } from './index';
import { RequestThrottle } from './throttle';

/** Thrown by a request that was not sent: its run was cancelled (another item failed) or its caller said no. */
export class RunCancelledError extends Error {
	constructor() {
		super('Not sent: the run stopped before this request started');
	}
}

/**
 * What the requests of one node run, one poll or one list search share:
 * - one throttle, so "Max Concurrency" bounds the whole run (every item, every page, every
 *   transcript) and a 429 slows every caller down together;
 * - the credential, read once. In real n8n each read is a database query plus decryption, and
 *   n8n would read it again for every request; the decrypted copy is handed to
 *   httpRequestWithAuthentication, so the key still goes through the credential's `authenticate`.
 *   A credential whose fields are expressions over the input item (e.g. `{{ $json.apiKey }}`)
 *   resolves differently per item: when the first and the last item read differently, each item
 *   reads its own (once per item, never per request).
 * It lives as long as the run that created it, and nowhere else.
 */
export class RequestSession {
	readonly throttle: RequestThrottle;

	/** The node, for errors: n8n's getNode() deep-copies it on every call. */
	readonly node: INode;

	private readonly itemCount: number;

	private readonly reads = new Map<number, Promise<ICredentialDataDecryptedObject>>();

	private readsPerItem?: Promise<boolean>;

	private cancelled = false;

	constructor(
		private readonly context: RingReadyFunctions,
		options: { maxConcurrency?: number; itemCount?: number } = {},
	) {
		this.throttle = new RequestThrottle(options.maxConcurrency ?? TRANSCRIPT_CONCURRENCY.default);
		this.itemCount = options.itemCount ?? 1;
		this.node = context.getNode();
	}

	get isCancelled(): boolean {
		return this.cancelled;
	}

	/** Requests not yet started fail with RunCancelledError; those under way finish. */
	cancel(): void {
		this.cancelled = true;
	}

	async credentials(itemIndex = 0): Promise<ICredentialsDecrypted> {
		const data = (await this.readsItsOwn()) ? await this.read(itemIndex) : await this.read(0);
		const reference = this.node.credentials?.[CREDENTIAL_TYPE];
		return { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data };
	}

	private async readsItsOwn(): Promise<boolean> {
		if (this.itemCount <= 1) return false;
		this.readsPerItem ??= Promise.all([this.read(0), this.read(this.itemCount - 1)]).then(
			([first, last]) => !sameData(first, last),
		);
		return await this.readsPerItem;
	}

	private async read(itemIndex: number): Promise<ICredentialDataDecryptedObject> {
		let read = this.reads.get(itemIndex);
		if (!read) {
			read = this.context.getCredentials<ICredentialDataDecryptedObject>(
				CREDENTIAL_TYPE,
				itemIndex,
			);
			this.reads.set(itemIndex, read);
			// A failed read is not kept: the item that needs it next reads again and reports its own error.
			read.catch(() => this.reads.delete(itemIndex));
		}
		return await read;
	}
}

function sameData(a: ICredentialDataDecryptedObject, b: ICredentialDataDecryptedObject): boolean {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	for (const key of keys) {
		if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return false;
	}
	return true;
}
