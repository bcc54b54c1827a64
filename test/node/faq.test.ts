import type { INodeExecutionData } from 'n8n-workflow';

import { startSandbox } from '../sandbox';
import { apiRequests, op, run, runError, useSandbox, script } from './fixture';

const ctx = useSandbox();

const agentA = () => ctx.sandbox.agentIds.A[0];
const faqOf = (id: number) => ctx.sandbox.control.agent(id)!.faq;
const entries = (...pairs: Array<[string, string]>) => ({
	entry: pairs.map(([question, answer]) => ({ question, answer })),
});
const perItem = { entry: [{ question: '={{ $json.q }}', answer: '={{ $json.a }}' }] };
const itemsOf = (...pairs: Array<[string, string]>): INodeExecutionData[] =>
	pairs.map(([q, a]) => ({ json: { q, a } }));

describe('Agent FAQ → Create or Update', () => {
	it('adds new questions, updates existing ones, keeps the rest, and reports each', async () => {
		const id = agentA();
		const before = faqOf(id);
		const [existing] = Object.keys(before);
		const { json } = await run(
			op('faq', 'upsert', id, {
				entries: entries([existing, 'A new answer.'], ['Do you work weekends?', 'Yes, Saturdays.']),
			}),
		);
		expect(json).toEqual([
			{
				agent_id: id,
				added: ['Do you work weekends?'],
				updated: [existing],
				unchanged: [],
				removed: [],
				not_found: [],
				entry_count: Object.keys(before).length + 1,
				saved: true,
			},
		]);
		expect(faqOf(id)).toEqual({
			...before,
			[existing]: 'A new answer.',
			'Do you work weekends?': 'Yes, Saturdays.',
		});
		// The updated question keeps its place; the new one goes last.
		expect(Object.keys(faqOf(id))).toEqual([...Object.keys(before), 'Do you work weekends?']);
	});

	it.each(['upsert', 'replace'])(
		'%s with many input items for one agent: one merge and one PATCH (read, re-read just before it), every entry saved, each item reports its own',
		async (operation) => {
			const id = agentA();
			const before = operation === 'upsert' ? faqOf(id) : {};
			const pairs: Array<[string, string]> = Array.from({ length: 12 }, (_v, i) => [
				`Question ${i}?`,
				`Answer ${i}.`,
			]);
			const { items } = await run(op('faq', operation, id, { entries: perItem }), {
				items: itemsOf(...pairs),
			});
			expect(items).toHaveLength(12);
			items.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json.added).toEqual([`Question ${index}?`]);
			});
			expect(faqOf(id)).toEqual({ ...before, ...Object.fromEntries(pairs) });
			expect(apiRequests().map((r) => r.method)).toEqual(['GET', 'GET', 'PATCH']);
		},
	);

	it('items for two agents: the agents side by side, each read, re-read and written, one PATCH per agent', async () => {
		const [first, second] = ctx.sandbox.agentIds.A;
		await run(op('faq', 'upsert', '={{ $json.agent }}', { entries: perItem }), {
			items: [
				{ json: { agent: first, q: 'One?', a: '1' } },
				{ json: { agent: second, q: 'Two?', a: '2' } },
				{ json: { agent: first, q: 'Three?', a: '3' } },
			],
		});
		expect(faqOf(first)).toMatchObject({ 'One?': '1', 'Three?': '3' });
		expect(faqOf(second)).toMatchObject({ 'Two?': '2' });
		const log = apiRequests().map((r) => `${r.method} ${r.path}`);
		for (const id of [first, second]) {
			expect(log.filter((line) => line.endsWith(`/agents/${id}`))).toEqual([
				`GET /api/v1/agents/${id}`,
				`GET /api/v1/agents/${id}`,
				`PATCH /api/v1/agents/${id}`,
			]);
		}
		// Side by side: the second agent's first read does not wait for the first agent's PATCH.
		expect(log.indexOf(`GET /api/v1/agents/${second}`)).toBeLessThan(
			log.indexOf(`PATCH /api/v1/agents/${first}`),
		);
	});

	it('a write refused with 429: waits as asked, reads again and keeps an edit made meanwhile', async () => {
		const id = agentA();
		const path = `/api/v1/agents/${id}`;
		script(path, 429, '{"detail":"Too many requests"}', {
			method: 'PATCH',
			headers: { 'Retry-After': '1' },
		});
		const colleague = async () => {
			await new Promise((resolve) => setTimeout(resolve, 400));
			const response = await fetch(`${ctx.sandbox.url}${path}`, {
				method: 'PATCH',
				headers: {
					Authorization: `Bearer ${ctx.sandbox.keys.readWrite}`,
					'Content-Type': 'application/json',
				},
				body: JSON.stringify({ faq: { ...faqOf(id), 'Colleague?': 'Added meanwhile.' } }),
			});
			expect(response.status).toBe(200);
		};
		const [{ json }] = await Promise.all([
			run(op('faq', 'upsert', id, { entries: entries(['Mine?', 'Yes.']) })),
			colleague(),
		]);
		expect(json[0]).toMatchObject({ saved: true });
		expect(faqOf(id)).toMatchObject({ 'Mine?': 'Yes.', 'Colleague?': 'Added meanwhile.' });
		const ours = apiRequests()
			.filter((r) => r.path === path && r.key !== null)
			.map((r) => `${r.method} ${r.status}`);
		// read, re-read, refused write, (the colleague's write), read after the wait, write
		expect(ours.filter((line) => line !== 'PATCH 200').slice(0, 3)).toEqual([
			'GET 200',
			'GET 200',
			'PATCH 429',
		]);
		expect(ours.at(-2)).toBe('GET 200');
		expect(ours.at(-1)).toBe('PATCH 200');
	});

	it('__proto__, constructor and toString are ordinary questions', async () => {
		const id = agentA();
		const tricky: Array<[string, string]> = [
			['__proto__', 'proto answer'],
			['constructor', 'constructor answer'],
			['toString', 'toString answer'],
			['hasOwnProperty', 'hasOwnProperty answer'],
		];
		await run(op('faq', 'upsert', id, { entries: perItem }), { items: itemsOf(...tricky) });
		const faq = faqOf(id);
		for (const [question, answer] of tricky) {
			expect(Object.prototype.hasOwnProperty.call(faq, question)).toBe(true);
			expect(faq[question]).toBe(answer);
		}
		const { json } = await run(op('faq', 'getAll', id));
		expect(json).toEqual(
			expect.arrayContaining(tricky.map(([question, answer]) => ({ question, answer }))),
		);

		const removed = await run(op('faq', 'delete', id, { questions: ['__proto__', 'constructor'] }));
		expect(removed.json[0].removed).toEqual(['__proto__', 'constructor']);
		expect(Object.keys(faqOf(id))).not.toContain('__proto__');
		expect(faqOf(id).toString).toBe('toString answer');
	});

	it.each([
		[
			'a question over 200 characters',
			['q'.repeat(201), 'ok'],
			'FAQ entry 1 question is too long: 201 characters, the limit is 200 [item 1]',
		],
		[
			'an answer over 500 characters',
			['Ok?', 'a'.repeat(501)],
			'FAQ entry 1 answer is too long: 501 characters, the limit is 500 [item 1]',
		],
		['a blank question', ['  ', 'ok'], "FAQ entry 1 question can't be blank [item 1]"],
		['a blank answer', ['Ok?', ''], "FAQ entry 1 answer can't be blank [item 1]"],
	])(
		'%s in any item fails before any request, and nothing is written',
		async (_name, bad, message) => {
			const id = agentA();
			const before = faqOf(id);
			const error = await runError(op('faq', 'upsert', id, { entries: perItem }), {
				items: itemsOf(['Fine?', 'Fine.'], bad as [string, string]),
			});
			expect(error.message).toBe(message);
			expect(apiRequests()).toHaveLength(0);
			expect(faqOf(id)).toEqual(before);
		},
	);

	it('questions and answers exactly at the limits are accepted; an emoji counts as one character, as RingReady counts', async () => {
		const id = agentA();
		const answer = '👍'.repeat(500); // 1,000 UTF-16 code units, 500 characters
		await run(op('faq', 'upsert', id, { entries: entries(['q'.repeat(200), answer]) }));
		expect(faqOf(id)['q'.repeat(200)]).toBe(answer);
		const error = await runError(
			op('faq', 'upsert', id, { entries: entries(['Emoji?', answer + '👍']) }),
		);
		expect(error.message).toBe(
			'FAQ entry 1 answer is too long: 501 characters, the limit is 500 [item 0]',
		);
	});

	it('exactly 50 entries after merging are saved; more are refused after the read, before any write', async () => {
		const id = agentA();
		const room = 50 - Object.keys(faqOf(id)).length;
		const pairs: Array<[string, string]> = Array.from({ length: room }, (_v, i) => [
			`Extra ${i}?`,
			'Yes.',
		]);
		const { json } = await run(op('faq', 'upsert', id, { entries: perItem }), {
			items: itemsOf(...pairs),
		});
		expect(json.at(-1)!.entry_count).toBe(50);
		ctx.sandbox.control.clearRequests();
		const before = faqOf(id);
		pairs.push(['One more?', 'Yes.']);
		const error = await runError(op('faq', 'upsert', id, { entries: perItem }), {
			items: itemsOf(...pairs),
		});
		expect(error.message).toBe(
			`The FAQ of agent ${id} would have 51 entries; the limit is 50 [item 0]`,
		);
		expect(error.description).toMatch(/Nothing was changed/);
		expect(apiRequests().map((r) => r.method)).toEqual(['GET']);
		expect(faqOf(id)).toEqual(before);
	});

	it('Continue On Fail: a bad item and an agent that fails become error items; the other agent is written', async () => {
		const [good] = ctx.sandbox.agentIds.A;
		const foreign = ctx.sandbox.agentIds.B[0];
		const { items } = await run(op('faq', 'upsert', '={{ $json.agent }}', { entries: perItem }), {
			continueOnFail: true,
			items: [
				{ json: { agent: good, q: 'Kept?', a: 'Yes.' } },
				{ json: { agent: good, q: '', a: 'No question' } },
				{ json: { agent: foreign, q: 'Elsewhere?', a: 'No.' } },
			],
		});
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ added: ['Kept?'], saved: true });
		expect(items[1].json.error).toBe("FAQ entry 1 question can't be blank [item 1]");
		expect(items[2].json.error).toBe(`Agent ${foreign} was not found in this RingReady account`);
		expect(faqOf(good)['Kept?']).toBe('Yes.');
	});
});

