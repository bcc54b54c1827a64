/**
 * A small, real ICredentialsHelper: the piece of n8n's cli package (CredentialsHelper) that
 * nodes reach through `additionalData.credentialsHelper`. It keeps the credential data in
 * memory instead of a database, and otherwise does what n8n's does:
 *
 *  - getDecrypted: the stored data with the credential type's defaults applied
 *    (NodeHelpers.getNodeParameters) and expressions in it resolved (`={{ ... }}`), like
 *    CredentialsHelper.applyDefaultsAndOverwrites.
 *  - authenticate: a function `authenticate` is called as `authenticate(credentials, requestOptions)`;
 *    a generic one has its `={{ $credentials.x }}` values resolved and merged into the request.
 *  - preAuthentication: only for types with an expirable hidden property (not ours); refreshed data
 *    is kept in memory.
 */
import { getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	isExpression,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { RingReadyApi } from '../../credentials/RingReadyApi.credentials';

/** Credential types the harness knows by name (n8n's CredentialTypes). RingReady API is built in. */
const credentialTypes = new Map<string, ICredentialType>();

export function registerCredentialType(type: ICredentialType): void {
	credentialTypes.set(type.name, type);
}

registerCredentialType(new RingReadyApi());

export function getCredentialType(name: string): ICredentialType {
	const type = credentialTypes.get(name);
	if (!type) {
		throw new UnexpectedError(
			`Harness: unknown credential type "${name}" (registerCredentialType it first)`,
		);
	}
	return type;
}

/** A node type that exists only so expression resolution has a node to run on. */
const mockNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as never,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as never,
	getKnownTypes: () => ({}),
};

const mockNode: INode = {
	id: 'harness-mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

function clone<T>(value: T): T {
	return structuredClone(value);
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** type name → stored (decrypted) data */
	private readonly store = new Map<string, ICredentialDataDecryptedObject>();

	/** Calls of getDecrypted: each is a database read and a decryption in real n8n. */
	decryptedReads = 0;

	constructor(data: Record<string, ICredentialDataDecryptedObject> = {}) {
		super();
		for (const [type, values] of Object.entries(data)) this.store.set(type, clone(values));
	}

	/** What is stored now (after any preAuthentication / updateCredentials). */
	getStored(type: string): ICredentialDataDecryptedObject | undefined {
		const data = this.store.get(type);
		return data === undefined ? undefined : clone(data);
	}

	getParentTypes(name: string): string[] {
		const parents = getCredentialType(name).extends ?? [];
		const all: string[] = [];
		for (const parent of parents) {
			all.push(parent);
			if (credentialTypes.has(parent)) all.push(...this.getParentTypes(parent));
		}
		return all;
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = credentialTypes.get(credentialType);
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some((n) => nodeType === n || nodeType.endsWith(`.${n}`));
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const credentialType = getCredentialType(typeName);
		const { authenticate } = credentialType;
		if (!authenticate) return requestOptions as IHttpRequestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}

		if (!workflow || !node) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
					const valueResolved = this.resolveValue(
						value,
						{ $credentials: credentials },
						workflow,
						node,
					);
					const target = requestOptions as unknown as Record<string, Record<string, string>>;
					if (!target[outerKey]) target[outerKey] = {};
					target[outerKey][keyResolved] = valueResolved;
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const value = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!value) return '';
		return value.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = getCredentialType(typeName);
		const expirable = credentialType.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (expirable?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] === '' || credentialsExpired || isTestingCredentials) {
			const output = (await credentialType.preAuthentication.call(
				helpers,
				credentials,
			)) as ICredentialDataDecryptedObject;
			if (output[expirable.name] === undefined) return undefined;
			if (node.credentials) {
				this.store.set(typeName, { ...(this.store.get(typeName) ?? {}), ...output });
				return Object.assign(credentials, output);
			}
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = getCredentialType(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		throw new UnexpectedError(
			`Harness: getCredentials("${type}", id ${String(nodeCredentials.id)}) needs n8n's encrypted credential store, which the harness does not have`,
		);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptedReads++;
		const stored = this.store.get(type);
		if (stored === undefined) {
			// Same wording as n8n's CredentialNotFoundError.
			throw new UnexpectedError(
				`Credential with ID "${String(nodeCredentials?.id)}" does not exist for type "${type}".`,
			);
		}
		if (raw === true) return clone(stored);
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			clone(stored),
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Type defaults filled in, then expressions resolved: what a node receives from getCredentials(). */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			properties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				if (e instanceof Error) e.message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				mockNode,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, clone(data));
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, {
			...(this.store.get(type) ?? {}),
			oauthTokenData: clone(data.oauthTokenData),
		});
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = getCredentialType(type);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
