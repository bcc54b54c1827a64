import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemRequest, ItemResults, ItemWrite } from '../shared/items';
import type { RequestSession } from '../transport';

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

/** The whole run at once (the FAQ, whose writes are grouped per account and agent). */
export type RunBatch = (
	this: IExecuteFunctions,
	session: RequestSession,
	itemCount: number,
) => Promise<ItemResults>;

/** What an operation module exports besides its `description`; the router runs the item loop. */
export type Operation = { read: ReadItem } | { write: WriteItem } | { batch: RunBatch };
