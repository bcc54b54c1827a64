import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

import { TRANSCRIPT_CONCURRENCY } from '../shared/contract';
import { CREDENTIAL_TYPE, RETRY_POLICY, type RingReadyFunctions } from './policy';
import { RequestThrottle } from './throttle';

/** Thrown by a request that was not sent: its run was cancelled (another item failed) or its caller said no. */
export class RunCancelledError extends Error {
	constructor() {
		super('Not sent: the run stopped before this request started');
	}
}

/** One account as the run sees it: the credential data an item resolved to, shared by every item that resolved to the same. */
export interface ResolvedCredential {
	/** Identifies the data (Base URL, key, ...) within this run; never shown, logged or output. */
	key: string;
	decrypted: ICredentialsDecrypted;
}

/**
 * What the requests of one node run, one poll or one list search share:
 * - one throttle, so "Max Concurrency" bounds the whole run (every item, every page, every
 *   transcript) and a 429 slows every caller down together;
 * - the credential of each item. n8n resolves expressions in a credential per item (an API Key
 *   of `{{ $json.apiKey }}`), so each item's credential is resolved once, for that item; items
 *   that resolve to the same data share one decrypted copy, which is handed to
 *   httpRequestWithAuthentication so that n8n does not read it again for every request (in real
 *   n8n each read is a database query plus decryption). The key still goes through the
 *   credential's `authenticate`.
 * - what stops the run: a failure without Continue On Fail (cancel), and failures that no request
 *   of the same account can get past (a revoked key, a wait longer than the time left, RingReady
 *   down): the requests of that account that have not started fail with that error at once.
 * It lives as long as the run that created it, and nowhere else.
 */
export class RequestSession {
	readonly throttle: RequestThrottle;

	/** The node, for errors: n8n's getNode() deep-copies it on every call. */
	readonly node: INode;

	private readonly reads = new Map<number, Promise<ResolvedCredential>>();

	private readonly byData = new Map<string, ResolvedCredential>();

	private readonly stops = new Map<string, Error>();

	private cancelled = false;

	private outageRounds = 0;

	private roundStartedAt = 0;

	constructor(
		private readonly context: RingReadyFunctions,
		options: { maxConcurrency?: number } = {},
	) {
		this.throttle = new RequestThrottle(options.maxConcurrency ?? TRANSCRIPT_CONCURRENCY.default);
		this.node = context.getNode();
	}

	get isCancelled(): boolean {
		return this.cancelled;
	}

	/** Requests not yet started fail with RunCancelledError; those under way finish. */
	cancel(): void {
		this.cancelled = true;
	}

	/** From now on, requests of this account fail with `error` before they are sent. */
	stopAccount(key: string, error: Error): void {
		if (!this.stops.has(key)) this.stops.set(key, error);
	}

	/** The error that stopped this account's requests, if one did. */
	stoppedBy(key: string): Error | undefined {
		return this.stops.get(key);
	}

	succeeded(): void {
		this.outageRounds = 0;
	}

	/**
	 * An attempt that started at `startedAt` failed in a way RingReady may get over (5xx, no
	 * connection). Failures of attempts that started before the last such failure belong to the same
	 * round; each new round holds every request of the run back for a growing backoff, so that an
	 * outage is probed by a few requests, not retried by each. 'down' once RingReady failed
	 * maxAttempts rounds in a row with no success in between: the requests not yet sent fail at once.
	 */
	failedAttempt(startedAt: number): 'retry' | 'down' {
		if (startedAt >= this.roundStartedAt) {
			this.outageRounds++;
			this.roundStartedAt = Date.now();
			if (this.outageRounds < RETRY_POLICY.maxAttempts)
				this.throttle.pause(outageBackoffMs(this.outageRounds));
		}
		return this.outageRounds >= RETRY_POLICY.maxAttempts ? 'down' : 'retry';
	}

	/** The item's own credential, resolved once per item (no item: the node's credential as such). */
	async resolve(itemIndex = 0): Promise<ResolvedCredential> {
		let read = this.reads.get(itemIndex);
		if (!read) {
			read = this.context
				.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE, itemIndex)
				.then((data) => this.shared(data));
			this.reads.set(itemIndex, read);
			// A failed read is not kept: the item that needs it next reads again and reports its own error.
			read.catch(() => this.reads.delete(itemIndex));
		}
		return await read;
	}

	async credentials(itemIndex = 0): Promise<ICredentialsDecrypted> {
		return (await this.resolve(itemIndex)).decrypted;
	}

	private shared(data: ICredentialDataDecryptedObject): ResolvedCredential {
		const key = dataKey(data);
		let resolved = this.byData.get(key);
		if (!resolved) {
			const reference = this.node.credentials?.[CREDENTIAL_TYPE];
			resolved = {
				key,
				decrypted: {
					id: reference?.id ?? '',
					name: reference?.name ?? '',
					type: CREDENTIAL_TYPE,
					data,
				},
			};
			this.byData.set(key, resolved);
		}
		return resolved;
	}
}

function dataKey(data: ICredentialDataDecryptedObject): string {
	return JSON.stringify(
		Object.keys(data)
			.sort()
			.map((key) => [key, data[key]]),
	);
}

function outageBackoffMs(round: number): number {
	return Math.min(RETRY_POLICY.maxBackoffMs, RETRY_POLICY.baseDelayMs * 2 ** (round - 1));
}
