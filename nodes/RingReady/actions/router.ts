import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TRANSCRIPT_CONCURRENCY } from '../shared/contract';
import { executionData, readEach, writeEach, type ItemResults } from '../shared/items';
import { parseConcurrency } from '../shared/validation';
import { RequestSession, type SessionOptions } from '../transport';

import * as account from './account';
import * as agent from './agent';
import * as conversation from './conversation';
import * as faq from './faq';
import type { RingReadyType } from './node.type';
import type { Operation } from './operation';

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

/** Runs the chosen operation over the input items with `session`, and builds the node's output. */
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
		results = await operation.batch.call(this, session, itemCount);
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
