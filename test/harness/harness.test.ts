/**
 * The harness's one smoke test: a node run through n8n-core against the sandbox, and secretPaths
 * (which every leak check relies on) finding a key wherever it hides.
 */
import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeType } from 'n8n-workflow';

import { RingReady } from '../../nodes/RingReady/RingReady.node';
import { startSandbox } from '../sandbox';
import { executeNode, logsToText, secretPaths } from './index';

/** One authenticated GET of its Path, n8n-core's error rethrown as it is. */
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
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '' }],
	},
	async execute(this: IExecuteFunctions) {
		this.logger.info('probe ran', { items: this.getInputData().length });
		const { baseUrl } = await this.getCredentials('ringReadyApi');
		const url = `${String(baseUrl)}${this.getNodeParameter('path', 0) as string}`;
		const json = (await this.helpers.httpRequestWithAuthentication.call(this, 'ringReadyApi', {
			url,
			json: true,
		})) as IDataObject;
		return [[{ json }]];
	},
};

it('runs a node through n8n-core against the sandbox, and secretPaths finds the key wherever it is', async () => {
	const sandbox = await startSandbox({ port: 0 });
	try {
		const key = sandbox.keys.readWrite;
		const credentials = { apiKey: key, baseUrl: sandbox.url };
		const { output } = await executeNode(new RingReady(), {
			parameters: { resource: 'agent', operation: 'get', agentId: '={{ $json.id }}' },
			items: [{ json: { id: 7 } }, { json: { id: 999999 } }],
			credentials,
			continueOnFail: true,
		});
		expect(output[0].map((item) => [item.pairedItem, item.json.id ?? item.json.error])).toEqual([
			[{ item: 0 }, 7],
			[{ item: 1 }, 'Agent 999999 was not found in this RingReady account'],
		]);
		expect(sandbox.control.requests().log.map((request) => [request.path, request.status])).toEqual(
			[
				['/api/v1/agents/7', 200],
				['/api/v1/agents/999999', 404],
			],
		);

		// A fact about n8n-core worth knowing: the error httpRequestWithAuthentication throws keeps
		// the axios request config, Authorization header included. Nodes must not rethrow it as is.
		const error: unknown = await executeNode(probeNode, {
			parameters: { path: '/api/v1/agents/999999' },
			credentials,
		}).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(secretPaths(error, key)).toContain('cause.config.headers.Authorization');
		expect(secretPaths((error as Error).message, key)).toEqual([]);
		expect(logsToText()).toMatch(/info probe ran \{"items":1\}/);
		expect(logsToText()).not.toContain(key);

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
