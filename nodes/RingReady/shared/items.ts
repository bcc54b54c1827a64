import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

export function toItems(data: IDataObject | IDataObject[], itemIndex: number): INodeExecutionData[] {
	return (Array.isArray(data) ? data : [data]).map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

/** Reads and validates one item's parameters, and returns the request(s) to make for it. */
export type PrepareItem = (itemIndex: number) => () => Promise<IDataObject | IDataObject[]>;

/**
 * Two passes over the input: first every item's parameters are read and validated, then the
 * requests run one item at a time. So bad input in any item stops the node before anything is
 * sent. With Continue On Fail a failing item becomes an error item and the others still run.
 */
export async function mapItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
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
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const request = requests[itemIndex];
		if (!request) continue;
		try {
			outputs[itemIndex] = toItems(await request(), itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndex);
			outputs[itemIndex] = [errorItem(error, itemIndex)];
		}
	}
	return outputs.flat();
}
