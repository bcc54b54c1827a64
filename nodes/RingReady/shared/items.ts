import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { RequestSession } from '../transport';
import { RunCancelledError } from '../transport';

/** An item that failed under Continue On Fail: the router outputs it as n8n users expect an error item. */
export class ItemFailure {
	constructor(readonly error: unknown) {}

	json(): IDataObject {
		const { message, description } = this.error as {
			message?: string;
			description?: string | null;
		};
		const json: IDataObject = { error: message ?? String(this.error) };
		if (description) json.description = description;
		return json;
	}
}

/** An output item that carries files (n8n binary data, e.g. a recording) besides its JSON. */
export class OutputItem {
	constructor(
		readonly json: IDataObject,
		readonly binary?: IBinaryKeyData,
	) {}
}

/** One output item: its JSON, or an OutputItem with files. */
export type ItemData = IDataObject | OutputItem;

/** What one input item produced: its output item(s), or its failure. */
export type ItemResult = ItemData | ItemData[] | ItemFailure;

/** An item's result as n8n output items (without pairedItem). */
export function executionData(result: ItemResult): INodeExecutionData[] {
	if (result instanceof ItemFailure) return [{ json: result.json() }];
	return (Array.isArray(result) ? result : [result]).map((data) =>
		data instanceof OutputItem
			? data.binary
				? { json: data.json, binary: data.binary }
				: { json: data.json }
			: { json: data },
	);
}

/** The results of a run by input item index; an item without one (cancelled) outputs nothing. */
export type ItemResults = Array<ItemResult | undefined>;

export function asNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

/** One item's work: its request(s), run once its parameters are read and valid. */
export type ItemRequest = () => Promise<ItemData | ItemData[]>;

/** A write also names what it writes to (e.g. "agent 7"): writes to the same record run one after another. */
export interface ItemWrite {
	writesTo: string;
	run: ItemRequest;
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
export async function readEach(
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
export async function writeEach(
	this: IExecuteFunctions,
	itemCount: number,
	session: RequestSession,
	prepare: (itemIndex: number) => ItemWrite,
): Promise<ItemResults> {
	const results: ItemResults = [];
	const writes: Array<ItemWrite | undefined> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			writes[itemIndex] = prepare(itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			results[itemIndex] = new ItemFailure(error);
		}
	}
	const order = new WriteOrder();
	await runSideBySide.call(
		this,
		session,
		writes.map((write, itemIndex) =>
			write
				? {
						itemIndexes: [itemIndex],
						run: async () =>
							await order.inTurn(write.writesTo, async () => {
								results[itemIndex] = await write.run();
							}),
					}
				: undefined,
		),
		results,
	);
	return results;
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

export interface SideBySideTask {
	/** The input items this task answers for (their results are set by `run`). */
	itemIndexes: number[];
	run: () => Promise<unknown>;
}

/**
 * Runs tasks concurrently (the session's throttle bounds their requests). A failed task's items get
 * an ItemFailure in `results` with Continue On Fail; without it the session is cancelled, the tasks
 * under way finish, and the failure of the earliest item is thrown.
 */
export async function runSideBySide(
	this: IExecuteFunctions,
	session: RequestSession,
	tasks: Array<SideBySideTask | undefined>,
	results: ItemResults,
): Promise<void> {
	const failures = new Failures(this, session);
	await Promise.all(
		tasks.map(async (task) => {
			if (!task) return;
			try {
				await task.run();
			} catch (error) {
				const failure = failures.add(error, task.itemIndexes[0]);
				if (failure) for (const itemIndex of task.itemIndexes) results[itemIndex] = failure;
			}
		}),
	);
	failures.throwEarliest();
}
