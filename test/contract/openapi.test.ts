/** GET /api/v1/openapi.json and /llms.txt: no key needed; the document describes exactly what the sandbox serves. */
import { startSandbox, type Sandbox } from '../sandbox';
import { call, checkSchema } from './helpers';

let sb: Sandbox;
let doc: any;

beforeAll(async () => {
	sb = await startSandbox();
	doc = (await call(sb, '/api/v1/openapi.json')).body;
});
afterAll(() => sb.close());

const BASE = ['200', '401', '429', '5XX'];
const OPERATIONS: Array<[string, string, string[]]> = [
	['/api/v1/whoami', 'get', BASE],
	['/api/v1/conversations', 'get', [...BASE, '403', '422']],
	['/api/v1/conversations/{id}', 'get', [...BASE, '403', '404', '422']],
	['/api/v1/agents', 'get', [...BASE, '403']],
	['/api/v1/agents/{id}', 'get', [...BASE, '403', '404', '422']],
	['/api/v1/agents/{id}', 'patch', [...BASE, '403', '404', '413', '422']],
	['/api/v1/openapi.json', 'get', ['200']],
];

test('OpenAPI 3.1, bearer auth, the sandbox as server; every served operation with its responses, and nothing else', () => {
	expect(doc.openapi).toBe('3.1.0');
	expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
		type: 'http',
		scheme: 'bearer',
	});
	expect(doc.servers).toEqual([{ url: sb.url }]);
	const listed = Object.entries(doc.paths).flatMap(([p, ops]: [string, any]) =>
		Object.keys(ops).map((m) => `${m} ${p}`),
	);
	expect(listed.sort()).toEqual(OPERATIONS.map(([p, m]) => `${m} ${p}`).sort());
	for (const [path, method, codes] of OPERATIONS)
		expect(Object.keys(doc.paths[path][method].responses).sort()).toEqual([...codes].sort());
	expect(doc.paths['/api/v1/openapi.json'].get.security).toEqual([]);
	for (const ref of JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [])
		expect(doc.components.schemas[ref.split('/').pop()!.replace('"', '')]).toBeDefined();
});

test('the documented limits: list parameters and the PATCH body', () => {
	const params = doc.paths['/api/v1/conversations'].get.parameters;
	expect(Object.fromEntries(params.map((p: any) => [p.name, p.schema]))).toEqual({
		channel: { type: 'string', enum: ['phone', 'web_chat'] },
		agent_id: { type: 'integer', minimum: 1 },
		since: { type: 'string', format: 'date-time' },
		before_id: { type: 'integer', minimum: 1 },
		limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
	});
	expect(doc.components.schemas.AgentUpdate).toMatchObject({
		additionalProperties: false,
		minProperties: 1,
		properties: {
			agent_goal: { maxLength: 10_000, minLength: 1 },
			greeting_message: { maxLength: 500 },
			business_name: { maxLength: 100, minLength: 1 },
			business_services: { maxLength: 30_000, minLength: 1 },
			business_website: { maxLength: 400 },
			faq: {
				maxProperties: 50,
				propertyNames: { maxLength: 200 },
				additionalProperties: { maxLength: 500 },
			},
		},
	});
});

async function expectValid(path: string, method: string, response: ReturnType<typeof call>) {
	const res = await response;
	const status = String(res.status);
	const schema = doc.paths[path][method].responses[status].content['application/json'].schema;
	expect({ path, status, errors: checkSchema(doc, schema, res.body) }).toEqual({
		path,
		status,
		errors: [],
	});
}

test('live responses, errors included, match their documented schemas: no undocumented field, fields in the documented order', async () => {
	const { readWrite, readOnly, writeOnly, otherAccount } = sb.keys;
	const get = (path: string, key?: string) => call(sb, path, { key });
	for (const key of [readWrite, writeOnly, undefined])
		await expectValid('/api/v1/whoami', 'get', get('/api/v1/whoami', key));
	for (const query of ['?limit=200', '?limit=200&before_id=121', '?limit=0'])
		await expectValid(
			'/api/v1/conversations',
			'get',
			get(`/api/v1/conversations${query}`, readOnly),
		);
	await expectValid('/api/v1/conversations', 'get', get('/api/v1/conversations', writeOnly));
	for (const c of sb.control.conversations('A').filter((_, i) => i % 5 === 0))
		await expectValid(
			'/api/v1/conversations/{id}',
			'get',
			get(`/api/v1/conversations/${c.id}`, readOnly),
		);
	await expectValid(
		'/api/v1/conversations/{id}',
		'get',
		get('/api/v1/conversations/99999', readOnly),
	);
	await expectValid('/api/v1/agents', 'get', get('/api/v1/agents', readOnly));
	for (const [key, ids] of [
		[readOnly, sb.agentIds.A],
		[otherAccount, sb.agentIds.B],
	] as const)
		for (const id of ids)
			await expectValid('/api/v1/agents/{id}', 'get', get(`/api/v1/agents/${id}`, key));
	for (const body of [{ agent_goal: 'x', faq: { 'Q?': 'A.' } }, { voice: 'x' }])
		await expectValid(
			'/api/v1/agents/{id}',
			'patch',
			call(sb, '/api/v1/agents/8', { method: 'PATCH', key: readWrite, body }),
		);
	// The checker is not vacuous.
	const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
	expect(
		checkSchema(doc, ref('ConversationSummary'), { id: 'x', extra: 1 }).length,
	).toBeGreaterThan(3);
	const turn = { content: 'Hi', role: 'agent', elapsed_s: 1 };
	expect(checkSchema(doc, ref('TranscriptTurn'), turn)).toEqual([
		'$: fields out of order: content,role,elapsed_s',
	]);
});

test('/llms.txt: a plain-text overview pointing at the OpenAPI document', async () => {
	const res = await fetch(`${sb.url}/llms.txt`);
	expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
	expect(await res.text()).toContain('/api/v1/openapi.json');
});
