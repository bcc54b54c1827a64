/**
 * The package in n8n queue mode (run by test/scale/run.sh, which starts Postgres and Redis, builds and
 * packs the package, and finds n8n 2.x first).
 *
 * One n8n main (owns the trigger, receives webhooks) and two `n8n worker`s (run every execution), all
 * on one Postgres database and one Redis queue, each with the packed package in its own user folder.
 * Two sandboxes: one only the trigger reads (so its request log is the trigger's polls), one the FAQ
 * webhook workflows use.
 *
 *   trigger — RingReady Trigger → HTTP Request POST to a sink, published. Conversations are added in
 *             bursts (spaced, sharing a second, processed late, too late for the window) between
 *             scheduled polls; polls meet 429/503/dropped connections, one poll fails outright, and
 *             worker 1 is SIGKILLed between polls and restarted. Every conversation created after
 *             activation must reach the sink exactly once (the too-late ones never).
 *   node    — webhook → Split Out → RingReady Get Conversation (transcript) → RingReady FAQ Create or
 *             Update → Respond. ~200 concurrent calls over both workers under a per-key rate limit and
 *             injected faults; one execution per agent at a time; one execution with many items; and
 *             pairs of executions on one agent at growing start offsets (the lost-update window of a
 *             PATCH that replaces the whole FAQ).
 *   code    — the node and credential sources keep no module-level mutable state.
 *
 * Prints one line per check and the figures, and ends with `N passed, N failed`; exits 1 on any failure.
 */
import assert from 'assert/strict';
import { randomBytes, randomInt } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';

import { RETRY_POLICY } from '../../nodes/RingReady/transport';
import {
	keyPrefix,
	startSandbox,
	type FaultSpec,
	type RequestLogEntry,
	type Sandbox,
} from '../sandbox';
import {
	delay,
	DURABLE_SCHEDULER_ENV,
	installPackage,
	N8n,
	type N8nInstall,
} from '../../tools/n8n';
import { startSink, type Sink } from '../e2e/lib/sink';
import { Suite } from '../e2e/lib/suite';
import type { Workflow } from '../e2e/workflows';
import { analyseModuleState } from './lib/module-state';
import { N8nWorker, queueModeEnv, servicesFromEnv } from './lib/queue';
import { Prng } from '../../tools/prng';
import { countBy, ms, percentile, spread } from './lib/stats';
import {
	CREDENTIALS,
	FAQ_CREDENTIALS,
	FAQ_WORKFLOW_IDS,
	faqWebhookPath,
	faqWorkflow,
	triggerWorkflow,
	type FaqCallItem,
	type FaqCallResponse,
} from './workflows';
import {
	cleanups,
	pidRecorder,
	requiredEnv,
	runCleanups,
	runScript,
	secretLeaks,
} from '../../tools/script';

const ROOT = resolve(__dirname, '..', '..');
const fromRunSh = (name: string) => requiredEnv(name, 'test/scale/run.sh');
const install: N8nInstall = {
	line: 2,
	dir: fromRunSh('SCALE_N8N_DIR'),
	nodeBin: fromRunSh('SCALE_N8N_NODE'),
};
const packageDir = fromRunSh('SCALE_PACKAGE_DIR');
const workDir = fromRunSh('SCALE_WORK_DIR');
const recordPid = pidRecorder(process.env.SCALE_PIDS_FILE);
const seed = Number(process.env.SCALE_SEED || randomInt(1, 1_000_000));
/** Webhook calls in the concurrency run and in the one-execution-per-agent run. */
const CALLS = Math.max(24, Number(process.env.SCALE_CALLS || 200));
/** A poll is over when the trigger's sandbox saw no request for this long (longer than any retry backoff). */
const POLL_QUIET_MS = 12_000;
/** SCALE_TRACKS=node runs only the node phases (quicker when working on them); default: everything. */
const TRACKS = new Set(
	(process.env.SCALE_TRACKS || 'trigger,node').split(',').map((track) => track.trim()),
);
/** SCALE_SCHEDULER=durable runs the trigger on n8n's durable, database-backed scheduler; default: the in-memory one. */
const SCHEDULER = process.env.SCALE_SCHEDULER === 'durable' ? 'durable' : 'legacy';
const schedulerEnv = SCHEDULER === 'durable' ? DURABLE_SCHEDULER_ENV : {};
/** Worker concurrency (n8n's default). */
const WORKER_CONCURRENCY = 10;
/** The node sandbox's per-key limit on requests in flight during the load runs (429 + Retry-After beyond it). */
const RATE_LIMIT = { maxInFlight: 2, retryAfter: 1 };
/** During the load runs one API request in this many meets an injected fault (503, dropped, 429, 502 in turn). */
const FAULT_EVERY_REQUESTS = 12;

const rng = new Prng(seed);
const suite = new Suite();
const secrets: string[] = [];
const outputs: Array<{ what: string; text: string }> = [];
const figures: string[] = [];

function figure(track: string, text: string): void {
	figures.push(`[${track}] ${text}`);
	suite.log(track, `» ${text}`);
}

function isoSeconds(epochMs: number): string {
	return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ------------------------------------------------------------------------------------------------
// the cluster

interface Cluster {
	main: N8n;
	workers: N8nWorker[];
	/** Only the trigger talks to this one. */
	triggerSandbox: Sandbox;
	/** The FAQ webhook workflows talk to this one. */
	nodeSandbox: Sandbox;
	sink: Sink;
	trigger: Workflow;
}

async function setup(): Promise<Cluster> {
	const services = servicesFromEnv();
	const triggerSandbox = await startSandbox({ latencyMs: 25 });
	cleanups.push(() => triggerSandbox.close());
	const nodeSandbox = await startSandbox({ latencyMs: 20 });
	cleanups.push(() => nodeSandbox.close());
	secrets.push(...Object.values(triggerSandbox.keys), ...Object.values(nodeSandbox.keys));
	const sink = await startSink();
	cleanups.push(() => sink.close());

	const encryptionKey = randomBytes(24).toString('hex');
	const main = new N8n({
		install,
		userFolder: join(workDir, 'main'),
		encryptionKey,
		onSpawn: recordPid,
		env: { ...queueModeEnv(services), ...schedulerEnv },
	});
	const workers = [1, 2].map(
		(n) =>
			new N8nWorker({
				install,
				userFolder: join(workDir, `worker${n}`),
				encryptionKey,
				services,
				concurrency: WORKER_CONCURRENCY,
				onSpawn: recordPid,
				env: schedulerEnv,
			}),
	);
	cleanups.push(() => main.stop());
	for (const worker of workers) cleanups.push(() => worker.stop());
	// Each process is its own "host": the package is installed into every user folder, as on separate machines.
	for (const folder of [main.userFolder, ...workers.map((worker) => worker.n8n.userFolder)]) {
		installPackage(folder, packageDir);
	}

	const trigger = triggerWorkflow(sink.url);
	await main.allocatePorts();
	await main.importCredentials([
		{
			...CREDENTIALS.readOnly,
			type: 'ringReadyApi',
			data: { apiKey: triggerSandbox.keys.readOnly, baseUrl: triggerSandbox.url },
		},
		{
			...FAQ_CREDENTIALS.A,
			type: 'ringReadyApi',
			data: { apiKey: nodeSandbox.keys.readWrite, baseUrl: nodeSandbox.url },
		},
		{
			...FAQ_CREDENTIALS.B,
			type: 'ringReadyApi',
			data: { apiKey: nodeSandbox.keys.otherAccount, baseUrl: nodeSandbox.url },
		},
	]);
	await main.importWorkflows([trigger, faqWorkflow('A'), faqWorkflow('B')]);
	for (const id of [trigger.id, FAQ_WORKFLOW_IDS.A, FAQ_WORKFLOW_IDS.B]) await main.activate(id);

	const t0 = Date.now();
	const [, ...workerMs] = await Promise.all([
		main.start(),
		...workers.map((worker) => worker.start()),
	]);
	const mainMs = Date.now() - t0;
	await main.rest.setupOwner({
		email: 'scale@example.com',
		password: 'Scale-passw0rd!',
		firstName: 'Scale',
		lastName: 'Runner',
	});
	for (const account of ['A', 'B'] as const) await waitForWebhook(main, faqWebhookPath(account));
	figure(
		'setup',
		`${SCHEDULER} scheduler; n8n main ready in ${ms(mainMs)}, workers in ${workerMs.map((value) => ms(value)).join(' and ')} (concurrency ${WORKER_CONCURRENCY} each); main ${main.baseUrl}`,
	);
	return { main, workers, triggerSandbox, nodeSandbox, sink, trigger };
}

/** Published workflows are activated shortly after start: wait until the production webhook is registered. */
async function waitForWebhook(main: N8n, path: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		// A GET to a POST-only webhook answers "not registered for GET requests" once it exists, without running it.
		const response = await fetch(`${main.baseUrl}/webhook/${path}`);
		const text = await response.text();
		if (/not registered for GET/.test(text)) return;
		await delay(250);
	}
	throw new Error(`webhook ${path} was not registered within ${timeoutMs} ms`);
}

