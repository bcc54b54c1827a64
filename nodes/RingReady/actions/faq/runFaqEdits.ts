import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAgent, updateAgent } from '../../transport/agents';
import { FAQ_LIMITS } from '../../shared/contract';
import type { FaqChangeReport, FaqEdit } from '../../shared/faq';
import { applyFaqEdits, faqEquals, faqFromApi, faqToApi } from '../../shared/faq';
import { asNodeError, errorItem } from '../../shared/items';
import { faqSizeError } from '../../shared/validation';
import { readAgentId } from '../agent/agentId';
import { faqChanges, readPreview } from '../preview';

interface PlannedEdit {
	itemIndex: number;
	agentId: number;
	edit: FaqEdit;
	preview: boolean;
}

/**
 * Every FAQ change goes read → merge → write, and the API's PATCH replaces the whole FAQ. So the
 * edits of all input items are grouped by agent: one GET and at most one PATCH per agent per run.
 * Phases: validate every item (no request yet), read every agent and check the merged sizes, then
 * write. A failing item or agent never takes the others down with Continue On Fail; without it, the
 * run stops at the first problem and, unless a write itself fails, nothing has been written yet.
 */
export async function runFaqEdits(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	readEdit: (itemIndex: number) => FaqEdit,
): Promise<INodeExecutionData[]> {
	const output = new Map<number, INodeExecutionData>();
	const fail = (error: unknown, itemIndexes: number[]) => {
		if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndexes[0]);
		for (const itemIndex of itemIndexes) output.set(itemIndex, errorItem(error, itemIndex));
	};

	const byAgent = new Map<number, PlannedEdit[]>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const agentId = readAgentId.call(this, itemIndex);
			const planned = { itemIndex, agentId, edit: readEdit(itemIndex), preview: readPreview.call(this, itemIndex) };
			byAgent.set(agentId, [...(byAgent.get(agentId) ?? []), planned]);
		} catch (error) {
			fail(error, [itemIndex]);
		}
	}

	const writes: Array<{
		agentId: number;
		edits: PlannedEdit[];
		current: Map<string, string>;
		faq: Map<string, string>;
		changed: boolean;
	}> = [];
	for (const [agentId, edits] of byAgent) {
		const itemIndexes = edits.map((planned) => planned.itemIndex);
		try {
			const agent = await getAgent.call(this, agentId, itemIndexes[0]);
			const current = faqFromApi(agent.faq);
			const { next, reports } = applyFaqEdits(
				current,
				edits.map((planned) => planned.edit),
			);
			if (next.size > FAQ_LIMITS.maxEntries) throw faqSizeError(this.getNode(), agentId, next.size, itemIndexes[0]);
			edits.forEach((planned, index) => {
				output.set(planned.itemIndex, {
					json: { agent_id: agentId, ...reports[index], entry_count: next.size } as IDataObject,
					pairedItem: { item: planned.itemIndex },
				});
			});
			writes.push({ agentId, edits, current, faq: next, changed: !faqEquals(current, next) });
		} catch (error) {
			fail(error, itemIndexes);
		}
	}

	for (const { agentId, edits, current, faq, changed } of writes) {
		const itemIndexes = edits.map((planned) => planned.itemIndex);
		// Preview on any item for this agent: the whole run's change for the agent is shown, nothing is written.
		if (edits.some((planned) => planned.preview)) {
			for (const itemIndex of itemIndexes) {
				const json = output.get(itemIndex)!.json;
				Object.assign(json, { saved: false, preview: true, changes: faqChanges(current, faq, json as unknown as FaqChangeReport) });
			}
			continue;
		}
		try {
			if (changed) await updateAgent.call(this, agentId, { faq: faqToApi(faq) }, itemIndexes[0]);
			for (const itemIndex of itemIndexes) output.get(itemIndex)!.json.saved = changed;
		} catch (error) {
			fail(error, itemIndexes);
		}
	}

	return [...output.keys()].sort((a, b) => a - b).map((itemIndex) => output.get(itemIndex)!);
}
