/**
 * Parent side of bench/sandbox-process.ts: starts the sandbox in a child process and drives it.
 */
import { fork, type ChildProcess } from 'child_process';
import { join } from 'path';

import type { DemoKeys, SandboxOptions } from '../../test/sandbox';
import type { BenchServerOptions, SandboxRequest, SandboxStats } from '../sandbox-process';

export interface RemoteSandbox {
	url: string;
	keys: DemoKeys;
	agentIds: { A: number[]; B: number[] };
	pid: number;
	setLatency(ms: number): Promise<void>;
	setRateLimit(maxInFlight: number | null, retryAfter?: number): Promise<void>;
	addConversations(count: number, account?: 'A' | 'B'): Promise<number>;
	count(account?: 'A' | 'B'): Promise<number>;
	/** The request log since the last clear, with connection count and sandbox CPU time. */
	stats(): Promise<SandboxStats>;
	clear(): Promise<void>;
	reset(): Promise<void>;
	close(): Promise<void>;
}

export async function startRemoteSandbox(
	options: SandboxOptions,
	server: BenchServerOptions = {},
): Promise<RemoteSandbox> {
	const child: ChildProcess = fork(
		join(__dirname, '..', 'sandbox-process.ts'),
		[JSON.stringify(options), JSON.stringify(server)],
		{
			execArgv: ['-r', 'ts-node/register/transpile-only', '--max-old-space-size=4096'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		},
	);
	let nextId = 1;
	const pending = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void }
	>();
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	const ready = await new Promise<{
		url: string;
		keys: DemoKeys;
		agentIds: { A: number[]; B: number[] };
	}>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
		child.on(
			'message',
			(message: { ready?: never; id?: number; result?: unknown; error?: string }) => {
				if (message.ready) {
					resolve(message.ready);
					return;
				}
				const waiter = message.id === undefined ? undefined : pending.get(message.id);
				if (!waiter) return;
				pending.delete(message.id!);
				if (message.error !== undefined) waiter.reject(new Error(message.error));
				else waiter.resolve(message.result);
			},
		);
	});

	const call = <T>(request: SandboxRequest): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			const id = nextId++;
			pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			child.send({ id, request });
		});

	return {
		...ready,
		pid: child.pid!,
		setLatency: async (ms) => void (await call({ op: 'setLatency', ms })),
		setRateLimit: async (maxInFlight, retryAfter) =>
			void (await call({ op: 'setRateLimit', maxInFlight, retryAfter })),
		addConversations: async (count, account) =>
			await call<number>({ op: 'addConversations', count, account }),
		count: async (account) => await call<number>({ op: 'count', account }),
		stats: async () => await call<SandboxStats>({ op: 'requests' }),
		clear: async () => void (await call({ op: 'clearRequests' })),
		reset: async () => void (await call({ op: 'reset' })),
		close: async () => {
			if (child.exitCode === null && child.signalCode === null) {
				child.disconnect();
				const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
		},
	};
}
