import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, nodeNameToToolName } from 'n8n-workflow';

import { node } from './fixture';

function walk(
	properties: INodeProperties[],
	visit: (p: INodeProperties, path: string) => void,
	path = '',
) {
	for (const property of properties) {
		visit(property, `${path}${property.name}`);
		const options = (property.options ?? []) as unknown[];
		for (const option of options) {
			if (option && typeof option === 'object' && 'type' in option)
				walk([option as INodeProperties], visit, `${path}${property.name}.`);
			if (option && typeof option === 'object' && 'values' in option)
				walk((option as { values: INodeProperties[] }).values, visit, `${path}${property.name}.`);
		}
	}
}

describe('node description', () => {
	const { description } = node;

	it('is usable as an AI tool, with a subtitle and themed icons', () => {
		expect(description.name).toBe('ringReady');
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toContain('$parameter["operation"]');
		expect(description.icon).toEqual({
			light: 'file:../../icons/ringready.svg',
			dark: 'file:../../icons/ringready.dark.svg',
		});
	});

	it('offers exactly the documented resources and operations', () => {
		const operations: Record<string, string[]> = {};
		for (const property of description.properties) {
			if (property.name !== 'operation') continue;
			const resource = (property.displayOptions!.show!.resource as string[])[0];
			operations[resource] = (property.options as Array<{ value: string }>).map((o) => o.value);
		}
		expect(operations).toEqual({
			account: ['get'],
			agent: ['get', 'getAll', 'update'],
			conversation: ['get', 'getAll'],
			faq: ['upsert', 'delete', 'getAll', 'replace'],
		});
	});

	it('as an AI tool, each operation is described to the model by its action: "{action} in RingReady"', () => {
		// What n8n builds for a RingReady Tool left on "Description: Set Automatically", and the tool name
		// it derives from the default node name (n8n-workflow makeDescription / makeNodeName / nodeNameToToolName).
		const tool = {
			...description,
			name: 'ringReadyTool',
			outputs: ['ai_tool'],
		} as unknown as INodeTypeDescription;
		const seen: Record<string, { description: string; toolName: string }> = {};
		for (const property of description.properties) {
			if (property.name !== 'operation') continue;
			const resource = (property.displayOptions!.show!.resource as string[])[0];
			for (const option of property.options as Array<{ value: string; action: string }>) {
				const parameters = { resource, operation: option.value };
				const nodeName = NodeHelpers.makeNodeName(parameters, tool);
				seen[`${resource}.${option.value}`] = {
					description: NodeHelpers.makeDescription(parameters, tool),
					toolName: nodeNameToToolName(nodeName),
				};
			}
		}
		expect(seen).toEqual({
			'account.get': {
				description: 'Get account in RingReady',
				toolName: 'Get_account_in_RingReady',
			},
			'agent.get': {
				description: 'Get agent settings in RingReady',
				toolName: 'Get_agent_settings_in_RingReady',
			},
			'agent.getAll': {
				description: 'Get many agents in RingReady',
				toolName: 'Get_many_agents_in_RingReady',
			},
			'agent.update': {
				description: 'Update agent settings in RingReady',
				toolName: 'Update_agent_settings_in_RingReady',
			},
			'conversation.get': {
				description: 'Get conversation with transcript in RingReady',
				toolName: 'Get_conversation_with_transcript_in_RingReady',
			},
			'conversation.getAll': {
				description: 'Get many conversations in RingReady',
				toolName: 'Get_many_conversations_in_RingReady',
			},
			'faq.upsert': {
				description: 'Create or update FAQ entries in RingReady',
				toolName: 'Create_or_update_FAQ_entries_in_RingReady',
			},
			'faq.delete': {
				description: 'Delete FAQ entries in RingReady',
				toolName: 'Delete_FAQ_entries_in_RingReady',
			},
			'faq.getAll': {
				description: 'Get many FAQ entries in RingReady',
				toolName: 'Get_many_FAQ_entries_in_RingReady',
			},
			'faq.replace': {
				description: 'Replace all FAQ entries in RingReady',
				toolName: 'Replace_all_FAQ_entries_in_RingReady',
			},
		});
	});

	it("action labels follow n8n's UX rules: sentence case, no articles", () => {
		const problems: string[] = [];
		for (const property of description.properties) {
			if (property.name !== 'operation') continue;
			for (const { action } of property.options as Array<{ action: string }>) {
				if (/\b(a|an|the)\b/i.test(action)) problems.push(`"${action}" has an article`);
				const words = action.split(' ').slice(1);
				if (!/^[A-Z]/.test(action) || words.some((word) => /^[A-Z][a-z]/.test(word)))
					problems.push(`"${action}" is not sentence case`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('Replace All shows its notice, and a stronger one when the node is an AI tool', () => {
		const tool = { ...description, name: 'ringReadyTool' } as INodeTypeDescription;
		const shown = (type: INodeTypeDescription, operation: string) =>
			description.properties
				.filter((property) => property.type === 'notice')
				.filter((property) =>
					NodeHelpers.displayParameter(
						{ resource: 'faq', operation },
						property,
						{ typeVersion: 1 },
						type,
					),
				)
				.map((property) => property.displayName);
		expect(shown(description, 'replace')).toEqual([
			'Replace All removes every FAQ entry that is not listed under Entries. To add or change a few entries, use Create or Update.',
		]);
		expect(shown(tool, 'replace')).toEqual([
			expect.stringMatching(
				/^As an AI tool, one call of Replace All makes the FAQ exactly what the model sends/,
			),
		]);
		expect(shown(description, 'upsert')).toEqual([]);
		expect(shown(tool, 'upsert')).toEqual([]);
	});

	it('every parameter a user or an AI agent sets has a description it can act on', () => {
		const missing: string[] = [];
		walk(description.properties, (property, path) => {
			if (
				['resource', 'operation'].includes(property.name) ||
				['notice', 'collection', 'fixedCollection'].includes(property.type)
			)
				return;
			if (!property.description || property.description.length < 15) missing.push(path);
		});
		expect(missing).toEqual([]);
	});

	it('resource locators offer "From List" first', () => {
		const firstModes: Record<string, string> = {};
		walk(description.properties, (property, path) => {
			if (property.type === 'resourceLocator') firstModes[path] = property.modes![0].name;
		});
		// every locator the node has: agent (several operations and the filter) and conversation
		expect(Object.keys(firstModes).length).toBeGreaterThanOrEqual(2);
		expect(Object.keys(firstModes)).toEqual(
			expect.arrayContaining(['agentId', 'conversationId', 'filters.agentId']),
		);
		expect(Object.values(firstModes).every((mode) => mode === 'list')).toBe(true);
	});
});