interface ExecutionSummary {
	id: string;
	status: string;
	mode?: string;
	workflowId?: string;
	createdAt?: string;
	startedAt?: string | null;
	stoppedAt?: string | null;
}

async function listExecutions(
	main: N8n,
	filter: Record<string, unknown>,
	limit = 100,
): Promise<ExecutionSummary[]> {
	const query = `filter=${encodeURIComponent(JSON.stringify(filter))}&limit=${limit}`;
	const page = await main.rest.call<{ results: ExecutionSummary[] }>(
		'GET',
		`/rest/executions?${query}`,
	);
	return page.results;
}

async function waitForNoRunningExecutions(main: N8n, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const running = await listExecutions(main, { status: ['new', 'running'] }, 20);
		if (running.length === 0) return;
		await delay(500);
	}
	throw new Error(`executions still running after ${timeoutMs} ms`);
}

/** Which worker's log says it ran the execution (1-based), or undefined. */
function workerOf(cluster: Cluster, executionId: string): number | undefined {
	const index = cluster.workers.findIndex((worker) => worker.executionIds().includes(executionId));
	return index < 0 ? undefined : index + 1;
}

// ------------------------------------------------------------------------------------------------
// code track: module-level state

async function codeTrack(): Promise<void> {
	await suite.check(
		'code',
		'nodes keep no module-level mutable state (static read of nodes/ and credentials/)',
		() => {
			const report = analyseModuleState(ROOT, ['nodes', 'credentials']);
			assert.ok(report.files > 10, `only ${report.files} source files found`);
			// The trigger's one-poll-at-a-time lease is per n8n process on purpose: polls run on the
			// main only (docs/trigger.md), never on a worker.
			const lease = 'nodes/RingReadyTrigger/state.ts: module-level running is mutated at';
			assert.deepEqual(
				report.problems.filter((problem) => !problem.startsWith(lease)),
				[],
			);
			const constants = report.bindings.filter(
				(binding) => binding.kind === 'container' || binding.kind === 'value',
			);
			const classes = report.bindings
				.filter((binding) => binding.kind === 'class')
				.map((binding) => binding.name);
			return `${report.files} files: no let/var at module level (but the trigger's poll lease), ${constants.length} module constants never changed in place, no stateful regex, no mutable static fields, node/credential classes never assign this.* (classes: ${classes.join(', ')})`;
		},
	);
}

// ------------------------------------------------------------------------------------------------
// trigger track

interface Poll {
	firstSeq: number;
	lastSeq: number;
	requests: RequestLogEntry[];
	/** Wall clock when this process first saw its first / last request. */
	seenAt: number;
	doneAt: number;
}

/**
 * Polls as seen in the trigger sandbox's request log (only the trigger talks to that sandbox): runs of
 * requests separated by at least POLL_QUIET_MS (longer than any retry backoff, far shorter than the
 * minute between polls). A poll is complete once nothing is in flight and POLL_QUIET_MS passed since
 * its last request.
 */
class PollWatcher {
	private readonly seenAt = new Map<number, number>();
	private readonly timer: NodeJS.Timeout;

