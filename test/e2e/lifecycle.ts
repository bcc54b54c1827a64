/**
 * The `lifecycle` track: while a scheduled poll's list page is held, the user re-publishes the trigger
 * workflow with Channel: Phone through the REST API, as the editor does. What arrives after it is
 * emitted once each, nothing from before (a filter change starts over). Once per scheduler.
 */
import assert from 'assert/strict';
import { delay, DURABLE_SCHEDULER_ENV, until, type N8n } from '../../tools/n8n';
import { idsEmitted, lastRequestSeq, listRequests, waitForPoll } from './lib/sink';
import type { TrackContext } from './lib/suite';
import { triggerWorkflow, type Workflow } from './workflows';

const T = 'lifecycle';
const HOLD_MS = 40_000;
const LIST_PATH = '/api/v1/conversations';

type Scheduler = 'in-memory' | 'durable';

export async function lifecycleTrack(ctx: TrackContext): Promise<void> {
	const schedulers: Scheduler[] = ctx.install.line === 2 ? ['in-memory', 'durable'] : ['in-memory'];
	await Promise.all(schedulers.map(async (scheduler) => await republishDuringPoll(ctx, scheduler)));
}

async function republishDuringPoll(ctx: TrackContext, scheduler: Scheduler): Promise<void> {
	const { suite, sink } = ctx;
	const name = `trigger (${scheduler} scheduler): re-published with Channel: Phone while a poll's list page is held ${HOLD_MS / 1000} s; the calls that arrive after it are emitted once each, nothing from before`;
	const sandbox = await ctx.newSandbox();
	const n8n = await ctx.newN8n(`lifecycle-${scheduler}`, {
		env: scheduler === 'durable' ? DURABLE_SCHEDULER_ENV : undefined,
	});
	const id = scheduler === 'durable' ? 'e2eLifecycDrble' : 'e2eLifecycLegcy';
	const workflow = triggerWorkflow(sink.url, { id, name: `e2e lifecycle (${scheduler})` });
	const key = sandbox.keys.readOnly;
	const lastSeq = () => lastRequestSeq(sandbox);
	const emitted = () => idsEmitted(sink, workflow);
	const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

	await suite.check(T, name, async () => {
		await n8n.importCredentials(ctx.credentialsFor(sandbox));
		await n8n.importWorkflows([workflow]);
		await n8n.activate(workflow.id);
		const t0 = Date.now();
		await n8n.start();
		await n8n.rest.setupOwner(ctx.owner);
		await waitForPoll(sandbox, key, 0, 60_000, 'the activation poll');
		suite.log(T, `${scheduler}: activation poll done ${since(t0)} after start`);

		// Before the re-publish: one call before the held poll lists, one while its list page is held.
		const before = sandbox.control.addConversations({ count: 1, channel: 'phone' });
		sandbox.control.slowDown({ path: LIST_PATH, method: 'GET', holdMs: HOLD_MS, count: 1 });
		const afterActivation = lastSeq();
		const held = await until(
			() => listRequests(sandbox, key, afterActivation).find((e) => e.status === null),
			90_000,
			'a scheduled poll whose list page is held',
		);
		const heldAt = Date.now();
		suite.log(T, `${scheduler}: scheduled poll's list page held (request ${held.seq})`);
		await delay(5_000);
		before.push(...sandbox.control.addConversations({ count: 1, channel: 'phone' }));

		const beforeRepublish = lastSeq();
		await republish(n8n, workflow.id, { channel: 'phone' });
		suite.log(T, `${scheduler}: re-published with Channel: Phone ${since(heldAt)} into the hold`);
		await delay(5_000);
		const after = sandbox.control.addConversations({ count: 2, channel: 'phone' });
		const afterIds = after.map((c) => c.id);
		suite.log(
			T,
			`${scheduler}: calls ${before.map((c) => c.id).join(', ')} before the re-publish, ${afterIds.join(', ')} after it`,
		);

		await until(
			() => afterIds.every((newId) => emitted().includes(newId)),
			150_000,
			'the calls that arrived after the re-publish',
			100,
		);
		const arrivedIn = since(heldAt);
		// The held poll of the old activation is answered by now; anything it emitted would be here.
		await delay(Math.max(0, heldAt + HOLD_MS + 5_000 - Date.now()));
		const phoneOnly = listRequests(sandbox, key, beforeRepublish);
		assert.ok(phoneOnly.length > 0, 'no list request after the re-publish');
		assert.ok(
			phoneOnly.every((entry) => entry.query.channel === 'phone'),
			`a list request after the re-publish without channel=phone: ${JSON.stringify(phoneOnly.map((e) => e.query))}`,
		);
		const got = emitted();
		assert.deepEqual(
			[...got].sort((a, b) => a - b),
			[...afterIds].sort((a, b) => a - b),
			`emitted ${JSON.stringify(got)}; expected ${JSON.stringify(afterIds)} once each`,
		);
		return `emitted ${got.join(', ')} (${arrivedIn} after the hold began), not ${before.map((c) => c.id).join(', ')}; ${phoneOnly.length} list requests after the re-publish, all channel=phone`;
	});
	await n8n.stop();
}

/**
 * Save and publish again as the editor does: 2.x saves a draft (PATCH) and publishes its version
 * (POST …/activate); 1.x saves the active workflow (PATCH with `active: true`), which re-activates it.
 */
async function republish(n8n: N8n, workflowId: string, filters: object) {
	const line = n8n.install.line;
	const stored = await n8n.rest.call<Workflow & { versionId: string }>(
		'GET',
		`/rest/workflows/${workflowId}`,
	);
	const nodes = stored.nodes.map((node) =>
		node.name === 'New Conversation'
			? { ...node, parameters: { ...node.parameters, filters } }
			: node,
	);
	const { name, connections, settings, versionId } = stored;
	const body = { name, nodes, connections, settings, versionId };
	const saved = await n8n.rest.call<{ versionId: string }>(
		'PATCH',
		`/rest/workflows/${workflowId}`,
		line === 2 ? body : { ...body, active: true },
	);
	if (line === 2)
		await n8n.rest.call('POST', `/rest/workflows/${workflowId}/activate`, {
			versionId: saved.versionId,
		});
}
