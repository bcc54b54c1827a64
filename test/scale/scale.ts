/**
 * The package in n8n queue mode (test/scale/run.sh starts Postgres and Redis, packs the package and
 * finds n8n 2.x first; README.md says what runs): one n8n main (the trigger, the webhooks), two
 * `n8n worker`s (every execution), two sandboxes (one only the trigger reads, one the FAQ webhook
 * workflows use). Prints a line per check and the figures, ends with `N passed, N failed`.
 */
import assert from 'assert/strict';
import { randomBytes, randomInt } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

import { RETRY_POLICY } from '../../nodes/RingReady/transport';
import { DURABLE_SCHEDULER_ENV, delay, N8n, until, type RunData } from '../../tools/n8n';
import { Prng } from '../../tools/prng';
import * as script from '../../tools/script';
import { startSink } from '../e2e/lib/sink';
import { Suite } from '../e2e/lib/suite';
import { keyPrefix, startSandbox, type FaultSpec, type RequestLogEntry } from '../sandbox';
import { analyseModuleState } from './lib/module-state';
import { N8nWorker } from './lib/queue';
import * as workflows from './workflows';
import type { FaqCallItem, FaqCallResponse } from './workflows';

const env = (name: string) => script.requiredEnv(name, 'test/scale/run.sh');
const install = { line: 2 as const, dir: env('SCALE_N8N_DIR'), nodeBin: env('SCALE_N8N_NODE') };
const seed = Number(process.env.SCALE_SEED || randomInt(1, 1_000_000));
/** SCALE_TRACKS=node runs only the node phases; SCALE_SCHEDULER=durable: n8n's durable scheduler. */
const TRACKS = (process.env.SCALE_TRACKS || 'trigger,node').split(',');
const SCHEDULER = process.env.SCALE_SCHEDULER === 'durable' ? 'durable' : 'in-memory';
/** Webhook calls in the concurrency run and in the one-execution-per-agent run. */
const CALLS = 200;
/** A poll is over when the trigger's sandbox saw no request for this long (longer than any backoff). */
const POLL_QUIET_MS = 12_000;
/** The node sandbox's per-key limit during the load runs (429 + Retry-After beyond it). */
const RATE_LIMIT = { maxInFlight: 2, retryAfter: 1 };
/** During the load runs one API request in this many meets a fault (503, dropped, 429, 502 in turn). */
const FAULT_EVERY = 12;
const PAIR_OFFSETS = [0, 25, 50, 100, 200, 400, 800];
/** One request each: the faults polls and load runs meet. */
const FAULT = {
	429: { status: 429, retryAfter: 1, count: 1 },
	503: { status: 503, count: 1 },
	502: { status: 502, count: 1 },
	dropped: { drop: true, count: 1 },
} satisfies Record<string, FaultSpec>;

const rng = new Prng(seed);
const suite = new Suite();
const secrets: string[] = [];
const outputs: Array<{ what: string; text: string }> = [];
const figures: string[] = [];

/** Nearest-rank percentile (p in 0..100) of the values; NaN when empty. */
const percentile = (values: number[], p: number) =>
	[...values].sort((a, b) => a - b)[Math.max(1, Math.ceil((p / 100) * values.length)) - 1] ?? NaN;

