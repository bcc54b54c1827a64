import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TRANSCRIPT_CONCURRENCY } from '../shared/contract';
import { parseConcurrency } from '../shared/validation';
import { RequestSession } from '../transport/session';

import * as account from './account';
import * as agent from './agent';
import * as conversation from './conversation';
import * as faq from './faq';

type Operation = {
	execute: (
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		session: RequestSession,
	) => Promise<INodeExecutionData[]>;
};

const resources: Record<string, Record<string, unknown>> = { account, agent, conversation, faq };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation] as Operation | undefined;
	if (!handler || typeof handler.execute !== 'function') {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for the resource "${resource}"`,
		);
	}
	// One session for the whole run: every item's requests share its throttle, and items whose
	// credential resolves to the same data share one copy of it.
	const maxConcurrency = parseConcurrency(
		this.getNode(),
		this.getNodeParameter('options.maxConcurrency', 0, TRANSCRIPT_CONCURRENCY.default),
		0,
	);
	const session = new RequestSession(this, { maxConcurrency });
	return [await handler.execute.call(this, items, session)];
}
