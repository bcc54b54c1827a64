/**
 * A polling trigger run the way n8n 2.41's two schedulers run it, through n8n-core's own
 * PollContext, PollTriggerExecutor, runPollInStagingScope and commitStagedCursor; only what lives in
 * n8n's cli package is rebuilt here, after its source (workflows/triggers/, poll-cursor.service.ts,
 * scheduling/poll-trigger-node/):
 *
 *  - legacy (in-memory): one Workflow and one PollContext per activation hold the static data
 *    between polls. The activation poll runs as a "testing" poll; each cron tick runs
 *    `void executePollTrigger()` without waiting for the previous poll (`tick`), so polls can
 *    overlap. A re-publish activates anew; a poll of the old activation still running ends
 *    superseded (PollTriggerExecutor discards it: `isCurrent`). The static data is saved after
 *    activating and whenever a poll emits; a restart reloads it and runs the activation poll again.
 *  - durable (N8N_SCHEDULER_ENABLED, N8N_POLLER_DURABLE_CURSORS_ENABLED): every poll builds a new
 *    Workflow from the database; the node's static data is a snapshot of its `poller_state` cursor,
 *    committed after a scheduled poll (with its execution when it emits) and after the activation
 *    poll only when it emits. The global static data is saved after activating and whenever a poll
 *    emits. A restart does not poll. A scheduled poll past N8N_SCHEDULER_POLL_TIMEOUT (45 s, by the
 *    real clock or the trigger's) is abandoned as PollTriggerTaskHandler does: nothing of it is
 *    recorded and the next tick polls from the same cursor (a tick finds a still running poll past it).
 *  - several mains (`anotherMain`): a main claims each poll's task, adding one to its lease epoch;
 *    when it stalls past its lease the reaper reclaims the task (`reclaimStalledTask`) and another
 *    main polls from the committed cursor. The stalled poll's cursor and execution are then refused
 *    (advanceCursor's epoch fence); its global static data is saved all the same (__emit, unfenced).
 */
import { AsyncLocalStorage } from 'async_hooks';

import { Container } from '@n8n/di';
import { PollContext, PollTriggerExecutor, TriggersAndPollers } from 'n8n-core';
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	Workflow,
} from 'n8n-workflow';

import { ensureN8nCore } from '../harness/core';
import { HarnessCredentialsHelper } from '../harness/credentials-helper';
import {
	credentialStore,
	makeAdditionalData,
	makeNode,
	makeNodeTypes,
	makeWorkflow,
	nodeCredentialsFor,
	type TestCredentials,
} from '../harness/workflow';
import { afterEachResponse } from './sandbox';

export type SchedulerKind = 'legacy' | 'durable';
export const SCHEDULERS: SchedulerKind[] = ['legacy', 'durable'];

/** n8n 2.41's durable poll budget: 45 s poll timeout minus its 20 % margin. */
const DURABLE_POLL_BUDGET_MS = 36_000;
/** N8N_SCHEDULER_POLL_TIMEOUT's default (n8n 2.37+). */
export const DURABLE_POLL_TIMEOUT_MS = 45_000;

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface Span {
	setStatus(status: unknown): void;
}

function executor(): PollTriggerExecutor {
	const logger = { scoped: () => logger, debug() {}, info() {}, warn() {}, error() {} };
	const span: Span = { setStatus() {} };
	const tracing = {
		startSpan: async (_options: unknown, run: (s: Span) => unknown) => await run(span),
		startNewTraceSpan: async (_options: unknown, run: (s: Span) => unknown) => await run(span),
		pickWorkflowAttributes: () => ({}),
		pickNodeAttributes: () => ({}),
	};
	const errorReporter = { error() {}, warn() {} };
	return new (PollTriggerExecutor as unknown as new (...args: unknown[]) => PollTriggerExecutor)(
		logger,
		Container.get(TriggersAndPollers),
		tracing,
		errorReporter,
	);
}

export interface PollOutcome {
	items: IDataObject[] | null;
	error?: Error;
	/** Durable: past its timeout, so n8n recorded nothing of it. */
	abandoned?: boolean;
	/** Durable: its task was claimed again meanwhile, so n8n refused its commit (no execution). */
	refused?: boolean;
}

interface PollRecord {
	outcome: PollOutcome;
	abandoned: boolean;
	/** Durable scheduled polls only: by the clock the trigger sees. */
	timeoutAt?: number;
	/** Durable scheduled polls only: the task's lease epoch when this poll claimed it. */
	epoch?: number;
}

/** What n8n's database holds, shared by every main. */
interface Database {
	/** The workflow's static data (all nodes, and `global`). */
	staticData: IDataObject;
	/** Durable only: the node's row in `poller_state` (null: none yet). */
	cursor: IDataObject | null;
	/** Durable only: the poll task's `leaseEpoch`. */
	taskEpoch: number;
}

