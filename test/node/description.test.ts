import type { INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
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

	it('is usable as an AI tool, with a subtitle and themed icons; new nodes get version 1.1, saved workflows keep 1', () => {
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
		expect(description.name).toBe('ringReady');
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toContain('$parameter["operation"]');
		expect(description.icon).toEqual({
			light: 'file:../../icons/ringready.svg',
			dark: 'file:../../icons/ringready.dark.svg',
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
		const seen: Record<string, string> = {};
		for (const property of description.properties) {
			if (property.name !== 'operation') continue;
			const resource = (property.displayOptions!.show!.resource as string[])[0];
			for (const option of property.options as Array<{ value: string; action: string }>) {
				const parameters = { resource, operation: option.value };
				const said = NodeHelpers.makeDescription(parameters, tool);
				const toolName = nodeNameToToolName(NodeHelpers.makeNodeName(parameters, tool));
				expect(toolName).toBe(said.replace(/ /g, '_'));
				seen[`${resource}.${option.value}`] = said;
			}
		}
		// Every resource and operation the node offers, each once.
		expect(seen).toEqual({
			'account.get': 'Get account in RingReady',
			'agent.get': 'Get agent settings in RingReady',
			'agent.getAll': 'Get many agents in RingReady',
			'agent.update': 'Update agent settings in RingReady',
			'conversation.get': 'Get conversation with transcript in RingReady',
			'conversation.getAll': 'Get many conversations in RingReady',
			'faq.upsert': 'Create or update FAQ entries in RingReady',
			'faq.delete': 'Delete FAQ entries in RingReady',
			'faq.getAll': 'Get many FAQ entries in RingReady',
			'faq.replace': 'Replace all FAQ entries in RingReady',
		});
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

	const reads = [
		['conversation', 'get'],
		['conversation', 'getAll'],
		['agent', 'get'],
		['agent', 'getAll'],
	] as const;
	const shownNames = (values: Record<string, unknown>, typeVersion: number) =>
		description.properties
			.filter((property) =>
				NodeHelpers.displayParameter(
					values as INodeParameters,
					property,
					{ typeVersion },
					description,
				),
			)
			.map((property) => property.name)
			.filter((name) => ['simplify', 'output', 'fields'].includes(name));

	const propertyOf = (resource: string, operation: string, name: string) =>
		description.properties.find(
			(property) =>
				property.name === name &&
				NodeHelpers.displayParameter(
					{ resource, operation, output: 'selectedFields' },
					property,
					{ typeVersion: 1.1 },
					description,
				),
		)!;

	it.each(reads)(
		'%s › %s: version 1 shows Simplify, version 1.1 Output (Simplified by default, Raw, Selected Fields, which shows Fields)',
		(resource, operation) => {
			const values = { resource, operation };
			expect(shownNames(values, 1)).toEqual(['simplify']);
			expect(shownNames({ ...values, output: 'simplified' }, 1.1)).toEqual(['output']);
			expect(shownNames({ ...values, output: 'raw' }, 1.1)).toEqual(['output']);
			expect(shownNames({ ...values, output: 'selectedFields' }, 1.1)).toEqual([
				'output',
				'fields',
			]);
			const output = propertyOf(resource, operation, 'output');
			expect(output.default).toBe('simplified');
			expect(
				(output.options as Array<{ name: string; value: string }>).map((o) => [o.name, o.value]),
			).toEqual([
				['Simplified', 'simplified'],
				['Raw', 'raw'],
				['Selected Fields', 'selectedFields'],
			]);
		},
	);

	it('Download Recording is offered on Conversation › Get and Get Many, in both versions, and never to an AI agent', () => {
		const tool = { ...description, name: 'ringReadyTool' } as INodeTypeDescription;
		const recordingOptions = (
			type: INodeTypeDescription,
			operation: string,
			typeVersion: number,
		) => {
			const options = description.properties.find(
				(property) =>
					property.name === 'options' &&
					NodeHelpers.displayParameter(
						{ resource: 'conversation', operation },
						property,
						{ typeVersion },
						type,
					),
			)!;
			return (options.options as INodeProperties[])
				.filter((option) => NodeHelpers.displayParameter({}, option, { typeVersion }, type))
				.filter((option) =>
					['downloadRecording', 'binaryPropertyName', 'maxRecordingSizeMb'].includes(option.name),
				)
				.map((option) => [option.name, option.displayName, option.default]);
		};
		for (const operation of ['get', 'getAll'])
			for (const typeVersion of [1, 1.1]) {
				expect(recordingOptions(description, operation, typeVersion)).toEqual([
					['downloadRecording', 'Download Recording', false],
					['binaryPropertyName', 'Put Output File in Field', 'data'],
					['maxRecordingSizeMb', 'Max Recording Size (MB)', 25],
				]);
				expect(recordingOptions(tool, operation, typeVersion)).toEqual([]);
			}
	});
});
