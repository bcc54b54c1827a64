import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemData, ItemResults } from '../shared/output';
import type { RequestSession } from '../transport';

/** One item's work: its request(s), run once its parameters are read and valid. */
export type ItemRequest = () => Promise<ItemData | ItemData[]>;

/** A write also names what it writes to (e.g. "agent 7"): writes to the same record run one after another. */
export interface ItemWrite {
	writesTo: string;
	run: ItemRequest;
}

/** Work for some input items on one record, which the router runs after the work queued before it for that record. */
export interface ItemTask {
	/** The input items this task answers for (their results are set by `run`). */
	itemIndexes: number[];
	writesTo: string;
	run: () => Promise<unknown>;
}

/** A read: what to do for one item. Its request starts as soon as the item is validated. */
export type ReadItem = (
	this: IExecuteFunctions,
	session: RequestSession,
	itemIndex: number,
) => ItemRequest;

/** A write: the same, naming the record written to. Every item is validated before the first write. */
export type WriteItem = (
	this: IExecuteFunctions,
	session: RequestSession,
	itemIndex: number,
) => ItemWrite;

/**
 * The whole run at once (the FAQ, whose writes are grouped per account and agent): the results
 * known before any request (invalid items) and the tasks for the router to run side by side.
 */
export type RunBatch = (
	this: IExecuteFunctions,
	session: RequestSession,
	itemCount: number,
) => Promise<{ results: ItemResults; tasks: Array<ItemTask | undefined> }>;

/** What an operation module exports besides its `description`; the router runs the item loop. */
export type Operation = { read: ReadItem } | { write: WriteItem } | { batch: RunBatch };
