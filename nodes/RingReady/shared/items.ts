import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/** Reads and validates one item's parameters, and returns the request(s) to make for it. */
export type PrepareItem = (itemIndex: number) => () => Promise<IDataObject | IDataObject[]>;

/**
 * Two passes over the input: first every item's parameters are read and validated, so bad input in
 * any item stops the node before anything is sent. Then all items run side by side, their requests
 * bounded together by the run's throttle (Max Concurrency). Output keeps the input order. With
 * Continue On Fail a failing item becomes an error item and the others still run; without it, a
 * failure stops the run (requests not yet started are not sent) and the earliest failed item's error
 * is thrown.
 */
export async function mapItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	session: RequestSession,
	prepare: PrepareItem,
): Promise<INodeExecutionData[]> {
	const outputs: INodeExecutionData[][] = [];
	const requests: Array<(() => Promise<IDataObject | IDataObject[]>) | undefined> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			requests[itemIndex] = prepare(itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			outputs[itemIndex] = [errorItem(error, itemIndex)];
		}
	}
	await runSideBySide.call(
		this,
		session,
		requests.map((request, itemIndex) =>
			request
				? { itemIndex, run: async () => (outputs[itemIndex] = toItems(await request(), itemIndex)) }
				: undefined,
		),
		(error, itemIndexes) => {
			for (const itemIndex of itemIndexes) outputs[itemIndex] = [errorItem(error, itemIndex)];
		},
	);
	return outputs.flat();
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
	const failures: Array<{ itemIndex: number; error: unknown }> = [];
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
	if (failures.length > 0) {
		const first = failures.reduce((a, b) => (b.itemIndex < a.itemIndex ? b : a));
		throw asNodeError.call(this, first.error, first.itemIndex);
	}
}
