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
	/** Path of the parameter being edited, e.g. 'parameters.agentId' (getCurrentNodeParameter('&x') is relative to it). */
	path?: string;
	typeVersion?: number;
}

export async function runListSearch(
	nodeType: AnyNodeType,
	method: string,
	opts: RunListSearchOptions = {},
): Promise<INodeListSearchResult> {
	// The editor sends the node's parameters along, with their defaults filled in.
	const { workflow, node, additionalData, version } = setUpNodeRun(nodeType, {
		parameters: opts.parameters ?? {},
		credentials: opts.credentials,
		nodeName: 'Temp-Node',
		typeVersion: opts.typeVersion,
		mode: 'internal',
		currentNodeParameters: true,
	});
	const fn = version.methods?.listSearch?.[method];
	if (typeof fn !== 'function') {
		throw new Error(`Harness: node type has no listSearch method "${method}"`);
	}
	const context = new LoadOptionsContext(workflow, node, additionalData, opts.path ?? 'parameters');
	return await fn.call(context, opts.filter, opts.paginationToken);
}
