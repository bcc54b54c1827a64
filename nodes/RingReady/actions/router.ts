import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { asNodeError, executionData, ItemFailure, type ItemResults } from '../shared/output';
import { parseConcurrency } from '../shared/validation';
import {
	RequestSession,
	RunCancelledError,
	TRANSCRIPT_CONCURRENCY,
	type SessionOptions,
} from '../transport';

import * as account from './account';
import * as agent from './agent';
import * as conversation from './conversation';
import * as faq from './faq';
import type { RingReadyType } from './node.type';
import type { ItemRequest, ItemTask, ItemWrite, Operation } from './operation';

type Operations = { [R in RingReadyType as R['resource']]: Record<R['operation'], Operation> };

const operations: Operations = { account, agent, conversation, faq };

/**
 * The session of one node run. Max Concurrency, read once (from the first item), bounds the whole
 * run: every item's requests share its throttle, and items whose credential resolves to the same
 * data share one copy of it. `options`: the rest of the session (tests give it a short retry policy).
 */
export function runSession(
	this: IExecuteFunctions,
	options: Omit<SessionOptions, 'maxConcurrency'> = {},
): RequestSession {
	const maxConcurrency = parseConcurrency(
		this.getNode(),
		this.getNodeParameter('options.maxConcurrency', 0, TRANSCRIPT_CONCURRENCY.default),
		0,
	);
	return new RequestSession(this, { ...options, maxConcurrency });
}

/**
 * Runs the chosen operation over the input items with `session` (the item loop of every operation:
 * readEach, writeEach, or the tasks of a batch), and builds the node's output.
 */
export async function router(
	this: IExecuteFunctions,
	session: RequestSession,
): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const chosen = {
		resource: this.getNodeParameter('resource', 0),
		operation: this.getNodeParameter('operation', 0),
	} as RingReadyType;
	// A saved workflow may name an operation this version does not have.
	const operation = (operations[chosen.resource] as Record<string, Operation> | undefined)?.[
		chosen.operation
	];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${chosen.operation}" is not supported for the resource "${chosen.resource}"`,
		);
	}
	let results: ItemResults;
	if ('read' in operation) {
		results = await readEach.call(this, itemCount, session, (itemIndex) =>
			operation.read.call(this, session, itemIndex),
		);
	} else if ('write' in operation) {
		results = await writeEach.call(this, itemCount, session, (itemIndex) =>
			operation.write.call(this, session, itemIndex),
		);
	} else {
		const batch = await operation.batch.call(this, session, itemCount);
		results = batch.results;
		await runInTurn.call(this, session, batch.tasks, results);
	}
	return [
		results.flatMap((result, itemIndex) =>
			result === undefined
				? []
				: this.helpers.constructExecutionMetaData(executionData(result), {
						itemData: { item: itemIndex },
					}),
		),
	];
}

/** How long the reading of parameters runs before the requests already started get a turn. */
const PARAMETER_SLICE_MS = 5;

/**
 * Read operations: each item's parameters are read and validated, and its request starts at once,
 * while the later items are still being read (in n8n 2.x each expression runs in an isolated VM,
 * so reading a thousand items takes a while). Requests are bounded together by the run's throttle
 * (Max Concurrency); results keep the input order. With Continue On Fail a failing item becomes an
 * error item and the others still run; without it, the first failure (bad input or a failed
 * request) stops the run: no further item is read or sent, the requests under way finish, and the
 * earliest failed item's error is thrown.
 */
