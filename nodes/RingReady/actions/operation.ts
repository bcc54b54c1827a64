import type { IExecuteFunctions } from 'n8n-workflow';

import type { ItemRequest, ItemResults, ItemWrite } from '../shared/items';
import type { RequestSession } from '../transport';

/**
 * What an operation module exports besides its `description`; the router runs the item loop.
 * - `read`: what to do for one item. Its request starts as soon as the item is validated.
 * - `write`: the same, naming the record written to; every item is validated before the first write.
 * - `batch`: the whole run at once (the FAQ, whose writes are grouped per account and agent).
 */
export type Operation =
	| {
			mode: 'read';
			prepare: (this: IExecuteFunctions, session: RequestSession, itemIndex: number) => ItemRequest;
	  }
	| {
			mode: 'write';
			prepare: (this: IExecuteFunctions, session: RequestSession, itemIndex: number) => ItemWrite;
	  }
	| {
			mode: 'batch';
			execute: (
				this: IExecuteFunctions,
				session: RequestSession,
				itemCount: number,
			) => Promise<ItemResults>;
	  };
