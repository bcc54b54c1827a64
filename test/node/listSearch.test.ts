import { runListSearch } from '../harness';
import { apiRequests, node, useSandbox } from './fixture';

const ctx = useSandbox();

describe('resource locators: From List', () => {
	it('searchAgents lists the account’s agents and filters by name or business', async () => {
		const all = await runListSearch(node, 'searchAgents', { credentials: ctx.credentials() });
		const agents = ctx.sandbox.control.agents('A');
		expect(all.results.map((r) => r.value)).toEqual(agents.map((a) => String(a.id)));
		expect(all.results[0].name).toBe(
			`${agents[0].agent_name} — ${agents[0].business_name} (#${agents[0].id})`,
		);

		const needle = agents[1].business_name.slice(0, 5).toUpperCase();
		const filtered = await runListSearch(node, 'searchAgents', {
			credentials: ctx.credentials(),
			filter: needle,
		});
		expect(filtered.results.map((r) => r.value)).toContain(String(agents[1].id));
		expect(filtered.results.length).toBeLessThan(agents.length + 1);
	});

	it('searchConversations pages with the cursor as the pagination token, without gaps or repeats', async () => {
		const expected = ctx.sandbox.control.conversations('A').map((c) => String(c.id));
		const seen: string[] = [];
		let token: string | undefined;
		do {
			const page = await runListSearch(node, 'searchConversations', {
				credentials: ctx.credentials(),
				paginationToken: token,
			});
			seen.push(...page.results.map((r) => String(r.value)));
			token = page.paginationToken as string | undefined;
		} while (token);
		expect(seen).toEqual(expected);
		expect(apiRequests().every((r) => r.query.limit === '50')).toBe(true);
	});

	it('list entries name the channel, caller and time', async () => {
		const page = await runListSearch(node, 'searchConversations', {
			credentials: ctx.credentials(),
		});
		const conversations = ctx.sandbox.control.conversations('A').slice(0, page.results.length);
		const call = conversations.findIndex((c) => c.channel === 'phone' && c.caller_name);
		const chat = conversations.findIndex((c) => c.channel === 'web_chat');
		expect(call).toBeGreaterThanOrEqual(0);
		expect(chat).toBeGreaterThanOrEqual(0);
		for (const index of [call, chat]) {
			const c = conversations[index];
			const parts = page.results[index].name.split(' · ');
			expect(parts[0]).toBe(`#${c.id}`);
			expect(parts[1]).toBe(c.channel === 'phone' ? 'Call' : 'Chat');
			expect(parts[2]).toBe(String(c.caller_name ?? c.from ?? 'Unknown caller'));
			// started_at 2026-05-04T09:13:27Z reads "2026-05-04 09:13 UTC"
			const [date, time] = c.started_at.split('T');
			expect(parts.at(-1)).toBe(`${date} ${time.slice(0, 5)} UTC`);
		}
	});
});
