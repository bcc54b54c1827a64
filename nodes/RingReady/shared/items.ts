import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { RequestSession } from '../transport/session';
import { RunCancelledError } from '../transport/session';

/** The error item n8n users expect from "Continue (using error output)" / "Continue on Fail". */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const { message, description } = error as { message?: string; description?: string | null };
	const json: IDataObject = { error: message ?? String(error) };
	if (description) json.description = description;
	return { json, pairedItem: { item: itemIndex } };
}

export function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

export function toItems(
	data: IDataObject | IDataObject[],
	itemIndex: number,
): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({
		json,
		pairedItem: { item: itemIndex },
	}));
}

/** One item's work: its request(s), run once its parameters are read and valid. */
export type ItemRequest = () => Promise<IDataObject | IDataObject[]>;

/** A write also names what it writes to (e.g. "agent 7"): writes to the same record run one after another. */
export interface ItemWrite {
	writesTo: string;
	run: ItemRequest;
}

/** Reads and validates one item's parameters, and returns the request(s) to make for it. */
export type PrepareItem = (itemIndex: number) => ItemRequest;

export type PrepareWrite = (itemIndex: number) => ItemWrite;

/** How long the reading of parameters runs before the requests already started get a turn. */
const PARAMETER_SLICE_MS = 5;

/**
 * Read operations: each item's parameters are read and validated, and its request starts at once,
 * while the later items are still being read (in n8n 2.x each expression runs in an isolated VM,
 * so reading a thousand items takes a while). Requests are bounded together by the run's throttle
 * (Max Concurrency); output keeps the input order. With Continue On Fail a failing item becomes an
 * error item and the others still run; without it, the first failure (bad input or a failed
 * request) stops the run: no further item is read or sent, the requests under way finish, and the
 * earliest failed item's error is thrown.
 */
export async function mapItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
	prepare: PrepareItem,
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const outputs: INodeExecutionData[][] = [];
	const failures: Failure[] = [];
	const fail = (error: unknown, itemIndex: number) => {
		if (continueOnFail) {
			outputs[itemIndex] = [errorItem(error, itemIndex)];
		} else if (!(error instanceof RunCancelledError)) {
			failures.push({ itemIndex, error });
			session.cancel();
		}
	};
	const running: Array<Promise<void>> = [];
	let sliceStart = Date.now();
	for (let itemIndex = 0; itemIndex < items.length && !session.isCancelled; itemIndex++) {
		let request: ItemRequest;
		try {
			request = prepare(itemIndex);
		} catch (error) {
			fail(error, itemIndex);
			continue;
		}
		running.push(
			request().then(
				(data) => {
					outputs[itemIndex] = toItems(data, itemIndex);
				},
				(error: unknown) => fail(error, itemIndex),
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
	throwEarliest.call(this, failures);
	return outputs.flat();
}

/**
 * Write operations: every item's parameters are read and validated before the first write, so bad
 * input in any item stops the node before anything is changed. Then the writes run in item order
 * for each record (the last item wins, as in n8n's own nodes); writes to different records run side
 * by side. Failures as in mapItems.
 */
export async function mapWrites(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
	prepare: PrepareWrite,
): Promise<INodeExecutionData[]> {
	const outputs: INodeExecutionData[][] = [];
	const writes: Array<ItemWrite | undefined> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			writes[itemIndex] = prepare(itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			outputs[itemIndex] = [errorItem(error, itemIndex)];
		}
	}
	const order = new WriteOrder();
	await runSideBySide.call(
		this,
		session,
		writes.map((write, itemIndex) =>
			write
				? {
						itemIndex,
						run: async () =>
							await order.inTurn(write.writesTo, async () => {
								outputs[itemIndex] = toItems(await write.run(), itemIndex);
							}),
					}
				: undefined,
		),
		(error, itemIndexes) => {
			for (const itemIndex of itemIndexes) outputs[itemIndex] = [errorItem(error, itemIndex)];
		},
	);
	return outputs.flat();
}

/**
 * Runs the work for one record after the work queued before it for the same record has ended
 * (successfully or not); call in item order. Work for different records does not wait.
 */
export class WriteOrder {
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

interface Failure {
	itemIndex: number;
	error: unknown;
}

function throwEarliest(this: IExecuteFunctions, failures: Failure[]): void {
	if (failures.length === 0) return;
	const first = failures.reduce((a, b) => (b.itemIndex < a.itemIndex ? b : a));
	throw asNodeError.call(this, first.error, first.itemIndex);
}

export interface SideBySideTask {
	/** The input items this task answers for (their output is set by `run`). */
	itemIndex: number | number[];
	run: () => Promise<unknown>;
}

/**
 * Runs tasks concurrently (the session's throttle bounds their requests). A failed task's items get
 * error items through `onError` with Continue On Fail; without it the session is cancelled, the tasks
 * under way finish, and the failure of the earliest item is thrown.
 */
export async function runSideBySide(
	this: IExecuteFunctions,
	session: RequestSession,
	tasks: Array<SideBySideTask | undefined>,
	onError: (error: unknown, itemIndexes: number[]) => void,
): Promise<void> {
	const continueOnFail = this.continueOnFail();
	const failures: Failure[] = [];
	await Promise.all(
		tasks.map(async (task) => {
			if (!task) return;
			const itemIndexes = Array.isArray(task.itemIndex) ? task.itemIndex : [task.itemIndex];
			try {
				await task.run();
			} catch (error) {
				if (continueOnFail) {
					onError(error, itemIndexes);
				} else if (!(error instanceof RunCancelledError)) {
					failures.push({ itemIndex: itemIndexes[0], error });
					session.cancel();
				}
			}
		}),
	);
	throwEarliest.call(this, failures);
}
