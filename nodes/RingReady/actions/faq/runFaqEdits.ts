import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { getAgent, updateAgent } from '../../shared/api';
import { FAQ_LIMITS } from '../../shared/contract';
import type { FaqEdit } from '../../shared/faq';
import { faqEquals, faqFromApi, faqToApi, planFaqChange } from '../../shared/faq';
import { asNodeError, ItemFailure, type ItemResults } from '../../shared/output';
import { faqChanges, readPreview } from '../../shared/preview';
import { faqSizeError, readAgentId } from '../../shared/validation';
import type { RequestSession } from '../../transport';
import { isWriteOutcomeUnknown, writeRefusedWaitMs } from '../../transport/errors';
import type { RunBatch } from '../operation';

/** Writes whose outcome stayed unknown (dropped, timed out, 5xx) before the node gives up on an agent. */
const UNKNOWN_WRITE_ATTEMPTS = 3;

interface PlannedEdit {
	itemIndex: number;
	edit: FaqEdit;
	preview: boolean;
}

export interface FaqEditOptions {
	/**
	 * Replace All: an invalid item fails every item of its agent (no write for that agent), since
	 * writing the others would remove the entries the invalid item meant to keep.
	 */
	invalidItemFailsAgent?: boolean;
}

/**
 * Every FAQ change goes read → merge → write, and the API's PATCH replaces the whole FAQ. So the
 * edits of all input items are grouped by account (the credential each item resolves to) and agent:
 * per group one merge and at most one PATCH per run.
 * Every item is validated first (no request yet). Then the agents side by side, each back to back:
 * read, merge, read again just before the PATCH and, if the FAQ changed in between (a colleague's
 * edit), merge again on the fresh copy. The re-read and the PATCH go ahead of queued requests, so
 * other agents' work never widens one agent's read→write gap. A write whose outcome is unknown (dropped connection, 5xx) is
 * checked by reading again, never blindly re-sent. A failing item or agent never takes the others
 * down with Continue On Fail; without it, the run stops at the first problem.
 */
export async function runFaqEdits(
	this: IExecuteFunctions,
	session: RequestSession,
	itemCount: number,
	readEdit: (itemIndex: number) => FaqEdit,
	options: FaqEditOptions = {},
): ReturnType<RunBatch> {
	const results: ItemResults = [];
	const fail = (error: unknown, itemIndexes: number[]) => {
		if (!this.continueOnFail()) throw asNodeError.call(this, error, itemIndexes[0]);
		for (const itemIndex of itemIndexes) results[itemIndex] = new ItemFailure(error);
	};

	const planned: Array<PlannedEdit & { agentId: number }> = [];
	const invalidItems: InvalidItem[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let agentId: number;
		try {
			agentId = readAgentId.call(this, itemIndex);
		} catch (error) {
			fail(error, [itemIndex]);
			continue;
		}
		try {
			planned.push({
				agentId,
				itemIndex,
				edit: readEdit(itemIndex),
				preview: readPreview.call(this, itemIndex),
			});
		} catch (error) {
			fail(error, [itemIndex]);
			if (options.invalidItemFailsAgent)
				invalidItems.push({ agentId, itemIndex, error: error as Error });
		}
	}

	// One group per account and agent: items whose credentials differ never share a read, a merge or
	// a write, even for the same agent id (an agent another key cannot see fails on that key's read).
	const accountOf = async (itemIndex: number) => (await session.resolve(itemIndex)).key;
	const groupKeyOf = (account: string, agentId: number) => JSON.stringify([account, agentId]);
	const accounts = await Promise.allSettled(
		planned.map(async (edit) => await accountOf(edit.itemIndex)),
	);
	const blockedGroups = await blockedByInvalidItems(invalidItems, accountOf, groupKeyOf);
	const groups = new Map<string, { agentId: number; edits: PlannedEdit[] }>();
	planned.forEach((edit, position) => {
		const account = accounts[position];
		if (account.status === 'rejected') {
			fail(account.reason, [edit.itemIndex]);
			return;
		}
		const groupKey = groupKeyOf(account.value, edit.agentId);
		const group = groups.get(groupKey) ?? { agentId: edit.agentId, edits: [] };
		group.edits.push(edit);
		groups.set(groupKey, group);
	});

	const tasks = [...groups.entries()].map(([groupKey, { agentId, edits }]) => {
		const itemIndexes = edits.map((planned) => planned.itemIndex);
		const invalid = blockedGroups.get(groupKey) ?? blockedGroups.get(anyAccount(agentId));
		if (invalid) {
			for (const itemIndex of itemIndexes) {
				results[itemIndex] = new ItemFailure(agentSkippedError(this, agentId, invalid, itemIndex));
			}
			return undefined;
		}
		// Preview on any item for this agent: the agent's whole change in this run is shown, nothing is written.
		const preview = edits.some((planned) => planned.preview);
		return {
			itemIndexes,
			// The same agent id under two credentials may be one agent (two keys of one account): one after the other.
			writesTo: `agent ${agentId}`,
			run: async () => {
				const result = await writeAgentFaq.call(this, session, agentId, edits, preview);
				edits.forEach((planned, index) => {
					const report = result.reports[index];
					results[planned.itemIndex] = {
						agent_id: agentId,
						...report,
						entry_count: result.entryCount,
						saved: result.saved,
						...(preview && {
							preview: true,
							changes: faqChanges(result.stored, result.next, report),
						}),
					} as IDataObject;
				});
			},
		};
	});
	return { results, tasks };
}

interface InvalidItem {
	agentId: number;
	itemIndex: number;
	error: Error;
}

const anyAccount = (agentId: number) => `any account: ${agentId}`;

