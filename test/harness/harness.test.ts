/**
 * Self-tests for the harness: tiny inline nodes talking to a tiny local HTTP server prove that
 * the harness really runs n8n-core's contexts (credential authenticate applied, expressions per
 * item, parameter defaults, continueOnFail, poll modes and static data, list search, the
 * credential tester's rules) and captures n8n's logs.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	IPollFunctions,
} from 'n8n-workflow';

import { RingReadyApi } from '../../credentials/RingReadyApi.credentials';
import {
	StaticDataNotJsonError,
	executeNode,
	getLogs,
	logsToText,
	runListSearch,
	runPoll,
	secretPaths,
	testCredential,
} from './index';

// ---------------------------------------------------------------- tiny server

interface Seen {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
}

const API_KEY = 'rr_live_harness_0123456789abcdef';
let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.headers.authorization !== `Bearer ${API_KEY}`) {
			return send(401, { detail: 'Invalid or revoked API key' });
		}
		if (url.pathname === '/api/v1/whoami') return send(200, { user_id: 1, scopes: ['read'] });
		if (url.pathname === '/echo') return send(200, { q: Object.fromEntries(url.searchParams) });
		if (url.pathname === '/fail') return send(500, { detail: 'boom' });
		if (url.pathname === '/agents') {
			const all = ['Ava', 'Bob', 'Cleo', 'Dan'];
			const filter = (url.searchParams.get('filter') ?? '').toLowerCase();
			const start = Number(url.searchParams.get('cursor') ?? '0');
			const hits = all.filter((n) => n.toLowerCase().includes(filter));
			return send(200, {
				names: hits.slice(start, start + 2),
				next: start + 2 < hits.length ? start + 2 : null,
			});
		}
		return send(404, { detail: 'not found' });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

// ---------------------------------------------------------------- inline nodes

/** An action node: one authenticated GET per item to `path` with `?v=<value>`. */
const probeNode: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: [1, 2],
		description: 'Harness probe',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{ displayName: 'Value', name: 'value', type: 'string', default: 'default-value' },
			{
				displayName: 'Agent',
				name: 'agent',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						typeOptions: { searchListMethod: 'searchAgents' },
					},
					{ displayName: 'By ID', name: 'id', type: 'string' },
				],
			},
		],
	},
	methods: {
		listSearch: {
			async searchAgents(
				this: ILoadOptionsFunctions,
				filter?: string,
				paginationToken?: string,
			): Promise<INodeListSearchResult> {
				const credentials = await this.getCredentials('ringReadyApi');
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'ringReadyApi',
					{
						method: 'GET',
						baseURL: String(credentials.baseUrl),
						url: '/agents',
						qs: { filter: filter ?? '', cursor: paginationToken ?? '0' },
						json: true,
					},
				)) as { names: string[]; next: number | null };
				return {
					results: response.names.map((name) => ({
						name: `${name} (${String(this.getCurrentNodeParameter('value'))})`,
						value: name,
					})),
					paginationToken: response.next === null ? undefined : String(response.next),
				};
			},
		},
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const credentials = await this.getCredentials('ringReadyApi');
		this.logger.info('probe ran', { items: items.length });
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const value = this.getNodeParameter('value', i) as string;
				const agent = this.getNodeParameter('agent', i, '', { extractValue: true }) as string;
				const request: IHttpRequestOptions = {
					method: 'GET',
					baseURL: String(credentials.baseUrl),
					url: this.getNodeParameter('path', i) as string,
					qs: { v: value },
					json: true,
				};
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'ringReadyApi',
					request,
				)) as IDataObject;
				out.push({
					json: { ...response, agent, mode: this.getMode(), version: this.getNode().typeVersion },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	},
};

/** A node that throws as a whole (no per-item handling). */
const throwingNode: INodeType = {
	description: {
		displayName: 'Thrower',
		name: 'thrower',
		group: ['transform'],
		version: 1,
		description: 'Throws',
		defaults: { name: 'Thrower' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'always fails');
	},
};

