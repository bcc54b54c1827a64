/**
 * runListSearch: a node's `methods.listSearch[method]` (a resource locator's "From List") as n8n's
 * DynamicNodeParametersService calls it: the node alone as "Temp-Node" in a Workflow, a real
 * LoadOptionsContext, additionalData.currentNodeParameters = the node's parameters.
 */
import { LoadOptionsContext } from 'n8n-core';

import { setUpNodeRun, type AnyNodeType, type TestCredentials } from './workflow';

export async function runListSearch(
	nodeType: AnyNodeType,
	method: string,
	/** filter: what the user typed in the search box; paginationToken: the previous page's. */
	opts: { credentials?: TestCredentials; filter?: string; paginationToken?: string } = {},
) {
	const { workflow, node, additionalData, version } = setUpNodeRun(nodeType, {
		parameters: {},
		credentials: opts.credentials,
		nodeName: 'Temp-Node',
		mode: 'internal',
		currentNodeParameters: true,
	});
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters');
	return await version.methods!.listSearch![method].call(
		context,
		opts.filter,
		opts.paginationToken,
	);
}