/** Whether n8n has abandoned this poll (marks it so once its time is up). */
function isAbandoned(record: PollRecord): boolean {
	if (record.timeoutAt !== undefined && Date.now() > record.timeoutAt) record.abandoned = true;
	return record.abandoned;
}

export class ScheduledTrigger {
	private db: Database = { staticData: {}, cursor: null, taskEpoch: 0 };
	/** Legacy only: the workflow object, poll context and executor of the running activation. */
	private live:
		| { workflow: Workflow; run: (activation: boolean) => Promise<PollOutcome> }
		| undefined;
	readonly nodeName = 'RingReady Trigger';
	/** Legacy: which activation is current (n8n's activation token). */
	private generation = 0;
	/** Durable: the scheduled poll running now, if any. */
	private runningPoll: PollRecord | undefined;
	/** Durable: N8N_SCHEDULER_POLL_TIMEOUT. */
	pollTimeoutMs = DURABLE_POLL_TIMEOUT_MS;

	constructor(
		readonly kind: SchedulerKind,
		readonly nodeType: INodeType,
		public parameters: INodeParameters,
		public credentials: TestCredentials,
		/** Overrides n8n's poll budget (ms) for both schedulers. */
		public budgetMs?: number,
	) {
		ensureN8nCore();
	}

	/** Activating (or re-publishing) the workflow: the activation poll. Throws when it fails, as activation does. */
	async activate(): Promise<PollOutcome> {
		this.live = undefined;
		this.generation++;
		const outcome = await this.run(true);
		if (outcome.error) throw outcome.error;
		return outcome;
	}

	/**
	 * A cron tick, a scheduled poll: its items, or the error n8n would record as a failed execution.
	 * `tick` does not wait for it (legacy: whether or not the previous one has finished, as n8n does).
	 */
	poll(): Promise<PollOutcome> {
		return this.run(false);
	}
	tick = () => this.poll();

	/** Durable: another main of the same n8n and database, running `nodeType` (its own module instance). */
	anotherMain(nodeType: INodeType): ScheduledTrigger {
		const { kind, parameters, credentials, budgetMs } = this;
		const main = new ScheduledTrigger(kind, nodeType, parameters, credentials, budgetMs);
		main.db = this.db;
		return main;
	}

	/** Durable: the running poll's main stalled past its lease; n8n's reaper reclaims the task. */
	reclaimStalledTask(): void {
		this.db.taskEpoch++;
	}

	/** n8n stops and starts again: what was not saved is gone (legacy re-runs the activation poll). */
	async restart(): Promise<PollOutcome | undefined> {
		this.live = undefined;
		this.generation++;
		if (this.kind === 'legacy') return await this.activate();
		return undefined;
	}

	/** The node's state where the scheduler keeps it (durable: the poller_state row). */
	nodeState(): IDataObject {
		if (this.kind === 'durable') return json(this.db.cursor ?? {});
		const live = this.live
			? (this.live.workflow.staticData[`node:${this.nodeName}`] as IDataObject)
			: undefined;
		return json(live ?? (this.db.staticData[`node:${this.nodeName}`] as IDataObject) ?? {});
	}

	private build(): Workflow {
		const store = credentialStore(this.credentials);
		const node = makeNode(this.nodeType, {
			name: this.nodeName,
			// The saved workflows these schedulers run are version 1 (the API's fields as they come).
			typeVersion: 1,
			parameters: this.parameters,
			credentials: nodeCredentialsFor(store),
		});
		return makeWorkflow({
			nodes: [node],
			nodeTypes: makeNodeTypes([this.nodeType]),
			staticData: json(this.db.staticData),
			active: true,
		});
	}

	private saveStaticData(workflow: Workflow): void {
		const data = workflow.staticData as IDataObject & { __dataChanged?: boolean };
		if (data.__dataChanged !== true) return;
		this.db.staticData = json(data);
		data.__dataChanged = false;
	}

	private async run(activation: boolean): Promise<PollOutcome> {
		if (this.kind === 'durable')
			return await this.bind(this.build(), false, activation ? 'activate' : 'update')(activation);
		if (this.live) return await this.live.run(activation);
		const generation = this.generation;
		const workflow = this.build();
		const isCurrent = () => this.generation === generation;
		this.live = { workflow, run: this.bind(workflow, true, 'activate', isCurrent) };
		return await this.live.run(activation);
	}