	constructor(private readonly sandbox: Sandbox) {
		this.timer = setInterval(() => this.observe(), 100);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private log(): RequestLogEntry[] {
		return this.sandbox.control.requests().log;
	}

	private observe(): void {
		const now = Date.now();
		for (const entry of this.log())
			if (!this.seenAt.has(entry.seq)) this.seenAt.set(entry.seq, now);
	}

	lastSeq(): number {
		return this.log().at(-1)?.seq ?? 0;
	}

	/** Seconds since the last request was seen and whether one is in flight. */
	quietFor(): { ms: number; inFlight: boolean } {
		this.observe();
		const log = this.log();
		const last = log.at(-1);
		return {
			ms: last ? Date.now() - this.seenAt.get(last.seq)! : Number.POSITIVE_INFINITY,
			inFlight: log.some((entry) => entry.status === null && !entry.dropped),
		};
	}

	/** Complete polls, oldest first. */
	polls(): Poll[] {
		this.observe();
		const log = this.log();
		const groups: RequestLogEntry[][] = [];
		for (const entry of log) {
			const group = groups.at(-1);
			const previous = group?.at(-1);
			if (
				group &&
				previous &&
				entry.started_ms - (previous.ended_ms ?? previous.started_ms) < POLL_QUIET_MS
			)
				group.push(entry);
			else groups.push([entry]);
		}
		const polls = groups.map((requests) => ({
			firstSeq: requests[0].seq,
			lastSeq: requests.at(-1)!.seq,
			requests,
			seenAt: this.seenAt.get(requests[0].seq)!,
			doneAt: this.seenAt.get(requests.at(-1)!.seq)!,
		}));
		const last = polls.at(-1);
		if (last) {
			const open = last.requests.some((entry) => entry.status === null && !entry.dropped);
			if (open || Date.now() - last.doneAt < POLL_QUIET_MS) polls.pop();
		}
		return polls;
	}

	/** The first complete poll that started after request `afterSeq`. */
	async pollAfter(afterSeq: number, label: string, timeoutMs = 150_000): Promise<Poll> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const poll = this.polls().find((candidate) => candidate.firstSeq > afterSeq);
			if (poll) return poll;
			if (Date.now() > deadline)
				throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${label}`);
			await delay(250);
		}
	}

	/** Every complete poll that started after `afterSeq` up to and including `until`. */
	pollsBetween(afterSeq: number, until: Poll): Poll[] {
		return this.polls().filter(
			(poll) => poll.firstSeq > afterSeq && poll.firstSeq <= until.firstSeq,
		);
	}
}

type BurstKind = 'spaced' | 'same-second' | 'late' | 'too-late';

interface Burst {
	kind: BurstKind;
	count: number;
	/** For late / too-late: started this many minutes ago. */
	minutesAgo?: number;
	sameSecond?: boolean;
}

interface AddedConversation {
	id: number;
	kind: BurstKind;
	gap: string;
	startedAt: string;
	/** The trigger sandbox's last request seq when it was created: polls starting after it must see it. */
	marker: number;
}

interface SinkBody {
	executionId?: string;
	mode?: string;
	conversation?: { id?: number };
}

class TriggerTrack {
	readonly T = 'trigger';
	readonly watcher: PollWatcher;
	readonly added: AddedConversation[] = [];
	constructor(private readonly c: Cluster) {
		this.watcher = new PollWatcher(c.triggerSandbox);
	}

	/** Production deliveries at the sink (the trigger's executions, not manual ones). */
	deliveries(): Array<{ id: number; executionId: string; at: number }> {
		return this.c.sink.entries
			.map((entry) => ({ body: entry.body as SinkBody, at: entry.at }))
			.filter(({ body }) => body.mode !== 'manual' && body.conversation?.id !== undefined)
			.map(({ body, at }) => ({
				id: Number(body.conversation!.id),
				executionId: String(body.executionId),
				at,
			}));
	}

	private add(gap: string, burst: Burst): void {
		const marker = this.watcher.lastSeq();
		const startedAt =
			burst.minutesAgo === undefined
				? undefined
				: isoSeconds(Date.now() - burst.minutesAgo * 60_000);
		const created = this.c.triggerSandbox.control.addConversations({
			count: burst.count,
			sameSecond: burst.sameSecond ?? burst.kind === 'same-second',
			startedAt,
		});
		for (const conversation of created) {
			this.added.push({
				id: conversation.id,
				kind: burst.kind,
				gap,
				startedAt: conversation.started_at,
				marker,
			});
		}
	}

	/** Adds the bursts at random moments within `withinMs` (in order of their random offsets). */
	async feed(gap: string, bursts: Burst[], withinMs = 20_000): Promise<void> {
		const offsets = bursts.map(() => rng.int(0, withinMs)).sort((a, b) => a - b);
		const t0 = Date.now();
		for (let i = 0; i < bursts.length; i++) {
			const wait = t0 + offsets[i] - Date.now();
			if (wait > 0) await delay(wait);
			this.add(gap, bursts[i]);
		}
		const kinds = countBy(
			this.added.filter((conversation) => conversation.gap === gap),
			(conversation) => conversation.kind,
		);
		suite.log(
			this.T,
			`gap ${gap}: added ${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')}`,
		);
	}

	expectedBefore(poll: Poll): AddedConversation[] {
		return this.added.filter(
			(conversation) => conversation.kind !== 'too-late' && conversation.marker < poll.firstSeq,
		);
	}

	async waitDelivered(ids: number[], timeoutMs = 90_000): Promise<void> {
		const wanted = new Set(ids);
		await this.c.sink.waitFor(
			() => {
				const got = new Set(this.deliveries().map((delivery) => delivery.id));
				for (const id of wanted) if (!got.has(id)) return false;
				return true;
			},
			timeoutMs,
			`${ids.length} conversations at the sink`,
		);
		await delay(1500);
	}

	describePoll(poll: Poll): string {
		const statuses = countBy(poll.requests, (entry) =>
			entry.dropped ? 'dropped' : String(entry.status),
		);
		return `${poll.requests.length} requests (${[...statuses].map(([status, n]) => `${n}× ${status}`).join(', ')}) over ${ms(
			poll.doneAt - poll.seenAt,
		)}`;
	}

	/** Executions (and the worker that ran each) that delivered the given conversations. */
	executionsFor(ids: number[]): Array<{ executionId: string; count: number; worker?: number }> {
		const wanted = new Set(ids);
		const byExecution = countBy(
			this.deliveries().filter((delivery) => wanted.has(delivery.id)),
			(delivery) => delivery.executionId,
		);
		return [...byExecution].map(([executionId, count]) => ({
			executionId,
			count,
			worker: workerOf(this.c, executionId),
		}));
	}

	notePoll(label: string, poll: Poll, delivered?: number[]): void {
		const executions = delivered ? this.executionsFor(delivered) : [];
		const wanted = new Set(delivered ?? []);
		const lastAt = delivered
			? Math.max(
					...this.deliveries()
						.filter((d) => wanted.has(d.id))
						.map((d) => d.at),
				)
			: NaN;
		const note = `${label}: ${this.describePoll(poll)}${
			delivered
				? `; emitted ${delivered.length} in ${executions
						.map(
							(execution) =>
								`execution ${execution.executionId} on worker ${execution.worker ?? '?'}`,
						)
						.join(', ')}; last delivery ${ms(lastAt - poll.seenAt)} after the poll started`
				: ''
		}`;
		figure(this.T, note);
	}

	/** Conversation ids delivered so far (with repeats). */
	deliveredIds(): number[] {
		return this.deliveries().map((delivery) => delivery.id);
	}
}

async function triggerTrack(c: Cluster, node: NodeTrack): Promise<void> {
	const t = new TriggerTrack(c);
	try {
		await triggerSteps(t, c, node);
	} finally {
		t.watcher.stop();
	}
}

