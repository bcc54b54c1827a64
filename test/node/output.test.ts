/**
 * Output (node version 1.1): Simplified, Raw and Selected Fields on Conversation and Agent Get /
 * Get Many, and version 1 (saved workflows) keeping its Simplify.
 */
import { NodeHelpers } from 'n8n-workflow';

import { apiRequests, node, op, run, runError, useSandbox } from './fixture';

const ctx = useSandbox();

const conversationGet = (id: number, extra: Record<string, unknown> = {}) =>
	op('conversation', 'get', id, { ...extra });

const conversationGetMany = (extra: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'getAll',
	limit: 3,
	...extra,
});

const SIMPLIFIED_CONVERSATION = [
	'id',
	'channel',
	'agent_id',
	'caller_name',
	'from',
	'label',
	'summary',
	'started_at',
	'duration_seconds',
];

const newest = (count: number) => ctx.sandbox.control.conversations('A').slice(0, count);

describe('Output: Simplified (what a new node returns)', () => {
	it('Conversation › Get: 10 fields, the ID first and the transcript as text', async () => {
		const [conversation] = newest(1);
		const { json } = await run(conversationGet(conversation.id));
		expect(Object.keys(json[0])).toEqual([...SIMPLIFIED_CONVERSATION, 'transcript_text']);
		expect(json[0].id).toBe(conversation.id);
		expect(json[0].summary).toBe(conversation.summary);
		expect(String(json[0].transcript_text).split('\n')).toHaveLength(
			conversation.transcript!.length,
		);
	});

	it('Conversation › Get Many: 9 fields without transcripts, 10 with them', async () => {
		const plain = await run(conversationGetMany());
		expect(plain.json.map((c) => Object.keys(c))).toEqual(
			newest(3).map(() => SIMPLIFIED_CONVERSATION),
		);
		const withTranscripts = await run(
			conversationGetMany({ options: { includeTranscripts: true } }),
		);
		expect(withTranscripts.json.map((c) => Object.keys(c))).toEqual(
			newest(3).map(() => [...SIMPLIFIED_CONVERSATION, 'transcript_text']),
		);
	});

	it('Agent › Get and Get Many: the same fields as Simplify', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const one = await run(op('agent', 'get', agent.id));
		expect(one.json).toEqual([
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
		const many = await run({ resource: 'agent', operation: 'getAll', returnAll: true });
		expect(many.json).toEqual(
			ctx.sandbox.control.agents('A').map((a) => ({
				id: a.id,
				agent_name: a.agent_name,
				business_name: a.business_name,
				phone_number: a.phone_number,
			})),
		);
	});
});

it('Output: Raw returns each record as RingReady sent it (a web chat with its visitor IP), with Add Transcript Text its text too', async () => {
	const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
	expect(chat.web_chat!.visitor_ip).toBeTruthy();
	const one = await run(conversationGet(chat.id, { output: 'raw' }));
	expect(one.json).toEqual([chat]);
	const withText = await run(
		conversationGet(chat.id, { output: 'raw', options: { transcriptText: true } }),
	);
	expect(withText.json).toEqual([{ ...chat, transcript_text: expect.any(String) }]);
	const agent = ctx.sandbox.control.agents('A')[1];
	const agentRaw = await run(op('agent', 'get', agent.id, { output: 'raw' }));
	expect(agentRaw.json).toEqual([ctx.sandbox.control.agent(agent.id)]);
});

describe('Output: Selected Fields', () => {
	it('Conversation › Get returns the chosen fields and the ID, in the record’s order', async () => {
		const [conversation] = newest(1);
		const { json } = await run(
			conversationGet(conversation.id, {
				output: 'selectedFields',
				fields: ['transcript_text', 'summary', 'recording_url'],
			}),
		);
		expect(json).toEqual([
			{
				id: conversation.id,
				summary: conversation.summary,
				recording_url: conversation.recording_url,
				transcript_text: expect.stringMatching(/^[A-Z][a-z ]*: /),
			},
		]);
	});

	it('Conversation › Get Many: choosing a field only the full conversation has fetches each in full', async () => {
		const listed = newest(3);
		const summaries = await run(
			conversationGetMany({ output: 'selectedFields', fields: ['label'] }),
		);
		expect(summaries.json).toEqual(listed.map((c) => ({ id: c.id, label: c.label ?? null })));
		expect(apiRequests().map((r) => r.path)).toEqual(['/api/v1/conversations']);

		ctx.sandbox.control.clearRequests();
		const full = await run(
			conversationGetMany({ output: 'selectedFields', fields: ['transcript_text'] }),
		);
		expect(full.json.map((c) => Object.keys(c))).toEqual(
			listed.map(() => ['id', 'transcript_text']),
		);
		expect(apiRequests().map((r) => r.path)).toEqual(
			expect.arrayContaining(listed.map((c) => `/api/v1/conversations/${c.id}`)),
		);
	});

	it('Agent › Get and Get Many return the chosen fields and the ID', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const one = await run(
			op('agent', 'get', agent.id, { output: 'selectedFields', fields: ['agent_goal'] }),
		);
		expect(one.json).toEqual([{ id: agent.id, agent_goal: agent.agent_goal }]);
		const many = await run({
			resource: 'agent',
			operation: 'getAll',
			returnAll: true,
			output: 'selectedFields',
			fields: ['phone_number'],
		});
		expect(many.json).toEqual(
			ctx.sandbox.control.agents('A').map((a) => ({ id: a.id, phone_number: a.phone_number })),
		);
	});

	it('Fields offers exactly the fields RingReady sends of each record (and transcript_text for conversations)', async () => {
		const offered = (resource: string, operation: string) => {
			const fields = node.description.properties.find(
				(property) =>
					property.name === 'fields' &&
					NodeHelpers.displayParameter(
						{ resource, operation, output: 'selectedFields' },
						property,
						{ typeVersion: 1.1 },
						node.description,
					),
			)!;
			return (fields.options as Array<{ value: string }>).map((o) => o.value);
		};
		const conversation = [...Object.keys(newest(1)[0]), 'transcript_text'].sort();
		const agent = ctx.sandbox.control.agents('A')[0];
		const listed = await run({ resource: 'agent', operation: 'getAll', limit: 1, output: 'raw' });
		expect(offered('conversation', 'get')).toEqual(conversation);
		expect(offered('conversation', 'getAll')).toEqual(conversation);
		expect(offered('agent', 'get')).toEqual(
			Object.keys(ctx.sandbox.control.agent(agent.id)!).sort(),
		);
		expect(offered('agent', 'getAll')).toEqual(Object.keys(listed.json[0]).sort());
	});

	it('a field the record does not have fails before any request, listing the fields', async () => {
		const error = await runError({
			resource: 'agent',
			operation: 'getAll',
			returnAll: true,
			output: 'selectedFields',
			fields: '={{ "agent_name, voice" }}',
		});
		expect(error.message).toBe('Fields: "voice" is not a field of an agent [item 0]');
		expect(error.description).toBe(
			'Choose from: id, agent_name, business_name, phone_number, subscription_type, created_at.',
		);
		expect(apiRequests()).toEqual([]);
	});
});

