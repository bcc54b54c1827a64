import { apiRequests, byId, run, useSandbox } from './fixture';

const ctx = useSandbox();
const patches = () => apiRequests(ctx.sandbox).filter((request) => request.method === 'PATCH');

describe('Preview: Agent › Update', () => {
	const update = (agentId: number, preview: boolean) => ({
		resource: 'agent',
		operation: 'update',
		agentId: byId(agentId),
		updateFields: { agentGoal: 'Book every caller who asks for a quote.', businessName: 'Acme Plumbing & Heating' },
		options: { preview },
	});

	it('outputs each field’s current and new value, sends no PATCH, and changes nothing', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(update(agent.id, true), { credentials: ctx.credentials() });
		expect(patches()).toEqual([]);
		expect(ctx.sandbox.control.agent(agent.id)).toEqual(agent);
		expect(json).toEqual([
			{
				id: agent.id,
				updated: ['agent_goal', 'business_name'],
				preview: true,
				saved: false,
				changes: {
					agent_goal: { before: agent.agent_goal, after: 'Book every caller who asks for a quote.' },
					business_name: { before: agent.business_name, after: 'Acme Plumbing & Heating' },
				},
				unchanged: [],
			},
		]);
	});

	it('its id and updated fields are what the save then answers, and the save makes exactly the previewed values', async () => {
		const agent = ctx.sandbox.control.agents('A')[1];
		const preview = (await run(update(agent.id, true), { credentials: ctx.credentials() })).json[0];
		const saved = (await run(update(agent.id, false), { credentials: ctx.credentials() })).json[0];
		expect(saved).toEqual({ id: preview.id, updated: preview.updated });
		const after = ctx.sandbox.control.agent(agent.id)! as unknown as Record<string, unknown>;
		for (const [field, change] of Object.entries(preview.changes as Record<string, { after: string }>)) {
			expect(after[field]).toBe(change.after);
		}
		expect(patches()).toHaveLength(1);
	});

	it('a field already at the new value is listed as unchanged', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(
			{ resource: 'agent', operation: 'update', agentId: byId(agent.id), updateFields: { businessName: agent.business_name }, options: { preview: true } },
			{ credentials: ctx.credentials() },
		);
		expect(json[0]).toMatchObject({ updated: ['business_name'], changes: {}, unchanged: ['business_name'], saved: false });
	});

	it('works with a read-only key (it only reads)', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(update(agent.id, true), { credentials: ctx.credentials('readOnly') });
		expect(json[0]).toMatchObject({ id: agent.id, preview: true, saved: false });
	});

	it('invalid input still fails before any request', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		ctx.sandbox.control.clearRequests();
		await expect(
			run(
				{ resource: 'agent', operation: 'update', agentId: byId(agent.id), updateFields: { businessName: 'x'.repeat(101) }, options: { preview: true } },
				{ credentials: ctx.credentials() },
			),
		).rejects.toThrow('Business Name is too long: 101 characters, the limit is 100 [item 0]');
		expect(apiRequests(ctx.sandbox)).toEqual([]);
	});
});
