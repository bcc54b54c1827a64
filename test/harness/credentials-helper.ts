/**
 * A small, real ICredentialsHelper (the cli's CredentialsHelper, the piece nodes reach through
 * `additionalData.credentialsHelper`): credential data kept in memory instead of a database;
 * getDecrypted applies the type's defaults and resolves expressions in it
 * (applyDefaultsAndOverwrites), authenticate calls the type's `authenticate` function.
 * Only what the RingReady API credential uses: no declarative authenticate, no preAuthentication,
 * no OAuth, no `extends`.
 */
import { getAdditionalKeys } from 'n8n-core';
import { ICredentialsHelper, NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { RingReadyApi } from '../../credentials/RingReadyApi.credentials';

const credentialTypes = new Map<string, ICredentialType>();

export function registerCredentialType(type: ICredentialType): void {
	credentialTypes.set(type.name, type);
}
registerCredentialType(new RingReadyApi());

function credentialType(name: string): ICredentialType {
	const type = credentialTypes.get(name);
	if (!type) throw new UnexpectedError(`Harness: unknown credential type "${name}"`);
	return type;
}

/** A node for expression resolution outside a workflow (as the cli's CredentialsHelper does). */
const mockNode: INode = {
	id: 'harness-mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};
const mockNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as never,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as never,
	getKnownTypes: () => ({}),
};

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly store = new Map<string, ICredentialDataDecryptedObject>();

	/** Calls of getDecrypted: each is a database read and a decryption in real n8n. */
	decryptedReads = 0;

	constructor(data: Record<string, ICredentialDataDecryptedObject> = {}) {
		super();
		for (const [type, values] of Object.entries(data))
			this.store.set(type, structuredClone(values));
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialType(typeName);
		if (typeof authenticate !== 'function') return requestOptions as IHttpRequestOptions;
		return await authenticate(credentials, requestOptions as IHttpRequestOptions);
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(_: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new UnexpectedError(`Harness: getCredentials("${type}") needs n8n's encrypted store`);
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
		if (raw === true) return structuredClone(stored);
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			structuredClone(stored),
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Type defaults filled in, then expressions resolved: what a node receives from getCredentials(). */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		stored: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		resolve?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const properties = this.getCredentialsProperties(type);
		const data = NodeHelpers.getNodeParameters(
			properties,
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (!resolve) {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			return workflow.expression.getComplexParameterValue(
				mockNode,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		try {
			return resolve.workflow.expression.getParameterValue(
				data as INodeParameters,
				resolve.runExecutionData,
				resolve.runIndex,
				resolve.itemIndex,
				resolve.node.name,
				resolve.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		} catch (e) {
			if (e instanceof Error) e.message += ' [Error resolving credentials]';
			throw e;
		}
	}

	async updateCredentials(
		_: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new UnexpectedError('Harness: no OAuth credentials');
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}
