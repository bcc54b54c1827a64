/** GET /api/v1/openapi.json describes exactly what the sandbox serves; live responses match its schemas. */
import { startSandbox, type Sandbox } from '../sandbox';
import { call, checkSchema } from './helpers';

let sb: Sandbox;
let doc: any;

beforeAll(async () => {
	sb = await startSandbox();
	const res = await call(sb, '/api/v1/openapi.json'); // no key needed
	expect(res.status).toBe(200);
	doc = res.body;
});
afterAll(() => sb.close());

const SERVED: Record<string, string[]> = {
	'/api/v1/whoami': ['get'],
	'/api/v1/conversations': ['get'],
	'/api/v1/conversations/{id}': ['get'],
	'/api/v1/agents': ['get'],
	'/api/v1/agents/{id}': ['get', 'patch'],
	'/api/v1/openapi.json': ['get'],
};

function responseSchema(path: string, method: string, status: string): any {
	const op = doc.paths[path][method];
	const r = op.responses[status] ?? op.responses[`${status[0]}XX`];
	expect(r).toBeDefined();
	return r.content['application/json'].schema;
}

function expectValid(path: string, method: string, status: string, body: unknown): void {
	const errors = checkSchema(doc, responseSchema(path, method, status), body);
	expect(errors).toEqual([]);
}

describe('the document', () => {
	test('OpenAPI 3.1 with bearer auth and the sandbox as server', () => {
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.components.securitySchemes.bearerAuth).toEqual(
			expect.objectContaining({ type: 'http', scheme: 'bearer' }),
		);
		expect(doc.servers).toEqual([{ url: sb.url }]);
	});

	test('lists every served path with exactly its methods', () => {
		expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(SERVED).sort());
		for (const [path, methods] of Object.entries(SERVED))
			expect(Object.keys(doc.paths[path]).sort()).toEqual(methods);
	});

	test('every $ref resolves', () => {
		const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
		expect(refs.length).toBeGreaterThan(10);
		for (const r of refs) {
			const name = r.split('/').pop()!.replace('"', '');
			expect(doc.components.schemas[name]).toBeDefined();
		}
	});

	test('the list parameters with their limits', () => {
		const params = doc.paths['/api/v1/conversations'].get.parameters;
		const byName = Object.fromEntries(params.map((p: any) => [p.name, p]));
		expect(Object.keys(byName).sort()).toEqual([
			'agent_id',
			'before_id',
			'channel',
			'limit',
			'since',
		]);
		expect(byName.limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
		expect(byName.channel.schema.enum).toEqual(['phone', 'web_chat']);
		expect(byName.agent_id.schema.type).toBe('integer');
		expect(byName.before_id.schema.type).toBe('integer');
		expect(byName.since.schema.format).toBe('date-time');
		expect(byName.since.description).toMatch(/inclusive/i);
	});

	test('the PATCH body schema carries every limit', () => {
		const s = doc.components.schemas.AgentUpdate;
		expect(s.additionalProperties).toBe(false);
		expect(s.minProperties).toBe(1);
		expect(s.properties.agent_goal.maxLength).toBe(10_000);
		expect(s.properties.greeting_message.maxLength).toBe(500);
		expect(s.properties.business_name.maxLength).toBe(100);
		expect(s.properties.business_services.maxLength).toBe(30_000);
		expect(s.properties.business_website.maxLength).toBe(400);
		for (const f of ['agent_goal', 'business_name', 'business_services'])
			expect(s.properties[f].minLength).toBe(1);
		expect(s.properties.faq.maxProperties).toBe(50);
		expect(s.properties.faq.propertyNames.maxLength).toBe(200);
		expect(s.properties.faq.additionalProperties.maxLength).toBe(500);
	});

	test('the error responses of each operation', () => {
		const codes = (path: string, method: string) =>
			Object.keys(doc.paths[path][method].responses).sort();
		expect(codes('/api/v1/whoami', 'get')).toEqual(['200', '401', '429', '5XX']);
		expect(codes('/api/v1/conversations', 'get')).toEqual([
			'200',
			'401',
			'403',
			'422',
			'429',
			'5XX',
		]);
		expect(codes('/api/v1/conversations/{id}', 'get')).toEqual([
			'200',
			'401',
			'403',
			'404',
			'422',
			'429',
			'5XX',
		]);
		expect(codes('/api/v1/agents', 'get')).toEqual(['200', '401', '403', '429', '5XX']);
		expect(codes('/api/v1/agents/{id}', 'get')).toEqual([
			'200',
			'401',
			'403',
			'404',
			'422',
			'429',
			'5XX',
		]);
		expect(codes('/api/v1/agents/{id}', 'patch')).toEqual([
			'200',
			'401',
			'403',
			'404',
			'413',
			'422',
			'429',
			'5XX',
		]);
		expect(doc.paths['/api/v1/openapi.json'].get.security).toEqual([]);
	});
});

