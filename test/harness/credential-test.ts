/**
 * testCredential: the cli's CredentialsTester.testCredentials ("Test" / save a credential): the
 * type's defaults applied, `test.request` run by n8n-core's RoutingNode on a No-Op node (mode
 * 'internal', through httpRequestWithAuthentication, so `authenticate` runs), failures mapped
 * through the type's `rules` as the tester does.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { HarnessCredentialsHelper, registerCredentialType } from './credentials-helper';
import { logMark, logsSince } from './logs';
import { ensureN8nCore } from './core';
import { makeAdditionalData, makeNodeTypes, makeWorkflow } from './workflow';

/** lodash.get for a dotted path (the rule's `key`). */
const get = (value: unknown, path: string): unknown =>
	path.split('.').reduce<any>((current, part) => current?.[part], value);

type ErrorWithCause = {
	message?: unknown;
	cause?: { response?: { status?: number; statusText?: string }; code?: string };
};

export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
) {
	const mark = logMark();
	const done = (status: 'OK' | 'Error', message: string) => ({
		status,
		message,
		logs: logsSince(mark),
	});
	registerCredentialType(credentialType);
	const { name: type, test } = credentialType;
	if (!test) return done('Error', 'No testing function found for this credential.');

	// n8n's No-Op node (n8n-nodes-base.noOp, version 1) with the test request as a routing property.
	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: 'n8n-nodes-base.noOp',
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const credentials = { id: `harness-${type}`, name: `${type} (harness)` };
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: testNodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [type]: credentials },
	};
	ensureN8nCore();
	const credentialsHelper = new HarnessCredentialsHelper({ [type]: data });
	const workflow = makeWorkflow({ nodes: [node], nodeTypes: makeNodeTypes([testNodeType]) });
	const additionalData = makeAdditionalData({ credentialsHelper, mode: 'internal', workflow });
	const workflowNode = workflow.nodes[node.name];

	let withDefaults: ICredentialDataDecryptedObject;
	try {
		withDefaults = await credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			structuredClone(data),
			type,
			'internal',
		);
	} catch (error) {
		return done('Error', String((error as Error).message));
	}

	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node: workflowNode, data: {}, source: null },
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, {
		...credentials,
		type,
		data: withDefaults,
	});

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const { cause, message } = caught as ErrorWithCause;
		if (cause?.response) {
			const statusCode = cause.response.status ?? 0;
			const rule = test.rules?.find(
				(r) => r.type === 'responseCode' && r.properties.value === statusCode,
			);
			if (rule) return done('Error', rule.properties.message);
			if (statusCode < 199 || statusCode > 299)
				return done(
					'Error',
					cause.response.statusText || `Received HTTP status code: ${statusCode}`,
				);
		} else if (cause?.code) return done('Error', cause.code);
		return done('Error', String(message));
	}

	const json = response?.[0]?.[0]?.json;
	for (const rule of test.rules ?? [])
		if (
			rule.type === 'responseSuccessBody' &&
			get(json, rule.properties.key) === rule.properties.value
		)
			return done('Error', rule.properties.message);
	return done('OK', 'Connection successful!');
}