function ms(value: number): string {
	if (!Number.isFinite(value)) return 'n/a';
	return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** "p50 X, p95 Y, max Z" of durations in ms. */
function spread(values: number[]): string {
	return `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))}`;
}

function countBy<T>(values: T[], key: (value: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
	return counts;
}

/** "n× a, m× b" of the values by key. */
const tally = <T>(values: T[], key: (value: T) => string) =>
	[...countBy(values, key)].map(([k, n]) => `${n}× ${k}`).join(', ');

/** What became of a request the sandbox logged: its status, or "dropped". */
const outcome = (entry: { status: number | null; dropped: boolean }) =>
	entry.dropped ? 'dropped' : String(entry.status);

/** A check that threw before it could run: failed with that error. */
const failCheck = async (track: string, name: string, error: unknown) =>
	await suite.check(track, name, () => {
		throw error;
	});

function figure(track: string, text: string): void {
	figures.push(`[${track}] ${text}`);
	suite.log(track, `» ${text}`);
}

// --- the cluster ------------------------------------------------------------------------------------

async function setup() {
	const clock = Date.now(); // the trigger sandbox's request log times count from here
	const triggerSandbox = await startSandbox({ latencyMs: 25 });
	const nodeSandbox = await startSandbox({ latencyMs: 20 });
	const sink = await startSink();
	for (const closable of [triggerSandbox, nodeSandbox, sink])
		script.cleanups.push(() => closable.close());
	secrets.push(...Object.values(triggerSandbox.keys), ...Object.values(nodeSandbox.keys));
	// Queue mode on the Postgres and Redis run.sh started (it passes n8n's own variables for them).
	const queueEnv = Object.entries(process.env).filter(([name]) =>
		/^(EXECUTIONS_MODE|DB_|QUEUE_BULL_REDIS_)/.test(name),
	) as Array<[string, string]>;
	const options = {
		install,
		encryptionKey: randomBytes(24).toString('hex'),
		env: {
			...Object.fromEntries(queueEnv),
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...(SCHEDULER === 'durable' ? DURABLE_SCHEDULER_ENV : {}),
		},
		onSpawn: script.pidRecorder(process.env.SCALE_PIDS_FILE),
	};
	// Each process is its own "host" with the package installed into its user folder.
	const n8n = (folder: string) => {
		const instance = new N8n({ ...options, userFolder: join(env('SCALE_WORK_DIR'), folder) });
		instance.installPackage(env('SCALE_PACKAGE_DIR'));
		return instance;
	};
	const main = n8n('main');
	const workers = [1, 2].map((n) => new N8nWorker(n8n(`worker${n}`), options.onSpawn));
	script.cleanups.push(() => main.stop(), ...workers.map((worker) => () => worker.stop()));

	const trigger = workflows.triggerWorkflow(sink.url);
	await main.allocatePorts();
	const { CREDENTIALS, FAQ_CREDENTIALS: FAQ } = workflows;
	const key = (ref: typeof FAQ.A, baseUrl: string, apiKey: string) =>
		workflows.credential(ref, 'ringReadyApi', { apiKey, baseUrl });
	await main.importCredentials([
		key(CREDENTIALS.readOnly, triggerSandbox.url, triggerSandbox.keys.readOnly),
		key(FAQ.A, nodeSandbox.url, nodeSandbox.keys.readWrite),
		key(FAQ.B, nodeSandbox.url, nodeSandbox.keys.otherAccount),
	]);
	await main.importWorkflows([trigger, workflows.faqWorkflow('A'), workflows.faqWorkflow('B')]);
	for (const id of [trigger.id, ...Object.values(workflows.FAQ_WORKFLOW_IDS)])
		await main.activate(id);

	const t0 = Date.now();
	const [mainMs, ...workerMs] = await Promise.all([
		main.start().then(() => Date.now() - t0),
		...workers.map(async (worker) => await worker.start()),
	]);
	const owner = { email: 'scale@example.com', password: 'Scale-passw0rd!' };
	await main.rest.setupOwner({ ...owner, firstName: 'Scale', lastName: 'Runner' });
	// Published webhooks register shortly after start; a GET to a POST-only one then says so without running it.
	for (const account of ['A', 'B'] as const) {
		const url = `${main.baseUrl}/webhook/${workflows.faqWebhookPath(account)}`;
		const registered = async () => /not registered for GET/.test(await (await fetch(url)).text());
		await until(registered, 60_000, `the webhook of account ${account}`);
	}
	figure(
		'setup',
		`${SCHEDULER} scheduler; n8n main ready in ${ms(mainMs)}, workers in ${workerMs.map(ms).join(' and ')} (concurrency 10 each)`,
	);
	return { main, workers, triggerSandbox, nodeSandbox, sink, trigger, clock };
}

type Cluster = Awaited<ReturnType<typeof setup>>;

async function listExecutions(main: N8n, filter: object, limit = 100) {
	const query = `filter=${encodeURIComponent(JSON.stringify(filter))}&limit=${limit}`;
	type Summary = { id: string; createdAt?: string };
	return (await main.rest.call<{ results: Summary[] }>('GET', `/rest/executions?${query}`)).results;
}

async function execution(main: N8n, id: string) {
	type Times = Record<'status' | 'createdAt' | 'startedAt' | 'stoppedAt' | 'data', string>;
	const raw = await main.rest.call<Times>('GET', `/rest/executions/${id}`);
	type Data = { resultData: RunData['data']['resultData'] & { lastNodeExecuted?: string } };
	const { resultData } = main.flatted().parse(raw.data) as Data;
	return { ...raw, ...resultData };
}

/** Which worker's log says it ran the execution (1-based). */
const workerOf = (c: Cluster, executionId: string) =>
	c.workers.findIndex((worker) => worker.executionIds().includes(executionId)) + 1 || undefined;

// --- trigger track ----------------------------------------------------------------------------------

type Poll = { firstSeq: number; requests: RequestLogEntry[]; startedAt: number; endedAt: number };
type BurstKind = 'spaced' | 'same-second' | 'late' | 'too-late';
/** A burst of conversations: kind, count, started this many minutes ago, all in one second. */
type Burst = [kind: BurstKind, count: number, minutesAgo?: number, sameSecond?: boolean];

async function triggerTrack(c: Cluster, node: NodeTrack): Promise<void> {
	const T = 'trigger';
	const control = c.triggerSandbox.control;
	const [worker1, worker2] = c.workers;
	const log = () => control.requests().log;
	const lastSeq = () => log().at(-1)?.seq ?? 0;
	const ended = (e?: RequestLogEntry) => c.clock + (e ? (e.ended_ms ?? e.started_ms) : 0);
	const open = (requests: RequestLogEntry[]) =>
		requests.some((e) => e.status === null && !e.dropped);
	/** The complete polls (only the trigger reads this sandbox): runs of requests less than POLL_QUIET_MS apart. */
	const polls = (): Poll[] => {
		const groups: RequestLogEntry[][] = [];
		for (const e of log()) {
			const previous = groups.at(-1)?.at(-1);
			if (previous && c.clock + e.started_ms - ended(previous) < POLL_QUIET_MS)
				groups.at(-1)!.push(e);
			else groups.push([e]);
		}
		const all = groups.map((requests) => ({
			firstSeq: requests[0].seq,
			requests,
			startedAt: c.clock + requests[0].started_ms,
			endedAt: ended(requests.at(-1)),
		}));
		const last = all.at(-1);
		if (last && (open(last.requests) || Date.now() - last.endedAt < POLL_QUIET_MS)) all.pop();
		return all;
	};
	const pollAfter = async (afterSeq: number, what: string) =>
		await until(() => polls().find((poll) => poll.firstSeq > afterSeq), 150_000, what);
	/** Asserts that the polls after `afterSeq` up to `poll` met each kind of fault queued for them. */
	const assertFaultsMet = (afterSeq: number, poll: Poll, kinds: string[]) => {
		const between = polls().filter((p) => p.firstSeq > afterSeq && p.firstSeq <= poll.firstSeq);
		const met = new Set(between.flatMap((p) => p.requests.map(outcome)));
		assert.ok(
			kinds.every((kind) => met.has(kind)),
			`faults not met: ${[...met].join(', ')}`,
		);
	};

	/** Conversations added, with the trigger sandbox's last request seq when each was created. */
	const added: Array<{ id: number; kind: BurstKind; gap: string; marker: number }> = [];
	/** What a poll must deliver: every conversation created before it started, but the too-late ones. */
	const expectedBefore = (poll: Poll) =>
		added.filter((a) => a.kind !== 'too-late' && a.marker < poll.firstSeq).map((a) => a.id);
	/** Queues faults for the next polls' list requests, adds the bursts at random moments within `withinMs`. */
	const feed = async (gap: string, faults: FaultSpec[], bursts: Burst[], withinMs = 20_000) => {
		for (const fault of faults) control.injectFaults({ ...fault, path: '/api/v1/conversations' });
		const injected = lastSeq();
		const offsets = bursts.map(() => rng.int(0, withinMs)).sort((a, b) => a - b);
		const t0 = Date.now();
		for (const [i, [kind, count, minutesAgo, together]] of bursts.entries()) {
			await delay(t0 + offsets[i] - Date.now());
			const marker = lastSeq();
			const ago = minutesAgo === undefined ? undefined : new Date(Date.now() - minutesAgo * 60_000);
			const startedAt = ago?.toISOString().replace(/\.\d{3}Z$/, 'Z');
			const sameSecond = kind === 'same-second' || together === true;
			for (const { id } of control.addConversations({ count, sameSecond, startedAt }))
				added.push({ id, kind, gap, marker });
		}
		const mine = added.filter((a) => a.gap === gap);
		suite.log(T, `gap ${gap}: added ${tally(mine, (a) => a.kind)}`);
		return injected;
	};
	/** Adds a gap's bursts, then waits for the poll after them. */
	const gap = async (name: string, faults: FaultSpec[], bursts: Burst[], withinMs?: number) => {
		const injected = await feed(name, faults, bursts, withinMs);
		const poll = await pollAfter(lastSeq(), `the poll after burst ${name}`);
		return { injected, poll, expected: expectedBefore(poll) };
	};
	/** The trigger's executions' deliveries at the sink (not manual ones). */
	const deliveries = () =>
		c.sink.entries.flatMap(({ body, at }) => {
			const b = body as { executionId?: string; mode?: string; conversation?: { id?: number } };
			const id = b.conversation?.id;
			return b.mode !== 'manual' && id !== undefined
				? [{ id, executionId: String(b.executionId), at }]
				: [];
		});
	const deliveredIds = () => deliveries().map((d) => d.id);
	const waitDelivered = async (ids: number[]) => {
		const got = () => new Set(deliveredIds());
		await until(() => ids.every((id) => got().has(id)), 90_000, `${ids.length} at the sink`);
		await delay(1500);
	};
	const executionsFor = (ids: number[]) =>
		[...new Set(deliveries().flatMap((d) => (ids.includes(d.id) ? [d.executionId] : [])))].map(
			(id) => ({ id, worker: workerOf(c, id) }),
		);
	const describe = (poll: Poll) =>
		`${poll.requests.length} requests (${tally(poll.requests, outcome)}) over ${ms(poll.endedAt - poll.startedAt)}`;
	const notePoll = (label: string, poll: Poll, delivered?: number[]) => {
		const mine = deliveries().filter((d) => delivered?.includes(d.id));
		const lastAt = Math.max(...mine.map((d) => d.at));
		const where = executionsFor(delivered ?? []).map(
			(e) => `execution ${e.id} on worker ${e.worker ?? '?'}`,
		);
		const emitted = `; emitted ${delivered?.length} in ${where.join(', ')}; last delivery ${ms(lastAt - poll.startedAt)} after the poll started`;
		figure(T, `${label}: ${describe(poll)}${delivered ? emitted : ''}`);
	};

	const activated = await suite.check(
		T,
		'the activation poll emits nothing and sets the start',
		async () => {
			const poll = await pollAfter(0, 'the activation poll');
			await delay(1000);
			assert.equal(deliveredIds().length, 0, 'the activation poll emitted conversations');
			return describe(poll);
		},
	);
	if (!activated) {
		suite.skip(T, ['the other trigger checks'], 'no activation poll');
		return await node.runAll();
	}

	// Gap A: bursts while the concurrent webhook load runs; 429, 503 and a dropped connection for the next poll.
	const concurrent = node.run('concurrent');
	const A = await gap(
		'A',
		[FAULT[429], FAULT[503], FAULT.dropped],
		[
			['spaced', rng.around(60)],
			['same-second', rng.around(40)],
			['spaced', rng.around(50)],
			['late', rng.around(10), 5, true],
		],
	);
	await suite.check(
		T,
		'polls meeting 429 (Retry-After), 503 and a dropped connection retry and emit the burst (under the webhook load)',
		async () => {
			await waitDelivered(A.expected);
			assertFaultsMet(A.injected, A.poll, ['429', '503', 'dropped']);
			notePoll('poll after burst A', A.poll, A.expected);
			return `${A.expected.length} conversations`;
		},
	);
	await concurrent;

	const killed = await suite.check(
		T,
		'worker 1 killed (SIGKILL) between polls, while no execution runs',
		async () => {
			const quiet = () => !open(log()) && Date.now() - ended(log().at(-1)) >= 3000;
			await until(quiet, 150_000, 'a quiet trigger sandbox');
			const running = async () => await listExecutions(c.main, { status: ['new', 'running'] }, 20);
			await until(async () => (await running()).length === 0, 60_000, 'no running execution');
			const pid = worker1.pid;
			await worker1.kill();
			assert.equal(worker1.running, false, 'worker 1 still running');
			return `pid ${pid}`;
		},
	);
	const lanesAndBatch = node.run('lanes').then(async () => await node.run('batch'));
	const B = await gap(
		'B',
		[{ status: 429, retryAfter: 2, count: 2 }],
		[
			['spaced', rng.around(50)],
			['late', rng.around(30), rng.int(7, 15), true],
			['too-late', 8, 120],
		],
	);
	await suite.check(
		T,
		'with worker 1 down, worker 2 runs the trigger executions; nothing lost',
		async () => {
			assert.ok(killed, 'worker 1 was not killed');
			await waitDelivered(B.expected);
			const fresh = added.filter((a) => a.gap === 'B' && a.kind !== 'too-late').map((a) => a.id);
			const executions = executionsFor(fresh);
			assert.ok(executions.length >= 1, 'no execution delivered burst B');
			for (const e of executions)
				assert.equal(e.worker, 2, `execution ${e.id} ran on worker ${e.worker}`);
			notePoll('poll after burst B (worker 1 down)', B.poll, fresh);
			return `${fresh.length} conversations in execution ${executions.map((e) => e.id).join(', ')} on worker 2`;
		},
	);
	await suite.check(T, 'worker 1 restarted (same user folder) and ready', async () => {
		const readyMs = await worker1.start();
		figure(T, `worker 1 restart: ready in ${ms(readyMs)}`);
		return `ready in ${ms(readyMs)}`;
	});

	// Gap C: the next poll fails outright (a 503 for every attempt the node makes).
	const attempts = RETRY_POLICY.maxAttempts;
	const errors = async () =>
		await listExecutions(c.main, { workflowId: c.trigger.id, status: ['error'] }, 50);
	const errorsBefore = (await errors()).length;
	const feedC = feed(
		'C',
		[{ status: 503, count: attempts }],
		[
			['spaced', rng.around(60)],
			['same-second', rng.around(30)],
		],
	);
	const pollC = await pollAfter(lastSeq(), `the poll meeting ${attempts} × 503`);
	const deliveredAtC = new Set(deliveredIds());
	const missedByC = expectedBefore(pollC).filter((id) => !B.expected.includes(id));
	await suite.check(
		T,
		`a poll failing after ${attempts} × 503 (every attempt) emits nothing, records an error execution and keeps its state`,
		async () => {
			const statuses = countBy(pollC.requests, outcome);
			const got = tally(pollC.requests, outcome);
			assert.equal(statuses.get('503'), attempts, `expected ${attempts} × 503, got ${got}`);
			assert.equal(statuses.get('200') ?? 0, 0, 'a request of the failing poll succeeded');
			const newError = async () => (await errors()).slice(0, -errorsBefore || undefined);
			const after = await until(async () => (await newError())[0], 20_000, 'an error execution');
			const emitted = missedByC.filter((id) => deliveredAtC.has(id));
			assert.deepEqual(emitted, [], 'conversations emitted although the poll failed');
			notePoll('failing poll', pollC);
			return `${missedByC.length} pending conversations not emitted; error execution ${after.id}`;
		},
	);
	await feedC;
	await lanesAndBatch;
	const pairs = node.run('pairs');

	// Gap D: the poll after the failure catches up; late and too-late arrivals.
	const D = await gap(
		'D',
		[FAULT.dropped, FAULT[429]],
		[
			['spaced', rng.around(40)],
			['late', rng.around(20), rng.int(20, 40)],
			['same-second', rng.around(20)],
			['too-late', 5, 180],
		],
	);
	await suite.check(
		T,
		'the next polls emit what the failed poll missed plus new, same-second and late ones; too-late ones never',
		async () => {
			await waitDelivered(D.expected);
			const tooLate = new Set(added.filter((a) => a.kind === 'too-late').map((a) => a.id));
			assert.deepEqual(
				deliveredIds().filter((id) => tooLate.has(id)),
				[],
				'too-late conversations were emitted',
			);
			assertFaultsMet(D.injected, D.poll, ['429', 'dropped']);
			const fresh = D.expected.filter((id) => !B.expected.includes(id));
			notePoll('polls after the failure', D.poll, fresh);
			return `${fresh.length} conversations (${missedByC.length} pending at the failed poll) in ${executionsFor(fresh).length} execution(s)`;
		},
	);
	await pairs;

	// Gap E: a last small burst, then the exactly-once comparison.
	const E = await gap(
		'E',
		[],
		[
			['spaced', rng.around(10)],
			['same-second', rng.around(10)],
		],
		8_000,
	);
	await suite.check(
		T,
		'every conversation created after activation reached the sink exactly once (none lost, none twice)',
		async () => {
			await waitDelivered(E.expected);
			await delay(3000);
			notePoll(
				'last poll',
				E.poll,
				E.expected.filter((id) => !D.expected.includes(id)),
			);
			const expected = added.filter((a) => a.kind !== 'too-late').map((a) => a.id);
			const counts = countBy(deliveredIds(), String);
			const missing = expected.filter((id) => !counts.has(String(id)));
			const twice = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
			const unexpected = [...counts.keys()].filter((id) => !expected.includes(Number(id)));
			assert.deepEqual({ missing, twice, unexpected }, { missing: [], twice: [], unexpected: [] });
			const firstAdded = Math.min(...added.map((a) => a.id));
			const created = control.conversations('A').filter((x) => x.id >= firstAdded);
			assert.equal(created.length, added.length, 'conversations this run did not add');
			const executions = new Set(deliveries().map((d) => d.executionId));
			const perWorker = tally([...executions], (id) => `on worker ${workerOf(c, id) ?? '?'}`);
			figure(
				T,
				`exactly once: ${deliveredIds().length} deliveries = ${expected.length} conversations (${tally(added, (a) => a.kind)}; the too-late ones skipped by design) over ${polls().length} polls, ${executions.size} executions (${perWorker})`,
			);
			return `${expected.length} conversations, ${executions.size} executions, ${polls().length} polls`;
		},
	);
	await suite.check(T, 'the restarted worker 1 runs executions again', () => {
		const ids = worker1.executionIds(2);
		assert.ok(ids.length > 0, 'worker 1 ran no execution after its restart');
		return `${ids.length} executions after the restart; worker 2 ran ${worker2.executionIds().length} in all`;
	});
}

// --- node track -------------------------------------------------------------------------------------

type Agent = { id: number; account: 'A' | 'B' };
type Call = Awaited<ReturnType<NodeTrack['call']>>;
type Window = { start: number; end: number };
type Execution = Awaited<ReturnType<typeof execution>> & { faq?: Window; worker?: number };
type Executions = Map<string, Execution>;
type PhaseName = 'concurrent' | 'lanes' | 'batch' | 'pairs';

interface Phase {
	check: string;
	rateLimit: boolean;
	/** Faults while it runs: one request in FAULT_EVERY, or these, queued once. */
	faults: 'every' | FaultSpec[];
	send: () => Promise<Call[]>;
	/** The check's assertions beyond "every call and execution succeeded"; returns its summary. */
	verify: (calls: Call[], executions: Executions, wallMs: number) => string;
	/** A second check on the same calls. */
	also?: [name: string, verify: (calls: Call[], executions: Executions) => string];
}

const sentTo = (calls: Call[], agent: Agent) => calls.filter((call) => call.agent === agent).length;
const overlap = (a?: Window, b?: Window) =>
	a !== undefined && b !== undefined && a.start < b.end && b.start < a.end;

class NodeTrack {
	private readonly T = 'node';
	private readonly tag = randomBytes(3).toString('hex');
	private n = 0;
	private readonly control = this.c.nodeSandbox.control;
	private readonly agents: Agent[] = (['A', 'B'] as const).flatMap((account) =>
		this.c.nodeSandbox.agentIds[account].map((id) => ({ id, account })),
	);

	constructor(private readonly c: Cluster) {}

	async runAll(): Promise<void> {
		for (const phase of ['concurrent', 'lanes', 'batch', 'pairs'] as const) await this.run(phase);
	}

	/** A distinct item for an agent: one of its account's conversations and a question naming this run. */
	private item(agent: Agent, phase: string): FaqCallItem {
		const list = this.control.conversations(agent.account);
		const conversationId = list[this.n % list.length].id;
		return {
			conversationId,
			agentId: agent.id,
			question: `[${phase} ${this.tag}] #${++this.n}: what did the caller of conversation ${conversationId} need?`,
		};
	}

	async call(agent: Agent, items: FaqCallItem[]) {
		const sentAt = Date.now();
		const url = `${this.c.main.baseUrl}/webhook/${workflows.faqWebhookPath(agent.account)}`;
		const headers = { 'content-type': 'application/json' };
		const request = {
			method: 'POST',
			headers,
			body: JSON.stringify({ items }),
			signal: AbortSignal.timeout(300_000),
		};
		const response = await fetch(url, request).catch((error: unknown) => ({
			status: 0,
			text: async () => String(error),
		}));
		const text = await response.text().catch(String);
		outputs.push({ what: 'webhook response', text });
		const body = await Promise.resolve(text)
			.then((json) => JSON.parse(json) as FaqCallResponse)
			.catch(() => undefined);
		return { agent, items, sentAt, doneAt: Date.now(), status: response.status, body, text };
	}

	private faq(agentId: number): Record<string, string> {
		return this.control.agent(agentId)!.faq;
	}

	private kept(agent: Agent): number {
		return Object.keys(this.faq(agent.id)).length;
	}

	private saved(call: Call): boolean {
		return call.items[0].question in this.faq(call.items[0].agentId);
	}

	private readonly phases: Record<PhaseName, Phase> = {
		concurrent: {
			check: `${CALLS} concurrent webhook executions over both workers all succeed under a per-key rate limit and injected faults`,
			rateLimit: true,
			faults: 'every',
			send: async () =>
				await Promise.all(
					Array.from({ length: CALLS }, (_, i) => this.agents[i % this.agents.length]).map(
						async (agent) => await this.call(agent, [this.item(agent, 'concurrent')]),
					),
				),
			verify: (calls, executions, wallMs) => {
				const workers = new Set([...executions.values()].map((e) => e.worker));
				assert.ok(workers.has(1) && workers.has(2), `ran on workers ${[...workers].join(', ')}`);
				const faults = this.control
					.requests()
					.log.filter((e) => e.dropped || e.status === 429 || (e.status ?? 0) >= 500);
				assert.ok(faults.length > 0, 'no fault or rate limit met: the load proved no retries');
				this.timing('concurrent', calls, executions, wallMs);
				return `${calls.length} executions, ${faults.length} requests answered 429/5xx/dropped and retried`;
			},
			// A PATCH replaces the whole FAQ, so concurrent executions on one agent can overwrite each other.
			also: [
				'concurrent FAQ edits of one agent: every lost upsert overlapped another execution on that agent',
				(calls, executions) => {
					const faqOf = (call: Call) => executions.get(call.body?.executionId ?? '')?.faq;
					const lost = calls.filter(
						(call) => call.body?.items[0]?.saved === true && !this.saved(call),
					);
					const unexplained = lost.filter(
						(call) =>
							!calls.some(
								(other) =>
									other !== call &&
									other.agent.id === call.agent.id &&
									overlap(faqOf(call), faqOf(other)),
							),
					);
					assert.deepEqual(
						unexplained.map((call) => call.body?.executionId),
						[],
						'upserts lost without an overlapping execution',
					);
					for (const agent of this.agents) assert.ok(this.kept(agent) <= 50);
					const perAgent = this.agents.map(
						(agent) => `agent ${agent.id}: ${this.kept(agent)}/${sentTo(calls, agent)}`,
					);
					const windows = [...executions.values()].flatMap((e) =>
						e.faq ? [e.faq.end - e.faq.start] : [],
					);
					figure(
						this.T,
						`concurrent: ${lost.length} of ${calls.length} upserts lost to concurrent edits (kept/sent ${perAgent.join(', ')}); FAQ node read→write ${spread(windows)}`,
					);
					return `${lost.length} of ${calls.length} lost, all while another execution edited the same agent`;
				},
			],
		},
		lanes: {
			check: 'one execution per agent at a time (lanes): every upsert is in the final FAQs',
			rateLimit: true,
			faults: 'every',
			send: async () => {
				const lane = async (agent: Agent) => {
					const calls: Call[] = [];
					while (calls.length < Math.ceil(CALLS / this.agents.length))
						calls.push(await this.call(agent, [this.item(agent, 'lane')]));
					return calls;
				};
				return (await Promise.all(this.agents.map(lane))).flat();
			},
			verify: (calls, executions, wallMs) => {
				const missing = calls
					.filter((call) => !this.saved(call))
					.map((call) => call.items[0].question);
				assert.deepEqual(missing.slice(0, 5), [], `${missing.length} upserts missing`);
				for (const agent of this.agents) assert.equal(this.kept(agent), sentTo(calls, agent));
				const label = `lanes (${this.agents.length} agents, one execution each at a time)`;
				this.timing(label, calls, executions, wallMs);
				return `${calls.length} upserts on ${this.agents.length} agents, all kept`;
			},
		},
		batch: {
			check:
				'one execution with many items: every upsert kept, a read, a re-read and one write per agent',
			rateLimit: false,
			faults: [{ status: 503, count: 2 }, FAULT.dropped, FAULT[429]],
			send: async () =>
				await Promise.all(
					(['A', 'B'] as const).map(async (account) => {
						const agents = this.agents.filter((agent) => agent.account === account);
						return await this.call(
							agents[0],
							agents.flatMap((agent) =>
								Array.from({ length: 12 }, () => this.item(agent, 'batch')),
							),
						);
					}),
				),
			verify: (calls, _executions, wallMs) => {
				const items = calls.flatMap((call) => call.items);
				assert.deepEqual(
					items
						.filter((item) => !(item.question in this.faq(item.agentId)))
						.map((item) => item.question),
					[],
				);
				const { log } = this.control.requests();
				for (const agent of this.agents) {
					const ok = (method: string) =>
						log.filter(
							(e) =>
								e.method === method && e.path === `/api/v1/agents/${agent.id}` && e.status === 200,
						).length;
					// A read, then a re-read just before the write (the FAQ is merged again if it changed).
					assert.equal(ok('GET'), 2, `agent ${agent.id}: ${ok('GET')} successful reads`);
					assert.equal(ok('PATCH'), 1, `agent ${agent.id}: ${ok('PATCH')} successful writes`);
				}
				figure(
					this.T,
					`one execution per account with ${items.length} items on ${this.agents.length} agents: ${ms(wallMs)}; ${this.requestFigures()}`,
				);
				return `${items.length} upserts in ${calls.length} executions, all kept`;
			},
		},
		// Pairs on one agent at growing start offsets: the lost-update window of a PATCH that replaces the whole FAQ.
		pairs: {
			check:
				'lost-update window: two executions on one agent lose an upsert only when their FAQ reads and writes overlap',
			rateLimit: false,
			faults: [],
			send: async () => {
				const calls: Call[] = [];
				for (const offset of [...PAIR_OFFSETS, ...PAIR_OFFSETS]) {
					const firsts = this.agents.map(
						async (agent) => await this.call(agent, [this.item(agent, 'pair')]),
					);
					await delay(offset);
					const seconds = this.agents.map(
						async (agent) => await this.call(agent, [this.item(agent, 'pair')]),
					);
					const [a, b] = await Promise.all([Promise.all(firsts), Promise.all(seconds)]);
					calls.push(...a.flatMap((first, i) => [first, b[i]]));
				}
				return calls;
			},
			verify: (calls, executions) => {
				const faqOf = (call: Call) => executions.get(call.body!.executionId)!.faq!;
				const rows = calls.flatMap((first, i) => {
					if (i % 2 === 1) return [];
					const [one, two] = [faqOf(first), faqOf(calls[i + 1])];
					const offset = PAIR_OFFSETS[Math.floor(i / 2 / this.agents.length) % PAIR_OFFSETS.length];
					const lost = !this.saved(first) || !this.saved(calls[i + 1]);
					return [
						{
							offset,
							lost,
							overlap: overlap(one, two),
							gap: Math.abs(two.start - one.start),
							windows: [one.end - one.start, two.end - two.start],
						},
					];
				});
				const unexplained = rows.filter((row) => row.lost && !row.overlap).length;
				assert.equal(unexplained, 0, `${unexplained} pairs lost an upsert without overlapping`);
				const lostOf = (mine: typeof rows) =>
					`${mine.filter((row) => row.lost).length}/${mine.length} lost`;
				const buckets = [0, 100, 250, 500, 1000, Infinity];
				const byGap = buckets.slice(0, -1).flatMap((low, i) => {
					const mine = rows.filter((row) => row.gap >= low && row.gap < buckets[i + 1]);
					return mine.length === 0
						? []
						: [`${low}–${buckets[i + 1] === Infinity ? '∞' : buckets[i + 1]} ms: ${lostOf(mine)}`];
				});
				figure(
					this.T,
					`lost-update window: FAQ node read→write ${spread(rows.flatMap((row) => row.windows))} per execution (sandbox latency 20 ms)`,
				);
				figure(this.T, `  by the gap between the two FAQ steps' starts: ${byGap.join('; ')}`);
				for (const offset of PAIR_OFFSETS) {
					const mine = rows.filter((row) => row.offset === offset);
					const gaps = mine.map((row) => row.gap);
					const apart = ms(percentile(gaps, 50));
					figure(
						this.T,
						`  pair offset +${offset} ms: ${lostOf(mine)} (FAQ steps started ${apart} apart, overlapping ${mine.filter((row) => row.overlap).length})`,
					);
				}
				const overlapping = rows.filter((row) => row.overlap).length;
				return `${rows.filter((row) => row.lost).length} of ${rows.length} pairs lost an upsert; ${overlapping} overlapped; none lost without overlap`;
			},
		},
	};

	/** Runs a phase from empty FAQs: its calls, then its checks (a phase that throws fails its check). */
	async run(name: PhaseName): Promise<void> {
		const phase = this.phases[name];
		try {
			await this.emptyFaqs();
			this.control.clearFaults();
			this.control.setRateLimit(phase.rateLimit ? RATE_LIMIT : { maxInFlight: null });
			this.control.clearRequests();
			const stopFaults = phase.faults === 'every' ? this.faultEvery() : undefined;
			for (const fault of phase.faults === 'every' ? [] : phase.faults)
				this.control.injectFaults(fault);
			const t0 = Date.now();
			const calls = await phase.send();
			const wallMs = Date.now() - t0;
			stopFaults?.();
			this.control.clearFaults();
			this.control.setRateLimit({ maxInFlight: null });
			const executions = await this.executions(calls);
			const errors = await this.failedExecutionErrors(calls);
			await suite.check(this.T, phase.check, () => {
				const failed = calls.filter(
					(call) =>
						call.status !== 200 ||
						!call.body?.executionId ||
						call.body.items.length !== call.items.length ||
						call.body.items.some((item) => item.saved !== true),
				);
				const failures = failed
					.slice(0, 5)
					.map((call) => `${call.status}: ${call.text.slice(0, 300)}`);
				assert.deepEqual(
					failures,
					[],
					`${failed.length} of ${calls.length} calls failed${errors && `; failed executions: ${errors}`}`,
				);
				const notSuccess = [...executions]
					.filter(([, e]) => e.status !== 'success')
					.map(([id, e]) => `${id}: ${e.status}`);
				assert.deepEqual(notSuccess, [], 'executions not successful');
				return phase.verify(calls, executions, wallMs);
			});
			if (phase.also)
				await suite.check(this.T, phase.also[0], () => phase.also![1](calls, executions));
		} catch (error) {
			await failCheck(this.T, phase.check, error);
		}
	}

	/** Empties every agent's FAQ (straight to the API, retrying until it answers 200). */
	private async emptyFaqs(): Promise<void> {
		const { url, keys } = this.c.nodeSandbox;
		for (const agent of this.agents) {
			const authorization = `Bearer ${agent.account === 'A' ? keys.readWrite : keys.otherAccount}`;
			const request = {
				method: 'PATCH',
				headers: { authorization, 'content-type': 'application/json' },
				body: '{"faq":{}}',
			};
			const emptied = async () =>
				(await fetch(`${url}/api/v1/agents/${agent.id}`, request).catch(() => undefined))?.ok;
			await until(emptied, 10_000, `an empty FAQ of agent ${agent.id}`);
		}
	}

	/**
	 * Until stopped, after every FAULT_EVERY API requests the next one gets a 503, a dropped connection,
	 * a 429 with Retry-After or a 502, in turn: a fixed share of the traffic, however the load winds down.
	 */
	private faultEvery(): () => void {
		const kinds = [FAULT[503], FAULT.dropped, FAULT[429], FAULT[502]];
		let i = 0;
		let nextAt = FAULT_EVERY;
		const timer = setInterval(() => {
			const seq = this.control.requests().log.at(-1)?.seq ?? 0;
			if (seq < nextAt) return;
			this.control.clearFaults();
			this.control.injectFaults(kinds[i++ % kinds.length]);
			nextAt = seq + FAULT_EVERY;
		}, 50);
		return () => clearInterval(timer);
	}

	/** Each call's execution (n8n's REST API), with its FAQ node's run and the worker that ran it. */
	private async executions(calls: Call[]): Promise<Executions> {
		const ids = calls.flatMap((call) => (call.body?.executionId ? [call.body.executionId] : []));
		const out = new Map<string, Execution>();
		const fetchSome = async () => {
			for (let id = ids.pop(); id !== undefined; id = ids.pop()) {
				// The webhook answers from its Respond node; n8n may record the execution's end a little later.
				const ended = async () => {
					const detail = await execution(this.c.main, id);
					return ['new', 'running'].includes(detail.status) ? undefined : detail;
				};
				const e = await until(ended, 60_000, `execution ${id} to end`);
				const { startTime: start = 0, executionTime = 0 } = e.runData['FAQ Upsert']?.[0] ?? {};
				out.set(id, {
					...e,
					faq: start ? { start, end: start + executionTime } : undefined,
					worker: workerOf(this.c, id),
				});
			}
		};
		await Promise.all(Array.from({ length: 8 }, fetchSome));
		return out;
	}

	/** A failed call's webhook answer has no execution id: the errors of the failed executions since, by text. */
	private async failedExecutionErrors(calls: Call[]): Promise<string> {
		if (calls.every((call) => call.status === 200)) return '';
		const since = Math.min(...calls.map((call) => call.sentAt)) - 1000;
		const failed = (await listExecutions(this.c.main, { status: ['error', 'crashed'] })).filter(
			(e) => Date.parse(e.createdAt ?? '') >= since,
		);
		const texts: string[] = [];
		for (const { id } of failed) {
			const { error, lastNodeExecuted } = await execution(this.c.main, id);
			texts.push(
				`${error?.node?.name ?? lastNodeExecuted ?? '?'}: ${error?.message ?? 'no error recorded'}${error?.description ? ` — ${error.description}` : ''}`,
			);
		}
		return tally(texts, String);
	}

	private requestFigures(): string {
		const { log, peakInFlight } = this.control.requests();
		const statuses = tally(log.map(outcome).sort(), String);
		return `API requests ${log.length} (${statuses}), peak ${peakInFlight} in flight`;
	}

	private timing(label: string, calls: Call[], executions: Executions, wallMs: number): void {
		const infos = [...executions.values()];
		const at = (e: Execution, key: 'createdAt' | 'startedAt' | 'stoppedAt') => Date.parse(e[key]);
		const perWorker = tally(infos, (e) => `on worker ${e.worker ?? '?'}`);
		figure(
			this.T,
			`${label}: ${calls.length} calls in ${ms(wallMs)} = ${((calls.length / wallMs) * 1000).toFixed(1)} executions/s; ` +
				`round trip ${spread(calls.map((call) => call.doneAt - call.sentAt))}; ` +
				`execution ${spread(infos.map((e) => at(e, 'stoppedAt') - at(e, 'startedAt')))}; ` +
				`queue wait ${spread(infos.map((e) => at(e, 'startedAt') - at(e, 'createdAt')))}; ${perWorker}`,
		);
		figure(this.T, `${label}: ${this.requestFigures()}`);
	}
}

// --- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const t0 = Date.now();
	suite.log('main', `n8n 2.x from ${install.dir}; SCALE_SEED=${seed} repeats the bursts`);
	await suite.check(
		'code',
		'nodes keep no module-level mutable state (static read of nodes/ and credentials/)',
		() => {
			const report = analyseModuleState(resolve(__dirname, '..', '..'), ['nodes', 'credentials']);
			assert.ok(report.files > 10, `only ${report.files} source files found`);
			// The trigger's one-poll-at-a-time lease is per n8n process on purpose: polls run on the main only.
			const lease = 'nodes/RingReadyTrigger/state.ts: module-level running is mutated at';
			assert.deepEqual(
				report.problems.filter((p) => !p.startsWith(lease)),
				[],
			);
			return `${report.files} files: no let/var at module level, ${report.constants} module constants never changed in place (but the trigger's poll lease), no stateful regex, no mutable static fields, node/credential classes never assign this.* (classes: ${report.classes.join(', ')})`;
		},
	);
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
		const track = TRACKS.includes('trigger') ? triggerTrack(c, node) : node.runAll();
		await track.catch(async (error: unknown) => await failCheck('trigger', 'trigger track', error));
		await suite.check('main', 'no API key appears in any n8n log or webhook response', () => {
			for (const file of [c.main.logFile, ...c.workers.map((worker) => worker.n8n.logFile)])
				if (existsSync(file)) outputs.push({ what: file, text: readFileSync(file, 'utf8') });
			assert.deepEqual(script.secretLeaks(outputs, secrets, keyPrefix), []);
			return `${outputs.length} outputs scanned`;
		});
	} else suite.skip('main', ['trigger and node checks'], 'the cluster did not start');
	await script.runCleanups();
	process.stdout.write(
		`\n=== figures (seed ${seed}) ===\n${figures.map((line) => `  ${line}`).join('\n')}\n`,
	);
	suite.summary(`scale: n8n 2.x queue mode (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
	process.exitCode = suite.failed > 0 || suite.results.length === 0 ? 1 : 0;
}

script.runScript(main);
