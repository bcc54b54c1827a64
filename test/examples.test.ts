/**
 * What a user copies from examples/ works with the nodes a user adds today: each RingReady node is
 * at its newest version; each one that reads data, run through n8n-core against the sandbox with the
 * example's parameters, emits every field the example's expressions read of it; pinned data is
 * shaped like its output. End to end, in real n8n: test/e2e/examples.ts.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RingReady } from '../nodes/RingReady/RingReady.node';
import { RingReadyTrigger } from '../nodes/RingReadyTrigger/RingReadyTrigger.node';
import { executeNode, latestVersion, runPoll } from './harness';
import { startSandbox, type Sandbox } from './sandbox';

const EXAMPLES = join(__dirname, '..', 'examples');
const PACKAGE = 'n8n-nodes-ringready';
const nodeTypes: Record<string, RingReady | RingReadyTrigger> = {
	[`${PACKAGE}.ringReady`]: new RingReady(),
	[`${PACKAGE}.ringReadyTool`]: new RingReady(),
	[`${PACKAGE}.ringReadyTrigger`]: new RingReadyTrigger(),
};
/** Examples whose RingReady nodes are only an AI agent's or MCP client's tools: nothing to pin. */
const TOOL_ONLY = new Set(['ai-agent-with-ringready-tools.json', 'ringready-mcp-server.json']);

type ExampleNode = { name: string; type: string; typeVersion: number; parameters: INodeParameters };
interface Example {
	nodes: ExampleNode[];
	connections: Record<string, { main?: Array<Array<{ node: string }>> }>;
	pinData?: Record<string, INodeExecutionData[]>;
}

const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Example;
const isRingReady = (node: ExampleNode) => node.type.startsWith(`${PACKAGE}.`);
const isTrigger = (node: ExampleNode) => node.type === `${PACKAGE}.ringReadyTrigger`;
/** A node whose output the example's other nodes read: the trigger, and every read of the node. */
const readsData = (node: ExampleNode) =>
	isTrigger(node) ||
	(node.type === `${PACKAGE}.ringReady` &&
		['get', 'getAll'].includes(String(node.parameters.operation)));
/** What must carry sample data: what a new account has none of yet (conversations). */
const needsPin = (node: ExampleNode) =>
	isTrigger(node) || (readsData(node) && node.parameters.resource === 'conversation');

/** Every expression (a string parameter starting with "=") in a node's parameters. */
function expressions(value: unknown): string[] {
	if (typeof value === 'string') return value.startsWith('=') ? [value] : [];
	if (Array.isArray(value)) return value.flatMap(expressions);
	if (value && typeof value === 'object') return Object.values(value).flatMap(expressions);
	return [];
}

/** The fields an expression reads of node `source`'s items: `$('source')…json.field`, or `$json.field` when `source` feeds it. */
function fieldsRead(expression: string, source: string, feedsThisNode: boolean): string[] {
	const quoted = source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "\\\\?'");
	const accessor = String.raw`\.(?:item|first\(\)|last\(\)|all\(\)\[\d+\]|itemMatching\([^)]*\))`;
	const field = String.raw`(?:\.([A-Za-z_]\w*)|\[['"]([^'"]+)['"]\])`;
	const patterns = [
		new RegExp(String.raw`\$\((?:'${quoted}'|"${quoted}")\)${accessor}\.json${field}`, 'g'),
	];
	if (feedsThisNode) patterns.push(new RegExp(String.raw`\$json${field}`, 'g'));
	return patterns.flatMap((pattern) =>
		[...expression.matchAll(pattern)].map((match) => match[1] ?? match[2]),
	);
}

/** The example's parameters, with each agent it picks (From List, or from another node) as one of the sandbox's. */
function withSandboxAgent(parameters: INodeParameters, agentId: number): INodeParameters {
	const swap = (value: unknown): unknown => {
		if (Array.isArray(value)) return value.map(swap);
		if (value && typeof value === 'object') {
			const record = value as IDataObject;
			if (record.__rl === true) return { __rl: true, mode: 'id', value: String(agentId) };
			return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, swap(v)]));
		}
		return value;
	};
	return swap(parameters) as INodeParameters;
}

/** What the node emits, run with the example's parameters against the sandbox (its trigger: Fetch Test Event). */
async function outputOf(sandbox: Sandbox, node: ExampleNode): Promise<IDataObject[]> {
	const credentials = { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url };
	const nodeType = nodeTypes[node.type];
	const parameters = withSandboxAgent(node.parameters, sandbox.agentIds.A[0]);
	if (isTrigger(node)) {
		const { items } = await runPoll(nodeType, {
			parameters,
			credentials,
			mode: 'manual',
			typeVersion: node.typeVersion,
			nodeName: node.name,
		});
		return (items?.[0] ?? []).map((item) => item.json);
	}
	const { output } = await executeNode(nodeType, {
		parameters,
		credentials,
		typeVersion: node.typeVersion,
		nodeName: node.name,
	});
	return output[0].map((item) => item.json);
}

const typeOf = (value: unknown) =>
	value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

describe.each(files)('examples/%s', (file) => {
	const example = load(file);
	const ringReadyNodes = example.nodes.filter(isRingReady);

	it('every RingReady node is at its node’s newest version', () => {
		expect(ringReadyNodes.length).toBeGreaterThan(0);
		for (const node of ringReadyNodes) {
			expect({ node: node.name, version: node.typeVersion }).toEqual({
				node: node.name,
				version: latestVersion(nodeTypes[node.type]),
			});
		}
	});

	const readers = ringReadyNodes.filter(readsData);
	if (readers.length === 0) return;

	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, controls: true });
		// Conversations of this week, for the agent every example's agent becomes here.
		sandbox.control.addConversations({
			count: 3,
			agentId: sandbox.agentIds.A[0],
			channel: 'phone',
		});
	});
	afterAll(async () => await sandbox?.close());

	it.each(readers.map((node) => node.name))(
		'the fields the example reads of "%s" are fields it emits; its pinned data is shaped like its output',
		async (name) => {
			const node = readers.find((reader) => reader.name === name)!;
			const output = await outputOf(sandbox, node);
			expect(output.length).toBeGreaterThan(0);
			const emitted = new Set(output.flatMap((item) => Object.keys(item)));

			const feeds = new Set((example.connections[name]?.main ?? []).flat().map((c) => c.node));
			const read = example.nodes.flatMap((other) =>
				expressions(other.parameters).flatMap((expression) =>
					fieldsRead(expression, name, feeds.has(other.name)).map((field) => ({
						node: other.name,
						field,
					})),
				),
			);
			expect(read.filter(({ field }) => !emitted.has(field))).toEqual([]);

			const pinned = example.pinData?.[name];
			if (needsPin(node) && !TOOL_ONLY.has(file)) expect(pinned?.length).toBeGreaterThan(0);
			if (!pinned) return;
			const shape = (item: IDataObject) =>
				Object.fromEntries(Object.entries(item).map(([key, value]) => [key, typeOf(value)]));
			const reference = shape(output[0]);
			for (const { json } of pinned) {
				expect(Object.keys(json).sort()).toEqual([...emitted].sort());
				for (const [key, type] of Object.entries(shape(json))) {
					// A field RingReady may leave empty (a caller's name) is null in one item and text in another.
					if (type !== 'null' && reference[key] !== 'null')
						expect([key, type]).toEqual([key, reference[key]]);
				}
			}
		},
	);
});
