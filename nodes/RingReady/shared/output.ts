import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { invalid } from './validation';

/**
 * "Output" (node version 1.1 on): Simplified, Raw or Selected Fields, in place of version 1's
 * Simplify. What Simplified keeps of each record is in simplify.ts.
 */

/** The first node version with Output instead of Simplify. */
export const OUTPUT_VERSION = 1.1;

/** Shown from version 1.1 on, the way n8n's own versioned nodes write it. */
const FROM_OUTPUT_VERSION = { '@version': [{ _cnd: { gte: OUTPUT_VERSION } }] };

/** Shown in version 1 only. */
const BEFORE_OUTPUT_VERSION = { '@version': [{ _cnd: { lt: OUTPUT_VERSION } }] };

export type OutputMode = 'simplified' | 'raw' | 'selectedFields';

const OUTPUT_MODES: readonly OutputMode[] = ['simplified', 'raw', 'selectedFields'];

/** What to output of each record. `fields`: Selected Fields, the id first, in the record's field order. */
export type OutputChoice =
	| { mode: 'simplified'; typeVersion: number }
	| { mode: 'raw' }
	| { mode: 'selectedFields'; fields: string[] };

export interface OutputRecord {
	/** "conversation", "agent": in descriptions and messages. */
	name: string;
	/** What Simplified keeps, e.g. "ID, channel, agent, ...". */
	simplified: string;
	/** Every field Selected Fields may choose (the API's fields of the record, and derived ones). */
	fields: readonly string[];
	/** Added to the Fields description (e.g. which fields need the transcript). */
	fieldsNote?: string;
}

/** Version 1's Simplify property, shown in version 1 only. */
export function simplifyBeforeOutputVersion(simplify: INodeProperties): INodeProperties {
	return { ...simplify, displayOptions: { show: { ...BEFORE_OUTPUT_VERSION } } };
}

/** Output and Fields for one kind of record, shown from version 1.1 on. */
export function outputProperties(record: OutputRecord): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'simplified',
			options: [
				{
					name: 'Simplified',
					value: 'simplified',
					description: `Only ${record.simplified}: what most workflows and AI agents need, in few tokens`,
				},
				{
					name: 'Raw',
					value: 'raw',
					description: `The whole ${record.name} as RingReady returns it`,
				},
				{
					name: 'Selected Fields',
					value: 'selectedFields',
					description: 'Only the fields you choose, and the ID',
				},
			],
			description: `Which fields of each ${record.name} to return`,
			displayOptions: { show: { ...FROM_OUTPUT_VERSION } },
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			options: [...record.fields]
				.sort((a, b) => a.localeCompare(b))
				.map((field) => ({ name: field, value: field })),
			default: [],
			description: `The fields of each ${record.name} to return; the ID is always returned${record.fieldsNote ?? ''}`,
			displayOptions: { show: { ...FROM_OUTPUT_VERSION, output: ['selectedFields'] } },
		},
	];
}

/** The parameters Output reads: version 1's `simplify`, or version 1.1's `output` and `fields`. */
export interface OutputValues {
	simplify?: unknown;
	output?: unknown;
	fields?: unknown;
}

/**
 * What to output, from the node's Output (version 1.1 on) or Simplify (version 1), checked before
 * any request: an unknown Output value or a field the record does not have fails, naming it.
 * `itemIndex` undefined: no items (the trigger's parameters).
 */
export function parseOutput(
	node: INode,
	values: OutputValues,
	record: OutputRecord,
	itemIndex?: number,
): OutputChoice {
	const { typeVersion } = node;
	if (typeVersion < OUTPUT_VERSION) {
		return values.simplify ? { mode: 'simplified', typeVersion } : { mode: 'raw' };
	}
	const mode = (values.output ?? 'simplified') as OutputMode;
	if (!OUTPUT_MODES.includes(mode)) {
		throw invalid(
			node,
			itemIndex,
			`Output must be Simplified, Raw or Selected Fields, got "${String(mode).slice(0, 40)}"`,
			`Set Output to "simplified", "raw" or "selectedFields".`,
		);
	}
	if (mode === 'simplified') return { mode, typeVersion };
	if (mode === 'raw') return { mode };
	const chosen = chosenFields(values.fields);
	const unknown = chosen.filter((field) => !record.fields.includes(field));
	if (unknown.length > 0) {
		throw invalid(
			node,
			itemIndex,
			`Fields: "${unknown[0].slice(0, 40)}" is not a field of ${/^[aeiou]/.test(record.name) ? 'an' : 'a'} ${record.name}`,
			`Choose from: ${record.fields.join(', ')}.`,
		);
	}
	return {
		mode,
		fields: ['id', ...record.fields.filter((field) => field !== 'id' && chosen.includes(field))],
	};
}

/** The item's Output (or Simplify), as parseOutput checks it. */
export function readOutput(
	this: IExecuteFunctions,
	node: INode,
	itemIndex: number,
	record: OutputRecord,
): OutputChoice {
	const read = (name: keyof OutputValues, fallback: unknown) =>
		this.getNodeParameter(name, itemIndex, fallback) as unknown;
	return parseOutput(
		node,
		node.typeVersion < OUTPUT_VERSION
			? { simplify: read('simplify', false) }
			: { output: read('output', 'simplified'), fields: read('fields', []) },
		record,
		itemIndex,
	);
}

/** The editor saves a list; an expression (or a model) may give a comma-separated text. */
function chosenFields(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((field) => String(field).trim()).filter((field) => field !== '');
}

/** The record's `fields`, in that order; a field the record lacks is null. */
export function pickFields(
	record: Record<string, unknown>,
	fields: readonly string[],
): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) picked[field] = (record[field] ?? null) as IDataObject[string];
	return picked;
}
