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
	ICredentialsDecrypted,
	ICredentialType,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { HarnessCredentialsHelper, registerCredentialType } from './credentials-helper';
import { logMark, logsSince, type CapturedLog } from './logs';
import { ensureN8nCore } from './core';
import { makeAdditionalData, makeNodeTypes, makeWorkflow } from './workflow';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

const NOOP_TYPE = 'n8n-nodes-base.noOp';

type ErrorWithCause = {
	message?: unknown;
	cause?: { response?: { status?: number; statusText?: string }; code?: string };
};

/** lodash.get for a dotted path (the rule's `key`). */
const getPath = (value: unknown, path: string): unknown =>
	path.split('.').reduce<any>((current, part) => current?.[part], value);

export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult & { logs: CapturedLog[] }> {
	const mark = logMark();
	const done = (status: 'OK' | 'Error', message: string) => ({
		status,
		message,
		logs: logsSince(mark),
	});

	registerCredentialType(credentialType);
	const type = credentialType.name;
	if (!credentialType.test) return done('Error', 'No testing function found for this credential.');
	const testRequest = credentialType.test;

	const credentialsHelper = new HarnessCredentialsHelper({ [type]: data });
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: `harness-${type}`,
		name: `${type} (harness)`,
		type,
		data: structuredClone(data),
	};

	// n8n's No-Op node (n8n-nodes-base.noOp, version 1) with the test request as a routing property.
	const testNodeType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: NOOP_TYPE,
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
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: NOOP_TYPE,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	ensureN8nCore();
	const workflow = makeWorkflow({ nodes: [node], nodeTypes: makeNodeTypes([testNodeType]) });
	const additionalData = makeAdditionalData({ credentialsHelper, mode: 'internal', workflow });
	const workflowNode = workflow.nodes[node.name];

	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			credentialsDecrypted.data ?? {},
			type,
			'internal',
		);
	} catch (error) {
		return done('Error', String((error as Error).message));
	}

	const executeData: IExecuteData = { node: workflowNode, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		workflowNode,
		additionalData,
		'internal',
		createRunExecutionData({ resultData: { runData: {} } }),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const { cause, message } = caught as ErrorWithCause;
		if (cause?.response) {
			const statusCode = cause.response.status ?? 0;
			const rule = testRequest.rules?.find(
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
	for (const rule of testRequest.rules ?? [])
		if (
			rule.type === 'responseSuccessBody' &&
			getPath(json, rule.properties.key) === rule.properties.value
		)
			return done('Error', rule.properties.message);
	return done('OK', 'Connection successful!');
}