/** A polling trigger: counts polls in static data (trigger mode only), reports its mode. */
const counterTrigger: INodeType = {
	description: {
		displayName: 'Counter Trigger',
		name: 'counterTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Counts polls',
		defaults: { name: 'Counter Trigger' },
		polling: true,
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'ringReadyApi', required: true }],
		properties: [
			{ displayName: 'Emit Every', name: 'every', type: 'number', default: 1 },
			{ displayName: 'Store Date', name: 'storeDate', type: 'boolean', default: false },
			{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
		],
	},
	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		const mode = this.getMode();
		const count = ((state.count as number | undefined) ?? 0) + 1;
		if (this.getNodeParameter('fail') as boolean) {
			state.count = count; // a buggy node that moves its state before failing
			throw new NodeOperationError(this.getNode(), 'poll failed');
		}
		if (mode !== 'manual') {
			state.count = count;
			state.history = [...((state.history as number[] | undefined) ?? []), count];
			if (this.getNodeParameter('storeDate') as boolean)
				state.when = new Date(0) as unknown as string;
		}
		const credentials = await this.getCredentials('ringReadyApi');
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'ringReadyApi', {
			method: 'GET',
			baseURL: String(credentials.baseUrl),
			url: '/echo',
			qs: { count: String(count) },
			json: true,
		})) as IDataObject;
		const every = this.getNodeParameter('every') as number;
		if (count % every !== 0) return null;
		const pollTimes = this.getNodeParameter('pollTimes') as IDataObject;
		return [[{ json: { mode, count, activation: this.getActivationMode(), pollTimes, response } }]];
	},
};

const creds = () => ({ apiKey: API_KEY, baseUrl });

// ---------------------------------------------------------------- executeNode

