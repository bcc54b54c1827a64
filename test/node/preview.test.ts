import { apiRequests, byId, op, run, useSandbox } from './fixture';

const ctx = useSandbox();
const patches = () => apiRequests().filter((request) => request.method === 'PATCH');

describe('Preview: Agent › Update', () => {
	const update = (agentId: number, preview: boolean) =>
		op('agent', 'update', agentId, {
			updateFields: {
				agentGoal: 'Book every caller who asks for a quote.',
				businessName: 'Acme Plumbing & Heating',
			},
			options: { preview },
		});

	it('outputs each field’s current and new value, with a read-only key, changing nothing; the save then answers its id and fields and makes exactly those values', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const preview = await run(update(agent.id, true), { credentials: ctx.credentials('readOnly') });
		expect(patches()).toEqual([]);
		expect(ctx.sandbox.control.agent(agent.id)).toEqual(agent);
		expect(preview.json).toEqual([
			{
				id: agent.id,
				updated: ['agent_goal', 'business_name'],
				preview: true,
				saved: false,
				changes: {
					agent_goal: {
						before: agent.agent_goal,
						after: 'Book every caller who asks for a quote.',
					},
					business_name: { before: agent.business_name, after: 'Acme Plumbing & Heating' },
				},
				unchanged: [],
			},
		]);
		const saved = (await run(update(agent.id, false))).json;
		expect(saved).toEqual([{ id: agent.id, updated: ['agent_goal', 'business_name'] }]);
		expect(ctx.sandbox.control.agent(agent.id)).toEqual({
			...agent,
			agent_goal: 'Book every caller who asks for a quote.',
			business_name: 'Acme Plumbing & Heating',
		});
		expect(patches()).toHaveLength(1);
	});

	it('a field already at the new value is listed as unchanged', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const { json } = await run(
			op('agent', 'update', agent.id, {
				updateFields: { businessName: agent.business_name },
				options: { preview: true },
			}),
		);
		expect(json[0]).toMatchObject({
			updated: ['business_name'],
			changes: {},
			unchanged: ['business_name'],
			saved: false,
		});
	});
});

describe('Preview: Agent FAQ', () => {
	const agentOf = (index: number) => ctx.sandbox.control.agents('A')[index];
	const faqOperation = (
		operation: string,
		agentId: number,
		extra: Record<string, unknown>,
		preview: boolean,
	) => ({
		resource: 'faq',
		operation,
		agentId: byId(agentId),
		...extra,
		options: { preview },
	});
	const entries = (...pairs: Array<[string, string]>) => ({
		entries: { entry: pairs.map(([question, answer]) => ({ question, answer })) },
	});

	/** Preview (with a read-only key: it only reads), check nothing was written, then save the same input: the outputs must agree. */
	async function previewThenSave(
		operation: string,
		agentId: number,
		extra: Record<string, unknown>,
		items = 1,
	) {
		const input = Array.from({ length: items }, (_, i) => ({ json: { i } }));
		const faqBefore = { ...ctx.sandbox.control.agent(agentId)!.faq };
		const preview = (
			await run(faqOperation(operation, agentId, extra, true), {
				credentials: ctx.credentials('readOnly'),
				items: input,
			})
		).json;
		expect(patches()).toEqual([]);
		expect({ ...ctx.sandbox.control.agent(agentId)!.faq }).toEqual(faqBefore);
		const previewRequests = apiRequests().length;
		const saved = (await run(faqOperation(operation, agentId, extra, false), { items: input }))
			.json;
		const faqAfter = { ...ctx.sandbox.control.agent(agentId)!.faq };
		return { faqBefore, faqAfter, preview, saved, previewRequests };
	}

	it('Create or Update: the preview is the save’s report, marked unsaved, with each answer before and after', async () => {
		const agent = agentOf(0);
		const [existing, oldAnswer] = Object.entries(agent.faq)[0];
		const { faqBefore, faqAfter, preview, saved } = await previewThenSave(
			'upsert',
			agent.id,
			entries(['Do you repair boilers?', 'Yes, all makes.'], [existing, `${oldAnswer} (updated)`]),
		);
		expect(saved[0].saved).toBe(true);
		const { preview: flag, saved: savedFlag, changes, ...report } = preview[0];
		expect(flag).toBe(true);
		expect(savedFlag).toBe(false);
		expect({ ...report, saved: true }).toEqual(saved[0]);
		expect(changes).toEqual([
			{ question: 'Do you repair boilers?', before: null, after: 'Yes, all makes.' },
			{ question: existing, before: oldAnswer, after: `${oldAnswer} (updated)` },
		]);
		for (const change of changes as Array<{
			question: string;
			before: string | null;
			after: string | null;
		}>) {
			expect(faqBefore[change.question] ?? null).toBe(change.before);
			expect(faqAfter[change.question] ?? null).toBe(change.after);
		}
	});

	it('Delete: the preview names each entry that would go, with its answer, and what is not there', async () => {
		const agent = agentOf(1);
		const [question, answer] = Object.entries(agent.faq)[0];
		const { preview, saved, faqAfter } = await previewThenSave('delete', agent.id, {
			questions: [question, 'Not in the FAQ?'],
		});
		expect(preview[0]).toMatchObject({
			removed: [question],
			not_found: ['Not in the FAQ?'],
			saved: false,
			preview: true,
		});
		expect(preview[0].changes).toEqual([{ question, before: answer, after: null }]);
		expect(saved[0]).toMatchObject({
			removed: [question],
			not_found: ['Not in the FAQ?'],
			entry_count: Object.keys(agent.faq).length - 1,
			saved: true,
		});
		expect(faqAfter).not.toHaveProperty([question]);
	});

	it('Replace All: the preview lists every entry that would be removed, and the save removes exactly those', async () => {
		const agent = agentOf(2);
		const { faqBefore, faqAfter, preview, saved } = await previewThenSave(
			'replace',
			agent.id,
			entries(['Only question?', 'Only answer.']),
		);
		const removed = Object.keys(faqBefore);
		expect(preview[0]).toMatchObject({
			added: ['Only question?'],
			removed,
			entry_count: 1,
			saved: false,
			preview: true,
		});
		expect(preview[0].changes).toEqual([
			{ question: 'Only question?', before: null, after: 'Only answer.' },
			...removed.map((question) => ({ question, before: faqBefore[question], after: null })),
		]);
		expect(saved[0]).toMatchObject({
			added: ['Only question?'],
			removed,
			entry_count: 1,
			saved: true,
		});
		expect(faqAfter).toEqual({ 'Only question?': 'Only answer.' });
	});

	it('several input items for one agent: one read, no write, and the same per-item reports as the save', async () => {
		const agent = agentOf(3);
		ctx.sandbox.control.clearRequests();
		const { preview, saved, previewRequests } = await previewThenSave(
			'upsert',
			agent.id,
			{
				entries: {
					entry: [
						{
							question: '={{ "Question " + $json.i + "?" }}',
							answer: '={{ "Answer " + $json.i }}',
						},
					],
				},
			},
			3,
		);
		expect(preview.map(({ preview: _p, saved: _s, changes: _c, ...report }) => report)).toEqual(
			saved.map(({ saved: _s, ...report }) => report),
		);
		expect(previewRequests).toBe(1); // the preview: one GET of the agent, nothing else
		expect(patches()).toHaveLength(1); // the save: one PATCH for the three items
	});
});
