/**
 * runListSearch: call a node's `methods.listSearch[method]` (a resource locator's "From List")
 * the way n8n's DynamicNodeParametersService does: a Workflow holding the node as "Temp-Node",
 * a real LoadOptionsContext, additionalData.currentNodeParameters = the node's parameters.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult, INodeParameters } from 'n8n-workflow';

import { setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export interface RunListSearchOptions {
	credentials?: TestCredentials;
	/** What the user typed in the list's search box. */
	filter?: string;
	/** The previous page's `paginationToken`. */
	paginationToken?: string;
	/** The node's current parameters (what the editor sends along). */
	parameters?: INodeParameters;
}

export async function runListSearch(
	nodeType: AnyNodeType,
	method: string,
	opts: RunListSearchOptions = {},
): Promise<INodeListSearchResult> {
	const { workflow, node, additionalData, version } = setUpNodeRun(nodeType, {
		parameters: opts.parameters ?? {},
		credentials: opts.credentials,
		nodeName: 'Temp-Node',
		mode: 'internal',
		currentNodeParameters: true,
	});
	const fn = version.methods?.listSearch?.[method];
	if (typeof fn !== 'function') {
		throw new Error(`Harness: node type has no listSearch method "${method}"`);
	}
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters');
	return await fn.call(context, opts.filter, opts.paginationToken);
}
