/**
 * runListSearch: call a node's `methods.listSearch[method]` (a resource locator's "From List")
 * the way n8n's DynamicNodeParametersService does: a Workflow holding the node as "Temp-Node",
 * a real LoadOptionsContext, additionalData.currentNodeParameters = the node's parameters.
 */
import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INodeListSearchResult,
	INodeParameters,
} from 'n8n-workflow';

import { ensureN8nCore } from './core';
import { HarnessCredentialsHelper } from './credentials-helper';
import {
	credentialStore,
	makeAdditionalData,
	makeNode,
	makeNodeTypes,
	makeWorkflow,
	nodeCredentialsFor,
	resolveVersion,
	type AnyNodeType,
	type TestCredentials,
} from './workflow';

export interface RunListSearchOptions {
	credentials?: TestCredentials;
	credentialData?: Record<string, ICredentialDataDecryptedObject>;
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
	ensureN8nCore();
	const store = credentialStore(opts.credentials, opts.credentialData);
	const credentialsHelper = new HarnessCredentialsHelper(store);
	const node = makeNode(nodeType, {
		name: 'Temp-Node',
		typeVersion: opts.typeVersion,
		parameters: opts.parameters ?? {},
		credentials: nodeCredentialsFor(store),
	});
	const workflow = makeWorkflow({ nodes: [node], nodeTypes: makeNodeTypes([nodeType]) });
	const workflowNode = workflow.nodes[node.name];
	const version = resolveVersion(nodeType, workflowNode.typeVersion);
	const fn = version.methods?.listSearch?.[method];
	if (typeof fn !== 'function') {
		throw new Error(`Harness: node type has no listSearch method "${method}"`);
	}
	const additionalData = makeAdditionalData({
		credentialsHelper,
		mode: 'internal',
		workflow,
		// The editor sends the node's parameters with their defaults filled in.
		currentNodeParameters: workflowNode.parameters,
	});
	const context = new LoadOptionsContext(
		workflow,
		workflowNode,
		additionalData,
		opts.path ?? 'parameters',
	);
	return await fn.call(context, opts.filter, opts.paginationToken);
}
