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
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
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
const mockNodeType = () => ({ description: { properties: [] } }) as never;

const notInHarness = (what: string) => async () => {
	throw new UnexpectedError(`Harness: ${what} is not available`);
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

	getParentTypes = () => [];
	isCredentialUsableByNode = () => true;
	preAuthentication = async () => undefined;
	runPreAuthentication = async () => undefined;
	getCredentials = notInHarness("getCredentials (n8n's encrypted store)");
	updateCredentials = notInHarness('updateCredentials');
	updateCredentialsOauthTokenData = notInHarness('OAuth');
	getCredentialsProperties = (type: string) => credentialType(type).properties;

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialType(typeName);
		if (typeof authenticate !== 'function') return requestOptions;
		return await authenticate(credentials, requestOptions);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		_raw?: boolean,
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
		)!;
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (!resolve) {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: {
					getByName: mockNodeType,
					getByNameAndVersion: mockNodeType,
					getKnownTypes: () => ({}),
				},
			});
			return workflow.expression.getComplexParameterValue(
				mockNode,
				data,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		try {
			return resolve.workflow.expression.getParameterValue(
				data,
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
}
