/**
 * The harness's one smoke test: a tiny node run through n8n-core against the sandbox, and
 * secretPaths (which every leak check relies on) finding a key wherever it hides.
 */
import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { startSandbox } from '../sandbox';
import { executeNode, logsToText, secretPaths } from './index';

/** One authenticated GET per item to its Path, its errors rethrown as n8n-core throws them. */
const probeNode: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Harness probe',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/api/v1/whoami' }],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials('ringReadyApi');
		this.logger.info('probe ran', { items: items.length });
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'ringReadyApi',
					{
						method: 'GET',
						baseURL: String(credentials.baseUrl),
						url: this.getNodeParameter('path', i) as string,
						json: true,
					},
				)) as IDataObject;
				out.push({ json: response, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	},
};

it('runs a node through n8n-core against the sandbox, and secretPaths finds the key wherever it is', async () => {
	const sandbox = await startSandbox({ port: 0 });
	try {
		const key = sandbox.keys.readWrite;
		const credentials = { apiKey: key, baseUrl: sandbox.url };
		const { output, logs } = await executeNode(probeNode, {
			parameters: { path: '={{ $json.path }}' },
			items: [{ json: { path: '/api/v1/whoami' } }, { json: { path: '/api/v1/agents/999999' } }],
			credentials,
			continueOnFail: true,
		});
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0][0].json.user_id).toBe(142);
		expect(typeof output[0][1].json.error).toBe('string');
		expect(sandbox.control.requests().log.map((request) => [request.path, request.status])).toEqual(
			[
				['/api/v1/whoami', 200],
				['/api/v1/agents/999999', 404],
			],
		);
		expect(logs).toContainEqual(
			expect.objectContaining({ level: 'info', message: 'probe ran', metadata: { items: 2 } }),
		);
		expect(logsToText()).not.toContain(key);

		// A fact about n8n-core worth knowing: the error httpRequestWithAuthentication throws keeps
		// the axios request config, Authorization header included. Nodes must not rethrow it as is.
		const error: unknown = await executeNode(probeNode, {
			parameters: { path: '/api/v1/agents/999999' },
			credentials,
		}).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(secretPaths(error, key)).toContain('cause.config.headers.Authorization');
		expect(secretPaths((error as Error).message, key)).toEqual([]);

		const outer = new Error('outer');
		Object.defineProperty(outer, 'cause', { value: new Error(`key ${key}`), enumerable: false });
		const hidden: Record<string, unknown> = {
			a: [1, { b: key }],
			m: new Map([['k', `x${key}x`]]),
			s: new Set([key]),
			buf: Buffer.from(key),
			outer,
			safe: 'nothing here',
		};
		hidden.self = hidden;
		expect(secretPaths(hidden, key).sort()).toEqual(
			['a.1.b', 'buf', 'm.get(k)', 'outer.cause.message', 'outer.cause.stack', 's<set 0>'].sort(),
		);
	} finally {
		await sandbox.close();
	}
});