async function triggerSteps(t: TriggerTrack, c: Cluster, node: NodeTrack): Promise<void> {
	const T = t.T;
	const control = c.triggerSandbox.control;
	const conversationsPath = '/api/v1/conversations';
	const [worker1, worker2] = c.workers;
	const faultsIn = (polls: Poll[]) => poll429503drop(polls.flatMap((poll) => poll.requests));

	// --- activation --------------------------------------------------------------------------------
	const activated = await suite.check(
		T,
		'the activation poll emits nothing and sets the start',
		async () => {
			const poll = await t.watcher.pollAfter(0, 'the activation poll');
			await delay(1000);
			assert.equal(t.deliveredIds().length, 0, 'the activation poll emitted conversations');
			return t.describePoll(poll);
		},
	);
	if (!activated) {
		suite.skip(T, ['the other trigger checks'], 'no activation poll');
		await node.runAll();
		return;
	}

	// --- gap A: bursts while 200 webhook executions run; faults for the next poll --------------------
	const injectedA = t.watcher.lastSeq();
	control.injectFaults({ status: 429, retryAfter: 1, count: 1, path: conversationsPath });
	control.injectFaults({ status: 503, count: 1, path: conversationsPath });
	control.injectFaults({ drop: true, count: 1, path: conversationsPath });
	const concurrent = node.concurrent();
	await t.feed('A', [
		{ kind: 'spaced', count: rng.around(60) },
		{ kind: 'same-second', count: rng.around(40) },
		{ kind: 'spaced', count: rng.around(50) },
		{ kind: 'late', count: rng.around(10), minutesAgo: 5, sameSecond: true },
	]);
	const pollA = await t.watcher.pollAfter(t.watcher.lastSeq(), 'the poll after burst A');
	const expectedA = t.expectedBefore(pollA).map((conversation) => conversation.id);
	await suite.check(
		T,
		'polls meeting 429 (Retry-After), 503 and a dropped connection retry and emit the burst (under the webhook load)',
		async () => {
			await t.waitDelivered(expectedA);
			const faults = faultsIn(t.watcher.pollsBetween(injectedA, pollA));
			assert.ok(
				faults.limited >= 1 && faults.unavailable >= 1 && faults.dropped >= 1,
				`faults not met: ${JSON.stringify(faults)}`,
			);
			t.notePoll('poll after burst A', pollA, expectedA);
			return `${expectedA.length} conversations`;
		},
	);
	await concurrent;

	// --- worker 1 killed (SIGKILL) while idle, between polls ----------------------------------------
	const killed = await suite.check(
		T,
		'worker 1 killed (SIGKILL) between polls, while no execution runs',
		async () => {
			for (
				let quiet = t.watcher.quietFor();
				quiet.inFlight || quiet.ms < 3000;
				quiet = t.watcher.quietFor()
			)
				await delay(250);
			await waitForNoRunningExecutions(c.main);
			const pid = worker1.pid;
			await worker1.kill('SIGKILL');
			assert.equal(worker1.running, false, 'worker 1 still running');
			return `pid ${pid}`;
		},
	);
	control.injectFaults({ status: 429, retryAfter: 2, count: 2, path: conversationsPath });
	const laneAndBatch = (async () => {
		await node.oneExecutionPerAgent();
		await node.oneExecutionManyItems();
	})();
	await t.feed('B', [
		{ kind: 'spaced', count: rng.around(50) },
		{ kind: 'late', count: rng.around(30), minutesAgo: rng.int(7, 15), sameSecond: true },
		{ kind: 'too-late', count: 8, minutesAgo: 120 },
	]);
	const pollB = await t.watcher.pollAfter(t.watcher.lastSeq(), 'the poll after burst B');
	const expectedB = t.expectedBefore(pollB).map((conversation) => conversation.id);
	await suite.check(
		T,
		'with worker 1 down, worker 2 runs the trigger executions; nothing lost',
		async () => {
			assert.ok(killed, 'worker 1 was not killed');
			await t.waitDelivered(expectedB);
			const fresh = t.added
				.filter((conversation) => conversation.gap === 'B' && conversation.kind !== 'too-late')
				.map((conversation) => conversation.id);
			const executions = t.executionsFor(fresh);
			assert.ok(executions.length >= 1, 'no execution delivered burst B');
			for (const execution of executions)
				assert.equal(
					execution.worker,
					2,
					`execution ${execution.executionId} ran on worker ${execution.worker}`,
				);
			t.notePoll('poll after burst B (worker 1 down)', pollB, fresh);
			return `${fresh.length} conversations in execution ${executions.map((execution) => execution.executionId).join(', ')} on worker 2`;
		},
	);

	// --- worker 1 restarted ---------------------------------------------------------------------------
	await suite.check(T, 'worker 1 restarted (same user folder) and ready', async () => {
		const readyMs = await worker1.start();
		figure(T, `worker 1 restart: ready in ${ms(readyMs)}`);
		return `ready in ${ms(readyMs)}`;
	});

	// --- gap C: the next poll fails outright (a 503 for every attempt the node makes) --------------------
	const attempts = RETRY_POLICY.maxAttempts;
	const injectedC = t.watcher.lastSeq();
	control.injectFaults({ status: 503, count: attempts, path: conversationsPath });
	const errorsBefore = await listExecutions(
		c.main,
		{ workflowId: c.trigger.id, status: ['error'] },
		50,
	);
	const feedC = t.feed('C', [
		{ kind: 'spaced', count: rng.around(60) },
		{ kind: 'same-second', count: rng.around(30) },
	]);
	const pollC = await t.watcher.pollAfter(injectedC, `the poll meeting ${attempts} × 503`);
	const deliveredAfterC = new Set(t.deliveredIds());
	await suite.check(
		T,
		`a poll failing after ${attempts} × 503 (every attempt) emits nothing, records an error execution and keeps its state`,
		async () => {
			const statuses = countBy(pollC.requests, (entry) => String(entry.status));
			assert.equal(
				statuses.get('503'),
				attempts,
				`expected ${attempts} × 503, got ${JSON.stringify([...statuses])}`,
			);
			assert.equal(statuses.get('200') ?? 0, 0, 'a request of the failing poll succeeded');
			let errors = errorsBefore;
			const deadline = Date.now() + 20_000;
			while (errors.length <= errorsBefore.length && Date.now() < deadline) {
				await delay(500);
				errors = await listExecutions(c.main, { workflowId: c.trigger.id, status: ['error'] }, 50);
			}
			assert.ok(
				errors.length > errorsBefore.length,
				'no error execution recorded for the failed poll',
			);
			const pending = t
				.expectedBefore(pollC)
				.filter((conversation) => !expectedB.includes(conversation.id));
			const emitted = pending.filter((conversation) => deliveredAfterC.has(conversation.id));
			assert.deepEqual(
				emitted.map((conversation) => conversation.id),
				[],
				'conversations emitted although the poll failed',
			);
			t.notePoll('failing poll', pollC);
			return `${pending.length} pending conversations not emitted; error execution ${errors[0]?.id}`;
		},
	);
	await feedC;
	await laneAndBatch;
	const pairs = node.lostUpdateWindow();

	// --- gap D: the poll after the failure catches up; late and too-late arrivals ----------------------
	const injectedD = t.watcher.lastSeq();
	control.injectFaults({ drop: true, count: 1, path: conversationsPath });
	control.injectFaults({ status: 429, retryAfter: 1, count: 1, path: conversationsPath });
	await t.feed('D', [
		{ kind: 'spaced', count: rng.around(40) },
		{ kind: 'late', count: rng.around(20), minutesAgo: rng.int(20, 40) },
		{ kind: 'same-second', count: rng.around(20) },
		{ kind: 'too-late', count: 5, minutesAgo: 180 },
	]);
	const pollD = await t.watcher.pollAfter(t.watcher.lastSeq(), 'the poll after burst D');
	const expectedD = t.expectedBefore(pollD).map((conversation) => conversation.id);
	await suite.check(
		T,
		'the next polls emit what the failed poll missed plus new, same-second and late ones; too-late ones never',
		async () => {
			await t.waitDelivered(expectedD);
			const missedByC = t
				.expectedBefore(pollC)
				.filter((conversation) => !expectedB.includes(conversation.id));
			const fresh = expectedD.filter((id) => !expectedB.includes(id));
			const tooLate = new Set(
				t.added
					.filter((conversation) => conversation.kind === 'too-late')
					.map((conversation) => conversation.id),
			);
			assert.deepEqual(
				t.deliveredIds().filter((id) => tooLate.has(id)),
				[],
				'too-late conversations were emitted',
			);
			const faults = faultsIn(t.watcher.pollsBetween(injectedD, pollD));
			assert.ok(
				faults.limited >= 1 && faults.dropped >= 1,
				`faults not met: ${JSON.stringify(faults)}`,
			);
			t.notePoll('polls after the failure', pollD, fresh);
			return `${fresh.length} conversations (${missedByC.length} pending at the failed poll) in ${t.executionsFor(fresh).length} execution(s)`;
		},
	);
	await pairs;

	// --- gap E: a last small burst, then the exactly-once comparison ----------------------------------
	await t.feed(
		'E',
		[
			{ kind: 'spaced', count: rng.around(10) },
			{ kind: 'same-second', count: rng.around(10) },
		],
		8_000,
	);
	const pollE = await t.watcher.pollAfter(t.watcher.lastSeq(), 'the last poll');
	const expectedE = t.expectedBefore(pollE).map((conversation) => conversation.id);
	await suite.check(
		T,
		'every conversation created after activation reached the sink exactly once (none lost, none twice)',
		async () => {
			await t.waitDelivered(expectedE);
			await delay(3000);
			t.notePoll(
				'last poll',
				pollE,
				expectedE.filter((id) => !expectedD.includes(id)),
			);
			const expected = t.added
				.filter((conversation) => conversation.kind !== 'too-late')
				.map((conversation) => conversation.id);
			const delivered = t.deliveredIds();
			const counts = countBy(delivered, String);
			const missing = expected.filter((id) => !counts.has(String(id)));
			const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
			const expectedSet = new Set(expected.map(String));
			const unexpected = [...counts.keys()].filter((id) => !expectedSet.has(id));
			assert.deepEqual({ missing, twice, unexpected }, { missing: [], twice: [], unexpected: [] });
			const firstAdded = Math.min(...t.added.map((added) => added.id));
			const created = c.triggerSandbox.control
				.conversations('A')
				.filter((conversation) => conversation.id >= firstAdded);
			assert.equal(
				created.length,
				t.added.length,
				'the sandbox has conversations this run did not add',
			);
			const kinds = countBy(t.added, (conversation) => conversation.kind);
			const executions = countBy(t.deliveries(), (delivery) => delivery.executionId);
			const perWorker = countBy(
				[...executions.keys()],
				(executionId) => `worker ${workerOf(c, executionId) ?? '?'}`,
			);
			const polls = t.watcher.polls();
			figure(
				T,
				`exactly once: ${delivered.length} deliveries = ${expected.length} conversations (${[
					...kinds,
				]
					.map(([kind, n]) => `${n} ${kind}`)
					.join(
						', ',
					)}; the too-late ones skipped by design) over ${polls.length} polls, ${executions.size} executions (${[
					...perWorker,
				]
					.map(([worker, n]) => `${n} on ${worker}`)
					.join(', ')})`,
			);
			return `${expected.length} conversations, ${executions.size} executions, ${polls.length} polls`;
		},
	);

	await suite.check(T, 'the restarted worker 1 runs executions again', () => {
		const text = existsSync(worker1.logFile) ? readFileSync(worker1.logFile, 'utf8') : '';
		const afterRestart = text.split('===== worker start 2 at ').slice(1).join('');
		const ids = [...afterRestart.matchAll(/Worker started execution (\d+) \(job/g)].map(
			(match) => match[1],
		);
		assert.ok(ids.length > 0, 'worker 1 ran no execution after its restart');
		return `${ids.length} executions after the restart; worker 2 ran ${worker2.executionIds().length} in all`;
	});
}

function poll429503drop(requests: RequestLogEntry[]): {
	limited: number;
	unavailable: number;
	dropped: number;
} {
	return {
		limited: requests.filter((entry) => entry.status === 429).length,
		unavailable: requests.filter((entry) => entry.status === 503).length,
		dropped: requests.filter((entry) => entry.dropped).length,
	};
}

// ------------------------------------------------------------------------------------------------
// node track

interface AgentRef {
	id: number;
	account: 'A' | 'B';
}

interface CallResult {
	account: 'A' | 'B';
	items: FaqCallItem[];
	sentAt: number;
	doneAt: number;
	status: number;
	body?: FaqCallResponse;
	text: string;
}

interface ExecutionInfo {
	id: string;
	status: string;
	createdMs: number;
	startedMs: number;
	stoppedMs: number;
	/** The FAQ Upsert node's run: from its start (the agent read) to its end (the PATCH answered). */
	faq?: { start: number; end: number };
	worker?: number;
}

class NodeTrack {
	readonly T = 'node';
	readonly agents: AgentRef[];
	private readonly conversations: Record<'A' | 'B', number[]>;
	private readonly tag = randomBytes(3).toString('hex');

	constructor(private readonly c: Cluster) {
		const { agentIds } = c.nodeSandbox;
		this.agents = [
			...agentIds.A.map((id) => ({ id, account: 'A' as const })),
			...agentIds.B.map((id) => ({ id, account: 'B' as const })),
		];
		this.conversations = {
			A: c.nodeSandbox.control.conversations('A').map((conversation) => conversation.id),
			B: c.nodeSandbox.control.conversations('B').map((conversation) => conversation.id),
		};
	}

	private get sandbox(): Sandbox {
		return this.c.nodeSandbox;
	}

	/** Runs every node phase one after another (when the trigger track cannot schedule them). */
	async runAll(): Promise<void> {
		await this.concurrent();
		await this.oneExecutionPerAgent();
		await this.oneExecutionManyItems();
		await this.lostUpdateWindow();
	}

	private conversationFor(agent: AgentRef, i: number): number {
		const list = this.conversations[agent.account];
		return list[i % list.length];
	}

	private question(phase: string, i: number, conversationId: number): string {
		return `[${phase} ${this.tag}] #${i + 1}: what did the caller of conversation ${conversationId} need?`;
	}

	/** Empties the FAQ of every agent (straight to the API, retrying until it answers 200). */
	private async resetFaqs(): Promise<void> {
		for (const agent of this.agents) {
			const key =
				agent.account === 'A' ? this.sandbox.keys.readWrite : this.sandbox.keys.otherAccount;
			for (let attempt = 1; ; attempt++) {
				const response = await fetch(`${this.sandbox.url}/api/v1/agents/${agent.id}`, {
					method: 'PATCH',
					headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
					body: JSON.stringify({ faq: {} }),
				}).catch(() => undefined);
				if (response?.status === 200) break;
				if (attempt >= 10) throw new Error(`could not empty the FAQ of agent ${agent.id}`);
				await delay(300);
			}
		}
	}

	private prepare(options: { rateLimit: boolean }): void {
		this.sandbox.control.clearFaults();
		this.sandbox.control.setRateLimit(options.rateLimit ? RATE_LIMIT : { maxInFlight: null });
		this.sandbox.control.clearRequests();
	}

	/**
	 * Intermittent faults until stopped: after every `everyRequests` API requests the next request gets a
	 * 503, a dropped connection, a 429 with Retry-After or a 502 (in turn). Counting requests rather than
	 * time keeps faults a fixed share of the traffic: when the load winds down, the last requests are not
	 * the only ones left to take every fault.
	 */
	private faults(everyRequests: number): () => void {
		const kinds: FaultSpec[] = [
			{ status: 503, count: 1 },
			{ drop: true, count: 1 },
			{ status: 429, retryAfter: 1, count: 1 },
			{ status: 502, count: 1 },
		];
		let i = 0;
		let nextAt = everyRequests;
		const timer = setInterval(() => {
			const seq = this.sandbox.control.requests().log.at(-1)?.seq ?? 0;
			if (seq < nextAt) return;
			this.sandbox.control.clearFaults();
			this.sandbox.control.injectFaults(kinds[i++ % kinds.length]);
			nextAt = seq + everyRequests;
		}, 50);
		return () => {
			clearInterval(timer);
			this.sandbox.control.clearFaults();
			this.sandbox.control.setRateLimit({ maxInFlight: null });
		};
	}

	async call(account: 'A' | 'B', items: FaqCallItem[]): Promise<CallResult> {
		const sentAt = Date.now();
		try {
			const response = await fetch(`${this.c.main.baseUrl}/webhook/${faqWebhookPath(account)}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ items }),
				signal: AbortSignal.timeout(300_000),
			});
			const text = await response.text();
			outputs.push({ what: 'webhook response', text });
			let body: FaqCallResponse | undefined;
			try {
				body = JSON.parse(text) as FaqCallResponse;
			} catch {
				// not JSON: kept as text
			}
			return { account, items, sentAt, doneAt: Date.now(), status: response.status, body, text };
		} catch (error) {
			return { account, items, sentAt, doneAt: Date.now(), status: 0, text: String(error) };
		}
	}

	private faqOf(agent: AgentRef): Record<string, string> {
		return this.sandbox.control.agent(agent.id)!.faq;
	}

	/** Status, timings and the FAQ node's run of each execution, through n8n's REST API. */
	async executions(ids: string[]): Promise<Map<string, ExecutionInfo>> {
		const out = new Map<string, ExecutionInfo>();
		const flatted = this.c.main.flatted();
		let next = 0;
		const fetchOne = async () => {
			while (next < ids.length) {
				const id = ids[next++];
				const execution = await this.c.main.rest.call<{
					status: string;
					createdAt: string;
					startedAt: string;
					stoppedAt: string;
					data: string;
				}>('GET', `/rest/executions/${id}`);
				const data = flatted.parse(execution.data) as {
					resultData: {
						runData: Record<string, Array<{ startTime: number; executionTime: number }>>;
					};
				};
				const run = data.resultData.runData['FAQ Upsert']?.[0];
				out.set(id, {
					id,
					status: execution.status,
					createdMs: Date.parse(execution.createdAt),
					startedMs: Date.parse(execution.startedAt),
					stoppedMs: Date.parse(execution.stoppedAt),
					faq: run ? { start: run.startTime, end: run.startTime + run.executionTime } : undefined,
					worker: workerOf(this.c, id),
				});
			}
		};
		await Promise.all(Array.from({ length: 8 }, fetchOne));
		return out;
	}

	/** The executions the calls started, and the errors of those that failed. */
	private async outcomes(results: CallResult[]) {
		const executions = await this.executions(
			results.flatMap((result) => (result.body?.executionId ? [result.body.executionId] : [])),
		);
		return { executions, errors: await this.failedExecutionErrors(results) };
	}

	/**
	 * When a call failed, the webhook answers without an execution id: the errors of the FAQ
	 * workflows' failed executions are read from n8n (message, description, node), counted by text.
	 */
	private async failedExecutionErrors(results: CallResult[]): Promise<string[]> {
		if (results.every((result) => result.status === 200)) return [];
		const since = Math.min(...results.map((result) => result.sentAt));
		const failed = (
			await listExecutions(this.c.main, { status: ['error', 'crashed'] }, 100)
		).filter((execution) => Date.parse(execution.createdAt ?? '') >= since - 1000);
		const flatted = this.c.main.flatted();
		const texts = new Map<string, number>();
		for (const { id } of failed) {
			const execution = await this.c.main.rest.call<{ data: string }>(
				'GET',
				`/rest/executions/${id}`,
			);
			const data = flatted.parse(execution.data) as {
				resultData?: {
					error?: { message?: string; description?: string; node?: { name?: string } };
					lastNodeExecuted?: string;
				};
			};
			const error = data.resultData?.error;
			const text = `${error?.node?.name ?? data.resultData?.lastNodeExecuted ?? '?'}: ${error?.message ?? 'no error recorded'}${error?.description ? ` — ${error.description}` : ''}`;
			texts.set(text, (texts.get(text) ?? 0) + 1);
		}
		return [...texts].map(([text, n]) => `${n}× ${text}`);
	}

	private assertAllSucceeded(
		results: CallResult[],
		executions: Map<string, ExecutionInfo>,
		errors: string[] = [],
	): void {
		const failed = results.filter(
			(result) =>
				result.status !== 200 ||
				!result.body?.executionId ||
				result.body.items.length !== result.items.length ||
				result.body.items.some((item) => item.saved !== true),
		);
		assert.deepEqual(
			failed.slice(0, 5).map((result) => `${result.status}: ${result.text.slice(0, 300)}`),
			[],
			`${failed.length} of ${results.length} calls failed${errors.length > 0 ? `; failed executions: ${errors.join(' | ')}` : ''}`,
		);
		const notSuccess = [...executions.values()].filter(
			(execution) => execution.status !== 'success',
		);
		assert.deepEqual(
			notSuccess.map((execution) => `${execution.id}: ${execution.status}`),
			[],
			'executions not successful',
		);
	}

	/** Keeps the sandbox's request log of a phase in the work folder (SCALE_KEEP=1 keeps the folder). */
	private dumpLog(phase: string): void {
		writeFileSync(
			join(workDir, `node-${phase}-requests.json`),
			JSON.stringify(this.sandbox.control.requests(), null, 1),
		);
	}

	private sandboxFigures(): string {
		const { log, peakInFlight } = this.sandbox.control.requests();
		const statuses = countBy(log, (entry) => (entry.dropped ? 'dropped' : String(entry.status)));
		return `API requests ${log.length} (${[...statuses]
			.sort()
			.map(([status, n]) => `${n}× ${status}`)
			.join(', ')}), peak ${peakInFlight} in flight`;
	}

	private timingFigures(
		label: string,
		results: CallResult[],
		executions: Map<string, ExecutionInfo>,
		wallMs: number,
	): void {
		const infos = [...executions.values()];
		figure(
			this.T,
			`${label}: ${results.length} calls in ${ms(wallMs)} = ${((results.length / wallMs) * 1000).toFixed(1)} executions/s; ` +
				`round trip ${spread(results.map((result) => result.doneAt - result.sentAt))}; ` +
				`execution ${spread(infos.map((info) => info.stoppedMs - info.startedMs))}; ` +
				`queue wait ${spread(infos.map((info) => info.startedMs - info.createdMs))}; ` +
				`per worker ${[...countBy(infos, (info) => `worker ${info.worker ?? '?'}`)].map(([worker, n]) => `${worker}: ${n}`).join(', ')}`,
		);
		figure(this.T, `${label}: ${this.sandboxFigures()}`);
	}

	// --- ~200 concurrent calls, distinct questions, a few agents -----------------------------------------
	async concurrent(): Promise<void> {
		const T = this.T;
		const name = `${CALLS} concurrent webhook executions over both workers all succeed under a per-key rate limit and injected faults`;
		try {
			await this.resetFaqs();
			this.prepare({ rateLimit: true });
			const calls = Array.from({ length: CALLS }, (_, i) => {
				const agent = this.agents[i % this.agents.length];
				const conversationId = this.conversationFor(agent, i);
				return {
					agent,
					item: {
						conversationId,
						agentId: agent.id,
						question: this.question('concurrent', i, conversationId),
					},
				};
			});
			const stopFaults = this.faults(FAULT_EVERY_REQUESTS);
			const t0 = Date.now();
			const results = await Promise.all(
				calls.map((call) => this.call(call.agent.account, [call.item])),
			);
			const wallMs = Date.now() - t0;
			stopFaults();
			this.dumpLog('concurrent');
			const { executions, errors } = await this.outcomes(results);
			await suite.check(T, name, () => {
				this.assertAllSucceeded(results, executions, errors);
				const workers = new Set([...executions.values()].map((execution) => execution.worker));
				assert.ok(
					workers.has(1) && workers.has(2),
					`executions ran on workers ${[...workers].join(', ')}`,
				);
				const { log } = this.sandbox.control.requests();
				const faults = log.filter(
					(entry) => entry.dropped || entry.status === 429 || (entry.status ?? 0) >= 500,
				);
				assert.ok(
					faults.length > 0,
					'no fault or rate limit was met: the load proved nothing about retries',
				);
				this.timingFigures('concurrent', results, executions, wallMs);
				return `${results.length} executions, ${faults.length} requests answered 429/5xx/dropped and retried`;
			});

			// The lost updates: a PATCH replaces the whole FAQ, so concurrent executions on one agent overwrite each other.
			await suite.check(
				T,
				'concurrent FAQ edits of one agent: every lost upsert overlapped another execution on that agent',
				() => {
					const lost: Array<{ call: (typeof calls)[number]; executionId: string }> = [];
					calls.forEach((call, i) => {
						const executionId = results[i].body?.executionId;
						// Failed executions are the previous check's business; only saved upserts can be lost.
						if (
							executionId &&
							results[i].body?.items[0]?.saved === true &&
							!(call.item.question in this.faqOf(call.agent))
						) {
							lost.push({ call, executionId });
						}
					});
					const perAgent = this.agents.map((agent) => {
						const mine = calls.filter((call) => call.agent.id === agent.id).length;
						const kept = Object.keys(this.faqOf(agent)).length;
						return `agent ${agent.id}: ${kept}/${mine}`;
					});
					const unexplained = lost.filter(({ call, executionId }) => {
						const mine = executions.get(executionId)?.faq;
						if (!mine) return true;
						return !calls.some((other, j) => {
							if (other === call || other.agent.id !== call.agent.id) return false;
							const theirId = results[j].body?.executionId;
							const theirs = theirId ? executions.get(theirId)?.faq : undefined;
							return theirs !== undefined && theirs.start < mine.end && mine.start < theirs.end;
						});
					});
					assert.deepEqual(
						unexplained.map(({ executionId }) => executionId),
						[],
						'upserts lost without an overlapping execution',
					);
					for (const agent of this.agents) assert.ok(Object.keys(this.faqOf(agent)).length <= 50);
					const windows = [...executions.values()].flatMap((execution) =>
						execution.faq ? [execution.faq.end - execution.faq.start] : [],
					);
					figure(
						T,
						`concurrent: ${lost.length} of ${calls.length} upserts lost to concurrent edits (kept/sent ${perAgent.join(', ')}); FAQ node read→write ${spread(windows)}`,
					);
					return `${lost.length} of ${calls.length} lost, all while another execution edited the same agent`;
				},
			);
		} catch (error) {
			await suite.check(T, name, () => {
				throw error;
			});
		}
	}

	// --- one execution per agent at a time --------------------------------------------------------------
	async oneExecutionPerAgent(): Promise<void> {
		const T = this.T;
		const name = 'one execution per agent at a time (lanes): every upsert is in the final FAQs';
		try {
			await this.resetFaqs();
			this.prepare({ rateLimit: true });
			const perAgent = Math.ceil(CALLS / this.agents.length);
			const stopFaults = this.faults(FAULT_EVERY_REQUESTS);
			const t0 = Date.now();
			const lanes = await Promise.all(
				this.agents.map(async (agent, lane) => {
					const results: Array<{ result: CallResult; question: string }> = [];
					for (let i = 0; i < perAgent; i++) {
						const conversationId = this.conversationFor(agent, lane * perAgent + i);
						const question = this.question('lane', lane * perAgent + i, conversationId);
						results.push({
							result: await this.call(agent.account, [
								{ conversationId, agentId: agent.id, question },
							]),
							question,
						});
					}
					return { agent, results };
				}),
			);
			const wallMs = Date.now() - t0;
			stopFaults();
			this.dumpLog('lanes');
			const results = lanes.flatMap((lane) => lane.results.map((entry) => entry.result));
			const { executions, errors } = await this.outcomes(results);
			await suite.check(T, name, () => {
				this.assertAllSucceeded(results, executions, errors);
				const missing = lanes.flatMap((lane) =>
					lane.results
						.filter((entry) => !(entry.question in this.faqOf(lane.agent)))
						.map((entry) => `${lane.agent.id}: ${entry.question}`),
				);
				assert.deepEqual(missing.slice(0, 5), [], `${missing.length} upserts missing`);
				for (const lane of lanes)
					assert.equal(Object.keys(this.faqOf(lane.agent)).length, lane.results.length);
				this.timingFigures(
					`lanes (${this.agents.length} agents, one execution each at a time)`,
					results,
					executions,
					wallMs,
				);
				return `${results.length} upserts on ${this.agents.length} agents, all kept`;
			});
		} catch (error) {
			await suite.check(T, name, () => {
				throw error;
			});
		}
	}

	// --- one execution, many items (the node reads and writes each agent once) ---------------------------
	async oneExecutionManyItems(): Promise<void> {
		const T = this.T;
		const name =
			'one execution with many items: every upsert kept, a read, a re-read and one write per agent';
		try {
			await this.resetFaqs();
			this.prepare({ rateLimit: false });
			this.sandbox.control.injectFaults({ status: 503, count: 2 });
			this.sandbox.control.injectFaults({ drop: true, count: 1 });
			this.sandbox.control.injectFaults({ status: 429, retryAfter: 1, count: 1 });
			const perAgent = 12;
			const itemsOf = (account: 'A' | 'B') =>
				this.agents
					.filter((agent) => agent.account === account)
					.flatMap((agent, a) =>
						Array.from({ length: perAgent }, (_, i) => {
							const conversationId = this.conversationFor(agent, a * perAgent + i);
							return {
								conversationId,
								agentId: agent.id,
								question: this.question('batch', a * perAgent + i, conversationId),
							};
						}),
					);
			const t0 = Date.now();
			const results = await Promise.all(
				(['A', 'B'] as const).map((account) => this.call(account, itemsOf(account))),
			);
			const wallMs = Date.now() - t0;
			this.dumpLog('batch');
			this.sandbox.control.clearFaults();
			const { executions, errors } = await this.outcomes(results);
			await suite.check(T, name, () => {
				this.assertAllSucceeded(results, executions, errors);
				const items = results.flatMap((result) => result.items);
				const missing = items.filter(
					(item) => !(item.question in this.sandbox.control.agent(item.agentId)!.faq),
				);
				assert.deepEqual(
					missing.map((item) => item.question),
					[],
				);
				const { log } = this.sandbox.control.requests();
				for (const agent of this.agents) {
					const ok = (method: string) =>
						log.filter(
							(entry) =>
								entry.method === method &&
								entry.path === `/api/v1/agents/${agent.id}` &&
								entry.status === 200,
						).length;
					// A read, then a re-read just before the write (the FAQ is merged again if it changed).
					assert.equal(ok('GET'), 2, `agent ${agent.id}: ${ok('GET')} successful reads`);
					assert.equal(ok('PATCH'), 1, `agent ${agent.id}: ${ok('PATCH')} successful writes`);
				}
				figure(
					T,
					`one execution per account with ${items.length} items on ${this.agents.length} agents: ${ms(wallMs)}; ${this.sandboxFigures()}`,
				);
				return `${items.length} upserts in ${results.length} executions, all kept`;
			});
		} catch (error) {
			await suite.check(T, name, () => {
				throw error;
			});
		}
	}

	// --- the lost-update window: pairs on one agent at growing start offsets -----------------------------
	async lostUpdateWindow(): Promise<void> {
		const T = this.T;
		const name =
			'lost-update window: two executions on one agent lose an upsert only when their FAQ reads and writes overlap';
		try {
			await this.resetFaqs();
			this.prepare({ rateLimit: false });
			const offsets = [0, 25, 50, 100, 200, 400, 800];
			const rounds = 2;
			const pairs: Array<{
				offset: number;
				agent: AgentRef;
				first: CallResult;
				second: CallResult;
				q1: string;
				q2: string;
			}> = [];
			let n = 0;
			for (let round = 0; round < rounds; round++) {
				for (const offset of offsets) {
					const make = (agent: AgentRef) => {
						const conversationId = this.conversationFor(agent, n++);
						return {
							conversationId,
							agentId: agent.id,
							question: this.question('pair', n, conversationId),
						};
					};
					const items = this.agents.map((agent) => ({ agent, one: make(agent), two: make(agent) }));
					const firsts = items.map(({ agent, one }) => this.call(agent.account, [one]));
					await delay(offset);
					const seconds = items.map(({ agent, two }) => this.call(agent.account, [two]));
					const [a, b] = await Promise.all([Promise.all(firsts), Promise.all(seconds)]);
					items.forEach(({ agent, one, two }, i) =>
						pairs.push({
							offset,
							agent,
							first: a[i],
							second: b[i],
							q1: one.question,
							q2: two.question,
						}),
					);
				}
			}
			this.dumpLog('pairs');
			const results = pairs.flatMap((pair) => [pair.first, pair.second]);
			const { executions, errors } = await this.outcomes(results);
			await suite.check(T, name, () => {
				this.assertAllSucceeded(results, executions, errors);
				const rows = pairs.map((pair) => {
					const faq = this.faqOf(pair.agent);
					const one = executions.get(pair.first.body!.executionId)!.faq!;
					const two = executions.get(pair.second.body!.executionId)!.faq!;
					const lost = !(pair.q1 in faq) || !(pair.q2 in faq);
					const overlap = one.start < two.end && two.start < one.end;
					return {
						offset: pair.offset,
						lost,
						overlap,
						gap: two.start - one.start,
						windows: [one.end - one.start, two.end - two.start],
					};
				});
				const unexplained = rows.filter((row) => row.lost && !row.overlap);
				assert.equal(
					unexplained.length,
					0,
					`${unexplained.length} pairs lost an upsert without overlapping`,
				);
				const table = offsets.map((offset) => {
					const mine = rows.filter((row) => row.offset === offset);
					return `+${offset} ms: ${mine.filter((row) => row.lost).length}/${mine.length} lost (FAQ steps started ${ms(
						percentile(
							mine.map((row) => Math.abs(row.gap)),
							50,
						),
					)} apart, overlapping ${mine.filter((row) => row.overlap).length})`;
				});
				const windows = rows.flatMap((row) => row.windows);
				const buckets = [0, 100, 250, 500, 1000, Number.POSITIVE_INFINITY];
				const byGap = buckets.slice(0, -1).flatMap((low, i) => {
					const mine = rows.filter(
						(row) => Math.abs(row.gap) >= low && Math.abs(row.gap) < buckets[i + 1],
					);
					return mine.length === 0
						? []
						: [
								`${low}–${Number.isFinite(buckets[i + 1]) ? buckets[i + 1] : '∞'} ms: ${mine.filter((row) => row.lost).length}/${mine.length} lost`,
							];
				});
				figure(
					T,
					`lost-update window: FAQ node read→write ${spread(windows)} per execution (sandbox latency 20 ms)`,
				);
				figure(T, `  by the gap between the two FAQ steps' starts: ${byGap.join('; ')}`);
				for (const line of table) figure(T, `  pair offset ${line}`);
				const lost = rows.filter((row) => row.lost).length;
				const overlapping = rows.filter((row) => row.overlap).length;
				return `${lost} of ${rows.length} pairs lost an upsert; ${overlapping} overlapped; none lost without overlap`;
			});
		} catch (error) {
			await suite.check(T, name, () => {
				throw error;
			});
		}
	}
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const t0 = Date.now();
	suite.log(
		'main',
		`n8n 2.x from ${install.dir}; work folder ${workDir}; seed ${seed} (SCALE_SEED=${seed} repeats the bursts)`,
	);
	await codeTrack();
	let cluster: Cluster | undefined;
	await suite.check(
		'setup',
		'queue mode up: Postgres, Redis, n8n main + 2 workers, each with the packed package',
		async () => {
			cluster = await setup();
		},
	);
	if (cluster) {
		const c = cluster;
		const node = new NodeTrack(c);
		const run = TRACKS.has('trigger') ? triggerTrack(c, node) : node.runAll();
		await run.catch(async (error: unknown) => {
			await suite.check('trigger', 'trigger track', () => {
				throw error;
			});
		});
		await suite.check('main', 'no API key appears in any n8n log or webhook response', () => {
			for (const file of [c.main.logFile, ...c.workers.map((worker) => worker.logFile)]) {
				if (existsSync(file)) outputs.push({ what: file, text: readFileSync(file, 'utf8') });
			}
			assert.deepEqual(secretLeaks(outputs, secrets, keyPrefix), []);
			return `${outputs.length} outputs scanned`;
		});
	} else {
		suite.skip('main', ['trigger and node checks'], 'the cluster did not start');
	}
	await runCleanups();
	process.stdout.write(
		`\n=== figures (seed ${seed}) ===\n${figures.map((line) => `  ${line}`).join('\n')}\n`,
	);
	suite.summary(`scale: n8n 2.x queue mode (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
	process.exitCode = suite.failed > 0 || suite.results.length === 0 ? 1 : 0;
}

runScript(main);
