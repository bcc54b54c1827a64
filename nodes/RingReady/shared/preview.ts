import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AgentDetail } from './contract';
import { optionsCollection } from './descriptions';

/** The Options collection of every write operation: Preview computes the change and saves nothing. */
export function previewOptions(what: string): INodeProperties {
	return optionsCollection([
		{
			displayName: 'Preview',
			name: 'preview',
			type: 'boolean',
			default: false,
			description: `Whether to only read the agent and output exactly what would change (${what}) without saving anything, so a person can approve it (e.g. with Send and Wait) before a second step saves it`,
		},
	]);
}

export function readPreview(this: IExecuteFunctions, itemIndex: number): boolean {
	return this.getNodeParameter('options.preview', itemIndex, false) === true;
}

/**
 * What Agent › Update would do, without doing it: the same `{id, updated}` RingReady answers a save
 * with (the fields sent, in order), and each field's current and new value.
 */
export function agentUpdatePreview(agent: AgentDetail, body: Record<string, string>): IDataObject {
	const current = agent as Record<string, unknown>;
	const changes: IDataObject = {};
	const unchanged: string[] = [];
	for (const [field, after] of Object.entries(body)) {
		const before = (current[field] ?? null) as string | null;
		if (before === after) unchanged.push(field);
		else changes[field] = { before, after };
	}
	return {
		id: agent.id,
		updated: Object.keys(body),
		preview: true,
		saved: false,
		changes,
		unchanged,
	};
}

/** One FAQ entry a save would add, change or remove: its answer now (null: absent) and after the save. */
export interface FaqEntryChange {
	question: string;
	before: string | null;
	after: string | null;
}

/**
 * The entries behind one item's report (its added, updated and removed questions), with their answers
 * in the stored FAQ and in the FAQ the save would write. Questions match trimmed, as in the merge.
 */
export function faqChanges(
	stored: Map<string, string>,
	next: Map<string, string>,
	report: { added: string[]; updated: string[]; removed: string[] },
): FaqEntryChange[] {
	const byQuestion = (faq: Map<string, string>) =>
		new Map([...faq].map(([question, answer]) => [question.trim(), answer]));
	const before = byQuestion(stored);
	const after = byQuestion(next);
	return [...report.added, ...report.updated, ...report.removed].map((question) => ({
		question,
		before: before.get(question.trim()) ?? null,
		after: after.get(question.trim()) ?? null,
	}));
}