describe('live responses match the documented schemas (no undocumented fields)', () => {
	test('whoami', async () => {
		for (const key of [sb.keys.readWrite, sb.keys.writeOnly]) {
			expectValid('/api/v1/whoami', 'get', '200', (await call(sb, '/api/v1/whoami', { key })).body);
		}
	});

	test('conversation pages and every conversation detail', async () => {
		let before: number | null = null;
		do {
			const page: any = (
				await call(sb, `/api/v1/conversations?limit=200${before ? `&before_id=${before}` : ''}`, {
					key: sb.keys.readWrite,
				})
			).body;
			expectValid('/api/v1/conversations', 'get', '200', page);
			before = page.next_before_id;
		} while (before !== null);
		for (const c of sb.control.conversations('A').filter((_, i) => i % 5 === 0)) {
			const res = await call(sb, `/api/v1/conversations/${c.id}`, { key: sb.keys.readWrite });
			expectValid('/api/v1/conversations/{id}', 'get', '200', res.body);
		}
	});

	test('agents, the details of every agent of both accounts, PATCH result', async () => {
		expectValid(
			'/api/v1/agents',
			'get',
			'200',
			(await call(sb, '/api/v1/agents', { key: sb.keys.readWrite })).body,
		);
		for (const [key, ids] of [
			[sb.keys.readWrite, sb.agentIds.A],
			[sb.keys.otherAccount, sb.agentIds.B],
		] as const) {
			for (const id of ids) {
				expectValid(
					'/api/v1/agents/{id}',
					'get',
					'200',
					(await call(sb, `/api/v1/agents/${id}`, { key })).body,
				);
			}
		}
		const res = await call(sb, '/api/v1/agents/7', {
			method: 'PATCH',
			key: sb.keys.readWrite,
			body: { agent_goal: 'x', faq: { 'Q?': 'A.' } },
		});
		expectValid('/api/v1/agents/{id}', 'patch', '200', res.body);
		sb.control.reset();
	});

	test('error bodies', async () => {
		const cases: Array<[string, string, string, Promise<any>]> = [
			['/api/v1/whoami', 'get', '401', call(sb, '/api/v1/whoami')],
			[
				'/api/v1/conversations',
				'get',
				'403',
				call(sb, '/api/v1/conversations', { key: sb.keys.writeOnly }),
			],
			[
				'/api/v1/conversations',
				'get',
				'422',
				call(sb, '/api/v1/conversations?limit=0', { key: sb.keys.readOnly }),
			],
			[
				'/api/v1/conversations/{id}',
				'get',
				'404',
				call(sb, '/api/v1/conversations/99999', { key: sb.keys.readOnly }),
			],
			[
				'/api/v1/agents/{id}',
				'patch',
				'422',
				call(sb, '/api/v1/agents/7', {
					method: 'PATCH',
					key: sb.keys.readWrite,
					body: { voice: 'x' },
				}),
			],
		];
		for (const [path, method, status, promise] of cases) {
			const res = await promise;
			expect(String(res.status)).toBe(status);
			expectValid(path, method, status, res.body);
		}
	});

	test('an invalid example fails the checker (the checker is not vacuous)', () => {
		const errors = checkSchema(
			doc,
			{ $ref: '#/components/schemas/ConversationSummary' },
			{ id: 'x', extra: 1 },
		);
		expect(errors.length).toBeGreaterThan(3);
	});
});

describe('/llms.txt', () => {
	test('a plain-text overview pointing at the OpenAPI document', async () => {
		const res = await fetch(`${sb.url}/llms.txt`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(await res.text()).toContain('/api/v1/openapi.json');
	});
});
