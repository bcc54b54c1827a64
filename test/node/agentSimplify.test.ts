import { byId, run, useSandbox } from './fixture';

const ctx = useSandbox();

describe('Agent › Simplify (version 1, as saved workflows have it)', () => {
	it('Get simplified returns who the agent is and what it says, with the FAQ counted instead of listed', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(
			{ resource: 'agent', operation: 'get', agentId: byId(agent.id), simplify: true },
			{ credentials: ctx.credentials(), typeVersion: 1 },
		);
		expect(json).toEqual([
			{
				id: agent.id,
				agent_name: agent.agent_name,
				business_name: agent.business_name,
				phone_number: agent.phone_number,
				business_website: agent.business_website ?? null,
				greeting_message: agent.greeting_message ?? null,
				agent_goal: agent.agent_goal,
				faq_entry_count: Object.keys(agent.faq).length,
			},
		]);
	});

	it('Get simplified stays small when Business Services and the FAQ are at their limits', async () => {
		const agent = ctx.sandbox.control.agents('A')[1];
		const faq = Object.fromEntries(
			Array.from({ length: 50 }, (_, i) => [
				`${String(i).padStart(2, '0')} ${'q'.repeat(197)}`,
				'a'.repeat(500),
			]),
		);
		const patched = await fetch(`${ctx.sandbox.url}/api/v1/agents/${agent.id}`, {
			method: 'PATCH',
			headers: {
				authorization: `Bearer ${ctx.sandbox.keys.readWrite}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ business_services: 's'.repeat(30_000), faq }),
		});
		expect(patched.status).toBe(200);
		const raw = await run(
			{ resource: 'agent', operation: 'get', agentId: byId(agent.id) },
			{ credentials: ctx.credentials(), typeVersion: 1 },
		);
		const simple = await run(
			{ resource: 'agent', operation: 'get', agentId: byId(agent.id), simplify: true },
			{ credentials: ctx.credentials(), typeVersion: 1 },
		);
		expect(JSON.stringify(raw.json).length).toBeGreaterThan(65_000);
		expect(JSON.stringify(simple.json).length).toBeLessThan(1_500);
		expect(simple.json[0].faq_entry_count).toBe(50);
		expect(simple.json[0]).not.toHaveProperty('business_services');
		expect(simple.json[0]).not.toHaveProperty('faq');
	});

	it('Get Many simplified lists ID, agent name, business name and phone number of each agent', async () => {
		const agents = ctx.sandbox.control.agents('A');
		const { json } = await run(
			{ resource: 'agent', operation: 'getAll', returnAll: true, simplify: true },
			{ credentials: ctx.credentials(), typeVersion: 1 },
		);
		expect(json).toEqual(
			agents.map((a) => ({
				id: a.id,
				agent_name: a.agent_name,
				business_name: a.business_name,
				phone_number: a.phone_number,
			})),
		);
	});

	it('without Simplify both return the API’s fields unchanged', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(
			{ resource: 'agent', operation: 'get', agentId: byId(agent.id) },
			{ credentials: ctx.credentials(), typeVersion: 1 },
		);
		expect(json[0]).toEqual(JSON.parse(JSON.stringify(agent)));
	});
});
