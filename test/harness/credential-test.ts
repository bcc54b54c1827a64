/**
 * testCredential: what n8n does when the user clicks "Test" / saves a credential
 * (cli CredentialsTester.testCredentials, for a credential type with a `test` request):
 * apply the type's defaults, put `test.request` on a temporary No-Op node as a routing property,
 * run it through n8n-core's RoutingNode on a real ExecuteContext (mode 'internal') — which sends
 * it with httpRequestWithAuthentication, so the credential's `authenticate` runs — and map a
 * failure through the type's `rules` exactly as the tester does.
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

import { ensureN8nCore } from './core';
import { HarnessCredentialsHelper, registerCredentialType } from './credentials-helper';
import { logMark, logsSince, type CapturedLog } from './logs';
import { makeNodeTypes } from './workflow';
import { setUpWorkflowRun } from './context';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/** The No-Op node n8n runs a credential's test request on (n8n-nodes-base.noOp, version 1). */
const NOOP_TYPE = 'n8n-nodes-base.noOp';

interface ErrorWithCause {
	message?: unknown;
	cause?: { response?: { status?: number; statusText?: string }; code?: string };
}

/** lodash.get for a dotted path (the rule's `key`). */
function getPath(value: unknown, path: string): unknown {
	let current: unknown = value;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult & { logs: CapturedLog[] }> {
	ensureN8nCore();
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

	const noOpType: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: NOOP_TYPE,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		},
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...noOpType.description,
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
	const { workflow, additionalData } = setUpWorkflowRun({
		nodes: [node],
		nodeTypes: makeNodeTypes([nodeTypeCopy]),
		credentialsHelper,
		mode: 'internal',
	});
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
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (caught) {
		const error = caught as ErrorWithCause;
		if (error.cause?.response) {
			const statusCode = error.cause.response.status ?? 0;
			const statusMessage = error.cause.response.statusText;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return done('Error', rule.properties.message);
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return done('Error', statusMessage || `Received HTTP status code: ${statusCode}`);
			}
		} else if (error.cause?.code) {
			return done('Error', error.cause.code);
		}
		return done('Error', String(error.message));
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return done('Error', rule.properties.message);
			}
		}
	}
	return done('OK', 'Connection successful!');
}