async function readEach(
	this: IExecuteFunctions,
	itemCount: number,
	session: RequestSession,
	prepare: (itemIndex: number) => ItemRequest,
): Promise<ItemResults> {
	const failures = new Failures(this, session);
	const results: ItemResults = [];
	const running: Array<Promise<void>> = [];
	let sliceStart = Date.now();
	for (let itemIndex = 0; itemIndex < itemCount && !session.isCancelled; itemIndex++) {
		let request: ItemRequest;
		try {
			request = prepare(itemIndex);
		} catch (error) {
			results[itemIndex] = failures.add(error, itemIndex);
			continue;
		}
		running.push(
			request().then(
				(data) => {
					results[itemIndex] = data;
				},
				(error: unknown) => {
					results[itemIndex] = failures.add(error, itemIndex);
				},
			),
		);
		if (Date.now() - sliceStart >= PARAMETER_SLICE_MS) {
			// Each turn of the event loop moves a request one step (connect, send, answer): two turns.
			await sleep(0);
			await sleep(0);
			sliceStart = Date.now();
		}
	}
	await Promise.all(running);
	failures.throwEarliest();
	return results;
}

/**
 * Write operations: every item's parameters are read and validated before the first write, so bad
 * input in any item stops the node before anything is changed. Then the writes run in item order
 * for each record (the last item wins, as in n8n's own nodes); writes to different records run side
 * by side. Failures as in readEach.
 */
async function writeEach(
	this: IExecuteFunctions,
	itemCount: number,
	session: RequestSession,
	prepare: (itemIndex: number) => ItemWrite,
): Promise<ItemResults> {
	const results: ItemResults = [];
	const tasks: Array<ItemTask | undefined> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			const { writesTo, run } = prepare(itemIndex);
			tasks[itemIndex] = {
				itemIndexes: [itemIndex],
				writesTo,
				run: async () => {
					results[itemIndex] = await run();
				},
			};
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			results[itemIndex] = new ItemFailure(error);
		}
	}
	await runInTurn.call(this, session, tasks, results);
	return results;
}

/**
 * Runs tasks side by side (the session's throttle bounds their requests), each after the tasks
 * given before it for the same record have ended, successfully or not. A failed task's items get an
 * ItemFailure with Continue On Fail; without it the session is cancelled, the tasks under way
 * finish, and the failure of the earliest item is thrown.
 */
async function runInTurn(
	this: IExecuteFunctions,
	session: RequestSession,
	tasks: Array<ItemTask | undefined>,
	results: ItemResults,
): Promise<void> {
	const failures = new Failures(this, session);
	const order = new WriteOrder();
	await Promise.all(
		tasks.map(async (task) => {
			if (!task) return;
			try {
				await order.inTurn(task.writesTo, task.run);
			} catch (error) {
				const failure = failures.add(error, task.itemIndexes[0]);
				if (failure) for (const itemIndex of task.itemIndexes) results[itemIndex] = failure;
			}
		}),
	);
	failures.throwEarliest();
}

/**
 * Runs the work for one record after the work queued before it for the same record has ended
 * (successfully or not); call in item order. Work for different records does not wait.
 */
class WriteOrder {
	private readonly last = new Map<string, Promise<unknown>>();

	async inTurn<T>(record: string, work: () => Promise<T>): Promise<T> {
		const previous = this.last.get(record) ?? Promise.resolve();
		const turn = previous.then(work, work);
		this.last.set(
			record,
			turn.catch(() => undefined),
		);
		return await turn;
	}
}

/**
 * A run's failures. With Continue On Fail each becomes its item's ItemFailure; without it the
 * session is cancelled (requests not yet started are not sent) and the earliest item's is thrown.
 */
class Failures {
	private readonly continueOnFail: boolean;

	private readonly failures: Array<{ itemIndex: number; error: unknown }> = [];

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly session: RequestSession,
	) {
		this.continueOnFail = context.continueOnFail();
	}

	add(error: unknown, itemIndex: number): ItemFailure | undefined {
		if (this.continueOnFail) return new ItemFailure(error);
		if (!(error instanceof RunCancelledError)) {
			this.failures.push({ itemIndex, error });
			this.session.cancel();
		}
		return undefined;
	}

	throwEarliest(): void {
		if (this.failures.length === 0) return;
		const first = this.failures.reduce((a, b) => (b.itemIndex < a.itemIndex ? b : a));
		throw asNodeError.call(this.context, first.error, first.itemIndex);
	}
}