describe('version 1 (saved workflows) keeps Simplify and ignores Output', () => {
	const VERSION_1_SIMPLIFIED = [...SIMPLIFIED_CONVERSATION, 'end_reason'];
	const fieldsOf = (conversation: object) =>
		Object.fromEntries(
			VERSION_1_SIMPLIFIED.map((f) => [f, (conversation as Record<string, unknown>)[f] ?? null]),
		);

	it('Conversation › Get: without Simplify the whole conversation, with it the 11 fields of version 1, the transcript as text only', async () => {
		const chat = ctx.sandbox.control.conversations('A').find((c) => c.channel === 'web_chat')!;
		const full = await run(conversationGet(chat.id, { output: 'simplified' }), { typeVersion: 1 });
		expect(full.json).toEqual([chat]);
		const simplified = await run(conversationGet(chat.id, { simplify: true, output: 'raw' }), {
			typeVersion: 1,
		});
		expect(simplified.json).toEqual([
			{
				...fieldsOf(chat),
				transcript_text: chat
					.transcript!.map(
						(turn) =>
							`${turn.role.charAt(0).toUpperCase()}${turn.role.slice(1).replace(/_/g, ' ')}: ${turn.content}`,
					)
					.join('\n'),
			},
		]);
		expect(Object.keys(simplified.json[0])).toEqual([...VERSION_1_SIMPLIFIED, 'transcript_text']);
	});

	it('Conversation › Get Many with Simplify: those fields, plus transcript_text with Add Transcript Text or Include Transcripts', async () => {
		const simplify = (options: Record<string, unknown> = {}) =>
			run(conversationGetMany({ simplify: true, options }), { typeVersion: 1 });
		expect((await simplify()).json).toEqual(newest(3).map(fieldsOf));
		for (const options of [{ transcriptText: true }, { includeTranscripts: true }]) {
			const { json } = await simplify(options);
			expect(json.map((c) => Object.keys(c))).toEqual(
				newest(3).map(() => [...VERSION_1_SIMPLIFIED, 'transcript_text']),
			);
			expect(json.every((c) => /^[A-Z][a-z ]*: /.test(String(c.transcript_text)))).toBe(true);
		}
	});

	it('Agent › Get and Get Many: with Simplify the fields of Simplified, without it the record as RingReady sent it', async () => {
		const agent = ctx.sandbox.control.agents('A')[0];
		const get = op('agent', 'get', agent.id);
		const getMany = { resource: 'agent', operation: 'getAll', returnAll: true };
		for (const parameters of [get, getMany]) {
			const v1 = await run({ ...parameters, simplify: true, output: 'raw' }, { typeVersion: 1 });
			const simplified = await run(parameters);
			expect(v1.json).toEqual(simplified.json);
		}
		const whole = await run({ ...get, output: 'simplified' }, { typeVersion: 1 });
		expect(whole.json).toEqual([JSON.parse(JSON.stringify(agent))]);
		const v1 = await run({ ...getMany, output: 'simplified' }, { typeVersion: 1 });
		const raw = await run({ ...getMany, output: 'raw' });
		expect(v1.json).toEqual(raw.json);
	});
});