/**
 * Replace All: the groups (account and agent) that an invalid item belongs to, each with its first
 * invalid item. An invalid item whose credential does not resolve blocks its agent id in every
 * account, since which FAQ it meant to keep entries in is unknown.
 */
async function blockedByInvalidItems(
	invalidItems: InvalidItem[],
	accountOf: (itemIndex: number) => Promise<string>,
	groupKeyOf: (account: string, agentId: number) => string,
): Promise<Map<string, InvalidItem>> {
	const blocked = new Map<string, InvalidItem>();
	const accounts = await Promise.allSettled(
		invalidItems.map(async (invalid) => await accountOf(invalid.itemIndex)),
	);
	invalidItems.forEach((invalid, position) => {
		const account = accounts[position];
		const groupKey =
			account.status === 'fulfilled'
				? groupKeyOf(account.value, invalid.agentId)
				: anyAccount(invalid.agentId);
		if (!blocked.has(groupKey)) blocked.set(groupKey, invalid);
	});
	return blocked;
}

async function writeAgentFaq(
	this: IExecuteFunctions,
	session: RequestSession,
	agentId: number,
	edits: PlannedEdit[],
	preview: boolean,
) {
	const itemIndex = edits[0].itemIndex;
	const readStoredFaq = async (first: boolean) =>
		faqFromApi((await getAgent(session, agentId, { itemIndex, withFaq: true, first })).faq);
	// Every way round again (the FAQ changed, the write was refused, its outcome is unknown) stops once
	// the transport's retry time is used up, as a request's own retries do.
	const retryEnd = session.retryEndFromNow();
	let stored = await readStoredFaq(false);
	let refusals = 0;
	let changes = 0;
	let unknownOutcomes = 0;
	for (;;) {
		const plan = planFaqChange(
			stored,
			edits.map((planned) => planned.edit),
		);
		if (plan.next.size > FAQ_LIMITS.maxEntries) {
			throw faqSizeError(this.getNode(), agentId, plan.next.size, itemIndex);
		}
		const done = {
			reports: plan.reports,
			entryCount: plan.next.size,
			saved: plan.changed,
			stored,
			next: plan.next,
		};
		if (preview) return { ...done, saved: false };
		if (!plan.changed) return done;

		const fresh = await readStoredFaq(true);
		if (!faqEquals(fresh, stored)) {
			// Someone else saved in between. The first time, merge again at once; after that, wait a
			// little longer each time (at random, so that executions editing the same agent take turns
			// instead of colliding again) and start from what RingReady holds then.
			changes++;
			if (changes === 1) {
				stored = fresh;
				continue;
			}
			const waitMs = session.waitBeforeRetryMs(undefined, changes - 1);
			if (Date.now() + waitMs >= retryEnd)
				throw keptChangingError(this, agentId, itemIndex, changes, session.policy.maxRetryMs);
			await sleep(waitMs);
			stored = await readStoredFaq(true);
			continue;
		}
		try {
			await updateAgent(
				session,
				agentId,
				{ faq: faqToApi(plan.next) },
				{
					itemIndex,
					first: true,
					retryWrite: false,
				},
			);
			return done;
		} catch (error) {
			// Refused without being applied (429, 503 with Retry-After): wait as asked, then read and merge
			// again rather than re-send a merge whose read is now that much older.
			const askedMs = writeRefusedWaitMs(error);
			const waitMs =
				askedMs === undefined ? undefined : session.waitBeforeRetryMs(askedMs, ++refusals);
			if (waitMs !== undefined && Date.now() + waitMs < retryEnd) {
				await sleep(waitMs);
				stored = await readStoredFaq(true);
				continue;
			}
			if (!isWriteOutcomeUnknown(error)) throw asNodeError.call(this, error, itemIndex);
			// Whether the PATCH was applied is unknown: read what RingReady holds now and decide.
			const after = await readStoredFaq(true);
			if (faqEquals(after, plan.next)) return done;
			if (++unknownOutcomes >= UNKNOWN_WRITE_ATTEMPTS || Date.now() >= retryEnd) {
				throw notSavedError(this, agentId, itemIndex, unknownOutcomes, error);
			}
			stored = after;
		}
	}
}

function keptChangingError(
	context: IExecuteFunctions,
	agentId: number,
	itemIndex: number,
	changes: number,
	retryMs: number,
) {
	return new NodeOperationError(
		context.getNode(),
		`The FAQ of agent ${agentId} kept changing while this node was saving it [item ${itemIndex}]`,
		{
			itemIndex,
			description: `Someone else saved it ${changes} times between this node's reads, for ${duration(retryMs)}. Nothing was written by this node; run it again when the other edits are done.`,
		},
	);
}

function notSavedError(
	context: IExecuteFunctions,
	agentId: number,
	itemIndex: number,
	writes: number,
	last: unknown,
) {
	return new NodeOperationError(
		context.getNode(),
		`The FAQ of agent ${agentId} could not be saved [item ${itemIndex}]`,
		{
			itemIndex,
			description: `${writes} writes in a row failed without saying whether RingReady applied them (the last: ${(last as Error).message}). After each, the FAQ was read again and did not hold the change. Nothing more was sent; try again in a few minutes.`,
		},
	);
}

function duration(ms: number): string {
	return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms / 1000} seconds`;
}

function agentSkippedError(
	context: IExecuteFunctions,
	agentId: number,
	invalid: { itemIndex: number; error: Error },
	itemIndex: number,
) {
	return new NodeOperationError(
		context.getNode(),
		`Replace All for agent ${agentId} was not run: item ${invalid.itemIndex} is invalid [item ${itemIndex}]`,
		{
			itemIndex,
			description: `Item ${invalid.itemIndex}: ${invalid.error.message}. Nothing was written to the FAQ of agent ${agentId}, so that the entries of that item are not removed. Fix it and run again.`,
		},
	);
}
