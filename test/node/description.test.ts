import type { INodeProperties } from 'n8n-workflow';

import { node } from './fixture';

function walk(properties: INodeProperties[], visit: (p: INodeProperties, path: string) => void, path = '') {
	for (const property of properties) {
		visit(property, `${path}${property.name}`);
		const options = (property.options ?? []) as unknown[];
		for (const option of options) {
			if (option && typeof option === 'object' && 'type' in option) walk([option as INodeProperties], visit, `${path}${property.name}.`);
			if (option && typeof option === 'object' && 'values' in option) walk((option as { values: INodeProperties[] }).values, visit, `${path}${property.name}.`);
		}
	}
}

describe('node description', () => {
	const { description } = node;

	it('is usable as an AI tool, with a subtitle and themed icons', () => {
		expect(description.name).toBe('ringReady');
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toContain('$parameter["operation"]');
		expect(description.icon).toEqual({ light: 'file:../../icons/ringready.svg', dark: 'file:../../icons/ringready.dark.svg' });
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

	it('every parameter a user or an AI agent sets has a description it can act on', () => {
		const missing: string[] = [];
		walk(description.properties, (property, path) => {
			if (['resource', 'operation'].includes(property.name) || ['notice', 'collection', 'fixedCollection'].includes(property.type)) return;
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
		expect(Object.keys(firstModes)).toEqual(expect.arrayContaining(['agentId', 'conversationId', 'filters.agentId']));
		expect(Object.values(firstModes).every((mode) => mode === 'list')).toBe(true);
	});
});