describe('executeNode', () => {
	it('applies the credential authenticate (Bearer key) to httpRequestWithAuthentication', async () => {
		const { output } = await executeNode(probeNode, { parameters: {}, credentials: creds() });
		expect(seen).toHaveLength(1);
		expect(seen[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(seen[0].url).toBe('/echo?v=default-value');
		expect(output[0][0].json).toMatchObject({
			q: { v: 'default-value' },
			mode: 'manual',
			version: 2,
		});
	});

	it('resolves expressions per item, incl. $json, $("Start") and resource locators', async () => {
		const { output } = await executeNode(probeNode, {
			parameters: {
				value: '={{ $json.name }}-{{ $("Start").item.json.n * 2 }}',
				agent: { __rl: true, mode: 'id', value: '={{ $json.agent }}' },
			},
			items: [
				{ json: { name: 'ann', n: 1, agent: 7 } },
				{ json: { name: 'ben', n: 2, agent: 8 } },
				{ json: { name: 'cat', n: 3, agent: 9 } },
			],
			credentials: creds(),
			typeVersion: 1,
		});
		expect(seen.map((s) => s.url)).toEqual(['/echo?v=ann-2', '/echo?v=ben-4', '/echo?v=cat-6']);
		expect(output[0].map((i) => i.json.agent)).toEqual([7, 8, 9]);
		expect(output[0].map((i) => i.json.version)).toEqual([1, 1, 1]);
		expect(output[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('continueOnFail turns a failing item into an error item and keeps the others', async () => {
		const { output, error } = await executeNode(probeNode, {
			parameters: { path: '={{ $json.path }}' },
			items: [
				{ json: { path: '/echo' } },
				{ json: { path: '/fail' } },
				{ json: { path: '/echo' } },
			],
			credentials: creds(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(output[0]).toHaveLength(3);
		expect(output[0][0].json.q).toEqual({ v: 'default-value' });
		expect(typeof output[0][1].json.error).toBe('string');
		expect(output[0][2].json.q).toEqual({ v: 'default-value' });
	});

	it('without continueOnFail the node error is thrown (NodeApiError for an HTTP 500)', async () => {
		const run = executeNode(probeNode, {
			parameters: { path: '/fail' },
			credentials: creds(),
		});
		await expect(run).rejects.toBeInstanceOf(NodeApiError);
	});

	it('a wrong key reaches the server as sent and fails with 401 (NodeApiError)', async () => {
		const run = executeNode(probeNode, {
			parameters: {},
			credentials: { apiKey: 'rr_live_wrong', baseUrl },
		});
		await expect(run).rejects.toMatchObject({ httpCode: '401' });
		expect(seen[0].headers.authorization).toBe('Bearer rr_live_wrong');
	});

	it('the credential refuses a non-HTTPS remote base URL before any request', async () => {
		const run = executeNode(probeNode, {
			parameters: {},
			credentials: { apiKey: API_KEY, baseUrl: 'http://example.com' },
		});
		await expect(run).rejects.toThrow(/must start with https:\/\//);
		expect(seen).toHaveLength(0);
	});

	it('a node without a credential set fails like n8n does', async () => {
		await expect(executeNode(probeNode, { parameters: {} })).rejects.toThrow(
			/does not have any credentials set/,
		);
	});

	it('a whole-node throw with continueOnFail passes the input through and reports the error', async () => {
		const items = [{ json: { a: 1 } }];
		const { output, error } = await executeNode(throwingNode, {
			parameters: {},
			items,
			continueOnFail: true,
		});
		expect(error?.message).toBe('always fails');
		expect(output[0][0].json).toEqual({ a: 1 });
		await expect(executeNode(throwingNode, { parameters: {}, items })).rejects.toBeInstanceOf(
			NodeOperationError,
		);
	});

	it("secretPaths finds the key in n8n-core's own NodeApiError (cause.config.headers)", async () => {
		// A fact about n8n-core worth knowing: the error httpRequestWithAuthentication throws keeps
		// the axios request config, Authorization header included. Nodes must not rethrow it as is.
		const error: unknown = await executeNode(probeNode, {
			parameters: { path: '/fail' },
			credentials: creds(),
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(secretPaths(error, API_KEY)).toContain('cause.config.headers.Authorization');
		expect(secretPaths((error as Error).message, API_KEY)).toEqual([]);
	});

	it('secretPaths walks non-enumerable props, nested errors, maps, sets and buffers', () => {
		const inner = new Error(`key ${API_KEY}`);
		const outer = new Error('outer');
		Object.defineProperty(outer, 'cause', { value: inner, enumerable: false });
		const value = {
			a: [1, { b: API_KEY }],
			m: new Map([['k', `x${API_KEY}x`]]),
			s: new Set([API_KEY]),
			buf: Buffer.from(API_KEY),
			outer,
			safe: 'nothing here',
		};
		(value as Record<string, unknown>).self = value;
		expect(secretPaths(value, API_KEY).sort()).toEqual(
			['a.1.b', 'buf', 'm.get(k)', 'outer.cause.message', 'outer.cause.stack', 's<set 0>'].sort(),
		);
		expect(secretPaths({ safe: 'x' }, API_KEY)).toEqual([]);
	});

	it('captures what n8n logs, and the key is not in it', async () => {
		const { logs } = await executeNode(probeNode, { parameters: {}, credentials: creds() });
		expect(logs).toContainEqual(
			expect.objectContaining({ level: 'info', message: 'probe ran', metadata: { items: 1 } }),
		);
		expect(logsToText(getLogs())).not.toContain(API_KEY);
	});
});

// ---------------------------------------------------------------- runPoll

describe('runPoll', () => {
	it('persists static data between polls (the caller object is updated in place)', async () => {
		const staticData: IDataObject = {};
		const first = await runPoll(counterTrigger, {
			parameters: {},
			credentials: creds(),
			staticData,
		});
		expect(first.persistedByN8n).toBe(true);
		expect(first.items?.[0][0].json).toMatchObject({
			mode: 'trigger',
			count: 1,
			activation: 'activate',
		});
		// n8n's loader adds "Poll Times" to polling nodes; the workflow fills in its default.
		expect(first.items?.[0][0].json.pollTimes).toEqual({ item: [{ mode: 'everyMinute' }] });
		expect(staticData).toEqual({ count: 1, history: [1] });
		expect(first.staticData).toBe(staticData);

		const second = await runPoll(counterTrigger, {
			parameters: {},
			credentials: creds(),
			staticData,
		});
		expect(second.items?.[0][0].json).toMatchObject({ count: 2 });
		expect(staticData).toEqual({ count: 2, history: [1, 2] });
		expect(seen.map((s) => s.headers.authorization)).toEqual([
			`Bearer ${API_KEY}`,
			`Bearer ${API_KEY}`,
		]);
	});

	it('returns null when the poll has nothing new', async () => {
		const staticData: IDataObject = {};
		const first = await runPoll(counterTrigger, {
			parameters: { every: 2 },
			credentials: creds(),
			staticData,
		});
		expect(first.items).toBeNull();
		expect(first.persistedByN8n).toBe(false);
		const second = await runPoll(counterTrigger, {
			parameters: { every: 2 },
			credentials: creds(),
			staticData,
		});
		expect(second.items?.[0]).toHaveLength(1);
		expect(second.persistedByN8n).toBe(true);
	});

	it('manual mode is seen by the node and (this node) leaves the state alone', async () => {
		const staticData: IDataObject = { count: 5, history: [5] };
		const { items } = await runPoll(counterTrigger, {
			parameters: {},
			credentials: creds(),
			staticData,
			mode: 'manual',
		});
		expect(items?.[0][0].json).toMatchObject({ mode: 'manual', count: 6, activation: 'manual' });
		expect(staticData).toEqual({ count: 5, history: [5] });
	});

	it('a poll that throws still writes back what the node changed (so tests can catch it)', async () => {
		const staticData: IDataObject = { count: 1 };
		await expect(
			runPoll(counterTrigger, { parameters: { fail: true }, credentials: creds(), staticData }),
		).rejects.toThrow('poll failed');
		expect(staticData).toEqual({ count: 2 });
	});

	it('refuses static data n8n could not store as JSON', async () => {
		await expect(
			runPoll(counterTrigger, {
				parameters: { storeDate: true },
				credentials: creds(),
				staticData: {},
			}),
		).rejects.toBeInstanceOf(StaticDataNotJsonError);
	});
});

// ---------------------------------------------------------------- runListSearch

describe('runListSearch', () => {
	it('runs the method with the credential, filter, pagination token and current parameters', async () => {
		const page1 = await runListSearch(probeNode, 'searchAgents', {
			credentials: creds(),
			parameters: { value: 'v1' },
		});
		expect(page1.results.map((r) => r.value)).toEqual(['Ava', 'Bob']);
		expect(page1.results[0].name).toBe('Ava (v1)');
		expect(page1.paginationToken).toBe('2');

		const page2 = await runListSearch(probeNode, 'searchAgents', {
			credentials: creds(),
			paginationToken: page1.paginationToken,
		});
		expect(page2.results.map((r) => r.value)).toEqual(['Cleo', 'Dan']);
		expect(page2.results[0].name).toBe('Cleo (default-value)');
		expect(page2.paginationToken).toBeUndefined();

		const filtered = await runListSearch(probeNode, 'searchAgents', {
			credentials: creds(),
			filter: 'o',
		});
		expect(filtered.results.map((r) => r.value)).toEqual(['Bob', 'Cleo']);
		expect(seen.every((s) => s.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
	});
});

// ---------------------------------------------------------------- testCredential

describe('testCredential', () => {
	it('runs the credential test request through RoutingNode and applies its rules', async () => {
		const credential = new RingReadyApi();
		const ok = await testCredential(credential, { apiKey: API_KEY, baseUrl });
		expect(ok).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(seen.map((s) => s.url)).toEqual(['/api/v1/whoami']);

		const bad = await testCredential(credential, { apiKey: 'rr_live_nope', baseUrl });
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/invalid or has been revoked/);
	});

	it('reports a type without a test like n8n does', async () => {
		const noTest: ICredentialType = {
			name: 'harnessNoTest',
			displayName: 'No test',
			properties: [],
		};
		expect(await testCredential(noTest, {})).toMatchObject({
			status: 'Error',
			message: 'No testing function found for this credential.',
		});
	});

	it('maps a status without a rule to the status text, and responseSuccessBody rules', async () => {
		const credential: ICredentialType = {
			name: 'harnessRules',
			displayName: 'Rules',
			properties: [
				{ displayName: 'Base', name: 'base', type: 'string', default: '' },
				{ displayName: 'Path', name: 'path', type: 'string', default: '' },
			],
			authenticate: {
				type: 'generic',
				properties: { headers: { Authorization: `=Bearer ${API_KEY}` } },
			},
			test: {
				request: { baseURL: '={{ $credentials.base }}', url: '={{ $credentials.path }}' },
				rules: [
					{
						type: 'responseSuccessBody',
						properties: { key: 'q.v', value: 'bad', message: 'body says bad' },
					},
				],
			},
		};
		const withStatus = await testCredential(credential, { base: baseUrl, path: '/fail' });
		expect(withStatus).toMatchObject({ status: 'Error', message: 'Internal Server Error' });
		const bodyRule = await testCredential(credential, { base: baseUrl, path: '/echo?v=bad' });
		expect(bodyRule).toMatchObject({ status: 'Error', message: 'body says bad' });
		const good = await testCredential(credential, { base: baseUrl, path: '/echo?v=good' });
		expect(good.status).toBe('OK');
		expect(seen.every((s) => s.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
	});
});