it('Delete with no questions is refused before any request', async () => {
	const error = await runError(op('faq', 'delete', agentA(), { questions: [] }));
	expect(error.message).toBe('No questions to delete [item 0]');
	expect(apiRequests()).toHaveLength(0);
});

describe('Agent FAQ → Replace All', () => {
	it('an invalid item blocks only its own account and agent: the same agent id on another RingReady is replaced', async () => {
		const other = await startSandbox({ port: 0, controls: true });
		try {
			const id = agentA();
			expect(other.agentIds.A).toContain(id);
			const before = faqOf(id);
			const { json } = await run(op('faq', 'replace', id, { entries: perItem }), {
				credentials: { apiKey: '={{ $json.key }}', baseUrl: '={{ $json.url }}' },
				continueOnFail: true,
				items: [
					{
						json: {
							url: ctx.sandbox.url,
							key: ctx.sandbox.keys.readWrite,
							q: 'Long?',
							a: 'x'.repeat(501),
						},
					},
					{
						json: {
							url: ctx.sandbox.url,
							key: ctx.sandbox.keys.readWrite,
							q: 'Kept?',
							a: 'Yes.',
						},
					},
					{ json: { url: other.url, key: other.keys.readWrite, q: 'Other?', a: 'Yes.' } },
				],
			});
			expect(json[0].error).toBe(
				'FAQ entry 1 answer is too long: 501 characters, the limit is 500 [item 0]',
			);
			expect(json[1]).toEqual({
				error: `Replace All for agent ${id} was not run: item 0 is invalid [item 1]`,
				description: `Item 0: FAQ entry 1 answer is too long: 501 characters, the limit is 500 [item 0]. Nothing was written to the FAQ of agent ${id}, so that the entries of that item are not removed. Fix it and run again.`,
			});
			expect(json[2]).toMatchObject({ agent_id: id, added: ['Other?'], saved: true });
			expect(faqOf(id)).toEqual(before);
			expect(other.control.agent(id)!.faq).toEqual({ 'Other?': 'Yes.' });
		} finally {
			await other.close();
		}
	});

	it('an empty entry list empties the FAQ', async () => {
		const id = agentA();
		const { json } = await run(op('faq', 'replace', id, { entries: {} }));
		expect(faqOf(id)).toEqual({});
		expect(json[0].entry_count).toBe(0);
	});
});