	/** One PollContext (n8n's poll functions) and its executor, for every poll run through it. */
	private bind(
		workflow: Workflow,
		legacy: boolean,
		activationMode: 'activate' | 'update',
		isCurrent = () => true,
	): (activation: boolean) => Promise<PollOutcome> {
		const durable = !legacy;
		const node = workflow.nodes[this.nodeName];
		const store = credentialStore(this.credentials);
		const additionalData = makeAdditionalData({
			credentialsHelper: new HarnessCredentialsHelper(store),
			mode: 'trigger',
			workflow,
		});
		// Which poll an emit belongs to, when polls through one context overlap.
		const current = new AsyncLocalStorage<PollRecord>();

		let staged: { snapshot: IDataObject; seed: string } | undefined;
		const takeStaged = (): IDataObject | null => {
			if (!staged || JSON.stringify(staged.snapshot) === staged.seed) return null;
			staged.seed = JSON.stringify(staged.snapshot);
			return json(staged.snapshot);
		};
		const holdsTask = (record: PollRecord) =>
			record.epoch === undefined || record.epoch === this.db.taskEpoch;
		const __emit = (data: INodeExecutionData[][]) => {
			const record = current.getStore()!;
			if (isAbandoned(record)) return;
			const cursor = takeStaged();
			this.saveStaticData(workflow);
			// With a cursor, execution and cursor are committed together, fenced by the task's epoch.
			if (cursor && !holdsTask(record)) {
				record.outcome = { items: null, refused: true };
				return;
			}
			if (cursor) this.db.cursor = cursor;
			record.outcome = { items: data[0].map((item) => item.json) };
		};
		const __emitError = (error: Error) => {
			if (isAbandoned(current.getStore()!)) return;
			current.getStore()!.outcome = { items: null, error };
		};
		const __commitCursor = async () => {
			const record = current.getStore()!;
			if (isAbandoned(record)) return;
			const cursor = takeStaged();
			if (cursor && holdsTask(record)) this.db.cursor = cursor;
		};
		const __runPoll = async <T>(poll: () => Promise<T>): Promise<T> => {
			if (durable) {
				this.db.cursor ??= json((workflow.getStaticData('node', node) as IDataObject) ?? {});
				staged = { snapshot: json(this.db.cursor), seed: JSON.stringify(this.db.cursor) };
			}
			return await poll();
		};
		const resolveNodeStaticData = () =>
			durable ? staged!.snapshot : workflow.getStaticData('node', node);
		const budgetMs = this.budgetMs ?? (durable ? DURABLE_POLL_BUDGET_MS : undefined);

		const context = new PollContext(
			workflow,
			node,
			additionalData,
			'trigger',
			activationMode,
			__emit,
			__emitError,
			__commitCursor,
			__runPoll,
			resolveNodeStaticData,
			budgetMs === undefined ? undefined : () => budgetMs,
		);
		const executePollTrigger = executor().create(workflow, node, context, isCurrent);
		return async (activation: boolean) => {
			const timed = durable && !activation;
			const record: PollRecord = {
				outcome: { items: null },
				abandoned: false,
				timeoutAt: timed ? Date.now() + this.pollTimeoutMs : undefined,
				epoch: timed ? ++this.db.taskEpoch : undefined, // a main claims the poll's task
			};
			if (timed) {
				// A tick while a poll still runs: that one is past its timeout by now.
				if (this.runningPoll) this.runningPoll.abandoned = true;
				this.runningPoll = record;
			}
			let timer: NodeJS.Timeout | undefined;
			const abandoned = new Promise<'abandoned'>((resolve) => {
				if (timed)
					timer = setTimeout(() => {
						record.abandoned = true;
						resolve('abandoned');
					}, this.pollTimeoutMs);
			});
			const polled = current.run(record, async () => await executePollTrigger(activation));
			polled.catch(() => {}); // an abandoned poll's end is nobody's concern
			try {
				if ((await Promise.race([polled, abandoned])) === 'abandoned')
					return { items: null, abandoned: true };
			} catch (error) {
				return { items: null, error: error as Error };
			} finally {
				clearTimeout(timer);
				if (this.runningPoll === record) this.runningPoll = undefined;
			}
			if (isAbandoned(record)) return { items: null, abandoned: true };
			if (activation) this.saveStaticData(workflow);
			return record.outcome;
		};
	}
}

/**
 * The host clock as the trigger sees it (the project's virtual clock): each HTTP response the
 * trigger receives takes `msPerResponse` of it, so a test runs polls of any length at once.
 * `budgetMs`: what PollContext.getPollBudgetMs answers (n8n 2.38+), for polls run without a scheduler.
 */
export function virtualClock(msPerResponse: number, budgetMs?: number) {
	let now = Date.now();
	const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
	const nodeType = afterEachResponse(() => (now += msPerResponse), budgetMs);
	return { nodeType, now: () => now, restore: () => spy.mockRestore() };
}
