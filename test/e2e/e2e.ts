/**
 * End to end against real n8n (started by test/e2e/run.sh). The tracks run at the same time, each with
 * its own sandbox, n8n user folder and ports: exec (every operation through `n8n execute`), server
 * (`n8n start`: credential test, node types, examples, the trigger on the in-memory scheduler), durable
 * (2.x: the trigger on the durable scheduler), example (ai.ts, then examples.ts), lifecycle
 * (lifecycle.ts), origins (recording-origins.ts). Ends with `N passed, N failed`.
 */
import assert from 'assert/strict';
import { existsSync, readdirSync, readFileSync, mkdirSync } from 'fs';
import { createRequire } from 'module';
import { join, resolve } from 'path';

import { keyPrefix, recordingAudio, startSandbox, type Sandbox } from '../sandbox';
import {
	delay,
	DURABLE_SCHEDULER_ENV,
	N8n,
	nodeItems,
	nodeOutput,
	tail,
	until,
	type BinaryFile,
	type ExecuteResult,
	type N8nInstall,
	type N8nLine,
	type N8nOptions,
} from '../../tools/n8n';
import {
	emittedTo,
	idsEmitted,
	lastRequestSeq,
	startSink,
	waitForPoll,
	type Sink,
} from './lib/sink';
import { Suite, type TrackContext } from './lib/suite';
import {
	credential,
	CREDENTIALS,
	errorsWorkflow,
	failingWorkflow,
	FAQ_NOT_LOST_QUESTION,
	loadExample,
	locator,
	MANY_ITEMS,
	manyItemsWorkflow,
	NODE,
	readsWorkflow,
	recordingWorkflow,
	REPLACED_FAQ,
	TOOL,
	TRIGGER,
	triggerWorkflow,
	trustWorkflow,
	UPDATED_GOAL,
	UPDATED_GREETING,
	writesWorkflow,
	type CredentialRef,
	type NodeTypeDescription,
	type Workflow,
} from './workflows';
import {
	cleanups,
	pidRecorder,
	requiredEnv,
	runCleanups,
	runScript,
	secretLeaks,
} from '../../tools/script';
import { aiThenExamplesTrack } from './examples';
import { lifecycleTrack } from './lifecycle';
import { originsTrack } from './recording-origins';

const ROOT = resolve(__dirname, '..', '..');
const fromRunSh = (name: string) => requiredEnv(name, 'test/e2e/run.sh');
const line = Number(process.env.E2E_N8N_LINE ?? '2') as N8nLine;
const install: N8nInstall = {
	line,
	dir: fromRunSh('E2E_N8N_DIR'),
	nodeBin: fromRunSh('E2E_N8N_NODE'),
};
const packageDir = fromRunSh('E2E_PACKAGE_DIR');
const workDir = fromRunSh('E2E_WORK_DIR');
const recordPid = pidRecorder(process.env.E2E_PIDS_FILE);
const wantedTracks = process.env.E2E_TRACKS?.split(',').map((name) => name.trim());
const runs = (track: string) => !wantedTracks || wantedTracks.includes(track);

const suite = new Suite();
const outputs: Array<{ what: string; text: string }> = [];
const secrets: string[] = [];

const OWNER = {
	email: 'e2e@example.com',
	password: 'E2e-passw0rd!',
	firstName: 'E2E',
	lastName: 'Runner',
};

/** The trigger tracks take longest: the others set up their n8n once those have started (2 cores). */
const leaderStarted: Record<string, () => void> = {};
const leadersUp = Promise.all(
	['server', 'durable'].map((name) => new Promise<void>((done) => (leaderStarted[name] = done))),
);

async function newSandbox(): Promise<Sandbox> {
	const sandbox = await startSandbox({ controls: true });
	cleanups.push(() => sandbox.close());
	secrets.push(...Object.values(sandbox.keys));
	return sandbox;
}

function credentialsFor(sandbox: Sandbox) {
	const { readWrite, readOnly, revoked, otherAccount } = sandbox.keys;
	const perItem = `={{ ${JSON.stringify({ alpha: readWrite, bravo: otherAccount })}[$json.account] }}`;
	return Object.entries({ readWrite, readOnly, revoked, perItem }).map(([name, apiKey]) =>
		credential(CREDENTIALS[name as keyof typeof CREDENTIALS], 'ringReadyApi', {
			apiKey,
			baseUrl: sandbox.url,
		}),
	);
}

/** Every n8n of the run: in <workDir>/<folder>, the package installed, stopped at the end. */
const instances: N8n[] = [];
async function newN8n(folder: string, options: Partial<N8nOptions> = {}): Promise<N8n> {
	const n8n = new N8n({
		install,
		userFolder: join(workDir, folder),
		onSpawn: recordPid,
		...options,
	});
	await n8n.allocatePorts();
	n8n.installPackage(packageDir);
	cleanups.push(() => n8n.stop());
	instances.push(n8n);
	return n8n;
}

/** `n8n execute` of one workflow; what it printed is scanned for API keys at the end. */
async function execute(T: string, n8n: N8n, workflowId: string, what: string) {
	suite.log(T, `n8n execute: ${what}`);
	const result = await n8n.execute(workflowId);
	outputs.push({ what: `execute ${what}`, text: `${result.stdout}\n${result.stderr}` });
	return result;
}

/** `n8n execute` of one workflow and the check "<what> workflow runs"; its result when that passed. */
async function executeChecked(T: string, n8n: N8n, workflowId: string, what: string) {
	const result = await execute(T, n8n, workflowId, what);
	const ran = await suite.check(T, `${what} workflow runs (n8n execute exits 0)`, () => {
		assertExitedOk(result);
		assert.ok(result.run, 'no run data in the output');
		return `${(result.ms / 1000).toFixed(1)} s`;
	});
	return ran ? result : undefined;
}

/**
 * `n8n execute` exited 0, or, under load, was ended by a signal after printing a run that finished
 * successfully (n8n 2.x sometimes dies on its way out): the printed run is what a user gets.
 * Otherwise the failure shows how it ended and the last lines n8n printed.
 */
function assertExitedOk(result: ExecuteResult): void {
	const printedSuccess =
		result.run?.finished === true && result.run.data.resultData.error === undefined;
	if (result.code === null && result.signal !== null && printedSuccess) {
		console.log(`    (n8n execute ended by ${result.signal} after printing a successful run)`);
		return;
	}
	assert.equal(
		result.code,
		0,
		`exit code ${result.code ?? `null (${result.signal})`}\n${tail(result.stdout + result.stderr, 30)}`,
	);
}

const ids = (items: Array<Record<string, unknown>>) => items.map((item) => Number(item.id));

/** A file size as n8n writes it in `fileSize` ("3.21 kB"): n8n-core's own pretty-bytes. */
const n8nFileSize = createRequire(join(install.dir, 'node_modules', 'n8n-core', 'package.json'))(
	'pretty-bytes',
) as (bytes: number) => string;

// exec track: every operation through `n8n execute`

async function execTrack(): Promise<void> {
	const T = 'exec';
	const sandbox = await newSandbox();
	const n8n = await newN8n('exec');
	const agentId = sandbox.agentIds.A[0];
	const otherAgentId = sandbox.agentIds.A[1];
	// Three conversations of this agent "now", so that "since last week" has something to find.
	const recent = sandbox.control.addConversations({ count: 3, agentId });
	const someConversation = sandbox.control.conversations('A')[10];
	const recordingIds = recordingCase(sandbox, agentId);

	const setupOk = await suite.check(
		T,
		'credentials and workflows import into n8n (n8n import:*)',
		async () => {
			await n8n.importCredentials(credentialsFor(sandbox));
			await n8n.importWorkflows([
				readsWorkflow({ conversationId: someConversation.id, agentId }),
				writesWorkflow({ agentId, otherAgentId }),
				errorsWorkflow({ agentId, failingConversationLimit: 3 }),
				recordingWorkflow(recordingIds),
				failingWorkflow(),
				trustWorkflow({ agentId, otherAgentId }),
				manyItemsWorkflow({ agentId, otherAgentId }),
			]);
		},
	);
	if (!setupOk) {
		suite.skip(T, ['reads', 'writes', 'errors', 'revoked key'], 'n8n import failed');
		return;
	}

	// --- reads -------------------------------------------------------------------------------------
	sandbox.control.clearRequests();
	// The first conversations request answers 429 with Retry-After: the node must wait and retry.
	sandbox.control.injectFaults({
		status: 429,
		retryAfter: 1,
		count: 1,
		path: '/api/v1/conversations',
	});
	const reads = await executeChecked(T, n8n, 'e2eReadsWorkflow', 'reads');
	const readLog = sandbox.control.requests().log;
	if (reads) {
		const all = sandbox.control.conversations('A');
		await suite.check(
			T,
			'Conversation › Get Many, Return All: every conversation, over several pages',
			() => {
				const out = nodeOutput(reads.run, 'All Conversations');
				assert.deepEqual(
					ids(out),
					ids(all as unknown as Array<Record<string, unknown>>),
					'ids differ from the sandbox',
				);
				const pages = readLog.filter(
					(entry) => entry.path === '/api/v1/conversations' && entry.query.before_id,
				);
				assert.ok(pages.length >= 1, 'no request with before_id: Return All did not page');
				return `${out.length} conversations, ${pages.length + 1}+ pages`;
			},
		);
		await suite.check(T, 'a 429 with Retry-After is waited out and retried inside n8n', () => {
			const limited = readLog.filter((entry) => entry.status === 429);
			assert.equal(limited.length, 1, 'the injected 429 was not served');
			const retried = readLog.find(
				(entry) =>
					entry.seq > limited[0].seq && entry.path === limited[0].path && entry.status === 200,
			);
			assert.ok(retried, 'no successful request followed the 429');
			const waited = retried.started_ms - (limited[0].ended_ms ?? limited[0].started_ms);
			assert.ok(waited >= 900, `retried after ${waited.toFixed(0)} ms, before Retry-After: 1`);
			return `retried after ${waited.toFixed(0)} ms`;
		});
		await suite.check(T, 'Conversation › Get Many with agent and channel filters', () => {
			const out = nodeOutput(reads.run, 'Agent Phone Calls');
			const expected = all
				.filter((c) => c.agent_id === agentId && c.channel === 'phone')
				.map((c) => c.id);
			assert.ok(expected.length > 0);
			assert.deepEqual(ids(out), expected);
			return `${out.length} phone calls of agent ${agentId}`;
		});
		await suite.check(T, 'Conversation › Get Many with transcripts and transcript text', () => {
			const out = nodeOutput(reads.run, 'With Transcripts');
			assert.equal(out.length, 4);
			assert.deepEqual(
				ids(out),
				all.slice(0, 4).map((c) => c.id),
			);
			for (const item of out) {
				assert.ok(
					Array.isArray(item.transcript) && item.transcript.length > 0,
					`no transcript on ${String(item.id)}`,
				);
				assert.equal(typeof item.transcript_text, 'string');
				assert.ok(String(item.transcript_text).length > 20);
			}
		});
		await suite.check(
			T,
			'Conversation › Get Many since last week (expression) for one agent',
			() => {
				const out = nodeOutput(reads.run, 'Since Last Week');
				assert.deepEqual(ids(out).sort(), recent.map((c) => c.id).sort());
				assert.ok(
					out.every(
						(item) => Array.isArray(item.transcript) && typeof item.transcript_text === 'string',
					),
				);
				const since = readLog.find(
					(entry) => entry.path === '/api/v1/conversations' && entry.query.since,
				);
				assert.ok(since, 'no request with since');
				assert.match(
					since.query.since,
					/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/,
					'since is not UTC ISO-8601',
				);
				return `since=${since.query.since}`;
			},
		);
		await suite.check(T, 'Conversation › Get one, with transcript text', () => {
			const [item] = nodeOutput(reads.run, 'One Conversation');
			assert.equal(item.id, someConversation.id);
			assert.deepEqual(item.transcript, someConversation.transcript);
			assert.equal(typeof item.transcript_text, 'string');
		});
		await suite.check(T, 'Agent › Get Many and Get; Agent FAQ › Get Many', () => {
			assert.deepEqual(
				ids(nodeOutput(reads.run, 'Agents')),
				sandbox.control.agents('A').map((agent) => agent.id),
			);
			const [agent] = nodeOutput(reads.run, 'One Agent');
			assert.equal(agent.id, agentId);
			assert.equal(typeof agent.faq, 'object');
			const faq = nodeOutput(reads.run, 'Agent FAQ');
			assert.deepEqual(
				faq.map((entry) => [entry.question, entry.answer]),
				Object.entries(agent.faq as Record<string, string>),
			);
		});
		await suite.check(T, 'Account › Get returns the key owner', () => {
			const [account] = nodeOutput(reads.run, 'Account');
			assert.equal(account.auth_method, 'api_key');
			assert.deepEqual(account.scopes, ['read', 'write']);
			assert.equal(account.api_key_prefix, keyPrefix(sandbox.keys.readWrite));
		});
	} else {
		suite.skip(T, ['read operations'], 'the reads workflow failed');
	}

	// --- writes ------------------------------------------------------------------------------------
	sandbox.control.clearRequests();
	const faqBefore = { ...sandbox.control.agent(agentId)!.faq };
	const agentBefore = sandbox.control.agent(agentId)!;
	const writes = await executeChecked(T, n8n, 'e2eWritesWorkflo', 'writes');
	const writeLog = sandbox.control.requests().log;
	if (writes) {
		await suite.check(T, 'Agent › Update changes only the fields sent', () => {
			const [result] = nodeOutput(writes.run, 'Update Agent');
			assert.equal(result.id, agentId);
			assert.deepEqual([...(result.updated as string[])].sort(), [
				'agent_goal',
				'greeting_message',
			]);
			const after = sandbox.control.agent(agentId)!;
			assert.equal(after.agent_goal, UPDATED_GOAL);
			assert.equal(after.greeting_message, UPDATED_GREETING);
			assert.equal(after.business_name, agentBefore.business_name);
			const [read] = nodeOutput(writes.run, 'Agent After Update');
			assert.equal(read.agent_goal, UPDATED_GOAL);
		});
		await suite.check(
			T,
			'Agent FAQ › Create or Update from three input items (one merge, one PATCH)',
			() => {
				const three = nodeOutput(writes.run, 'Three Conversations');
				const out = nodeOutput(writes.run, 'Upsert FAQ');
				assert.equal(out.length, 3);
				const questions = three.map((c) => `What about conversation ${String(c.id)}? (e2e)`);
				out.forEach((item, index) => {
					assert.deepEqual(item.added, [questions[index]]);
					assert.equal(item.saved, true);
					assert.equal(item.entry_count, Object.keys(faqBefore).length + 3);
				});
				const patches = writeLog.filter(
					(entry) => entry.method === 'PATCH' && entry.path === `/api/v1/agents/${agentId}`,
				);
				// update + upsert + delete: the three upsert items share one PATCH.
				assert.equal(patches.length, 3, `${patches.length} PATCH requests`);
			},
		);
		await suite.check(T, 'Agent FAQ › Delete reports removed and not found', () => {
			const [item] = nodeOutput(writes.run, 'Delete FAQ Entry');
			assert.deepEqual(item.removed, ['Do you give free estimates?']);
			assert.deepEqual(item.not_found, ['A question that is not in the FAQ (e2e)']);
			const faq = nodeOutput(writes.run, 'FAQ After');
			assert.equal(faq.length, Object.keys(faqBefore).length + 3 - 1);
			assert.deepEqual(
				faq.map((entry) => [entry.question, entry.answer]),
				Object.entries(sandbox.control.agent(agentId)!.faq),
			);
		});
		await suite.check(T, 'Agent FAQ › Replace All sets exactly the given entries', () => {
			const [item] = nodeOutput(writes.run, 'Replace FAQ');
			assert.equal(item.saved, true);
			assert.deepEqual(
				Object.entries(sandbox.control.agent(otherAgentId)!.faq),
				REPLACED_FAQ.map((entry) => [entry.question, entry.answer]),
			);
		});
	} else {
		suite.skip(T, ['write operations'], 'the writes workflow failed');
	}

	// --- errors with Continue On Fail ---------------------------------------------------------------
	const firstThree = sandbox.control.conversations('A').slice(0, 3);
	const failing = firstThree[1];
	sandbox.control.clearRequests();
	sandbox.control.injectFaults({
		status: 404,
		count: 1,
		path: `/api/v1/conversations/${failing.id}`,
	});
	const errors = await execute(T, n8n, 'e2eErrorsWorkflo', 'errors with continue on fail');
	const errorLog = sandbox.control.requests().log;
	await suite.check(
		T,
		'errors with Continue On Fail become error items; the workflow succeeds',
		() => {
			assertExitedOk(errors);
			const [missing] = nodeOutput(errors.run, 'Missing Conversation');
			assert.equal(typeof missing.error, 'string', 'no error item for a missing conversation');
			const readOnly = nodeOutput(errors.run, 'Read-only Key Update');
			assert.equal(readOnly.length, 1);
			assert.match(
				String(readOnly[0].error) + String(readOnly[0].description ?? ''),
				/scope|permission|write|forbidden/i,
			);
			const [blank] = nodeOutput(errors.run, 'Blank Goal');
			assert.match(String(blank.error) + String(blank.description ?? ''), /blank|empty|goal/i);
			const blankSent = errorLog.some(
				(entry) =>
					entry.method === 'PATCH' && entry.key?.startsWith(keyPrefix(sandbox.keys.readWrite)),
			);
			assert.ok(!blankSent, 'a blank required field was sent to the API');
			const transcripts = nodeOutput(errors.run, 'One Transcript Fails');
			assert.equal(transcripts.length, 3);
			const failed = transcripts.filter((item) => item.error !== undefined);
			assert.equal(failed.length, 1, 'expected exactly one failed transcript');
			assert.equal(failed[0].conversation_id, failing.id);
			assert.ok(transcripts.filter((item) => Array.isArray(item.transcript)).length === 2);
			return `404: "${String(missing.error).slice(0, 60)}"; 403: "${String(readOnly[0].error).slice(0, 60)}"`;
		},
	);

	// --- trust: a redirect elsewhere, and a 200 that is not the agent ---------------------------------
	const elsewhere = await newSandbox();
	sandbox.control.clearRequests();
	sandbox.control.redirect({
		path: `/api/v1/agents/${agentId}`,
		location: `${elsewhere.url}/api/v1/agents/${agentId}`,
	});
	sandbox.control.scriptResponse({
		path: `/api/v1/agents/${otherAgentId}`,
		method: 'GET',
		status: 200,
		headers: { 'Content-Type': 'text/html' },
		body: '<!doctype html><html><body>Site under maintenance</body></html>',
	});
	const faqBeforeTrust = sandbox.control.agent(otherAgentId)!.faq;
	const trust = await execute(T, n8n, 'e2eTrustWorkflow', 'trust');
	const trustLog = sandbox.control.requests().log;
	await suite.check(
		T,
		'a redirect to another origin is not followed: the key never reaches it; the error names where it pointed',
		() => {
			assertExitedOk(trust);
			const [item] = nodeOutput(trust.run, 'Redirected Agent');
			assert.equal(
				item.error,
				`The Base URL redirected the request to ${elsewhere.url}/api/v1/agents/${agentId}; the API key was not sent there`,
			);
			assert.match(String(item.description), /Set the Base URL in the RingReady API credential/);
			assert.deepEqual(elsewhere.control.requests().log, [], 'a request reached the other origin');
			return `"${String(item.error).slice(0, 80)}"`;
		},
	);
	await suite.check(
		T,
		'Agent FAQ › Create or Update on a 200 that is not the agent: error, FAQ untouched, no PATCH',
		() => {
			const [item] = nodeOutput(trust.run, 'FAQ From A Web Page');
			assert.equal(
				item.error,
				`RingReady returned an unexpected response to GET /api/v1/agents/${otherAgentId}`,
			);
			assert.match(
				String(item.description),
				/^Expected agent \d+ with its FAQ; got a web page \(HTML\)/,
			);
			assert.deepEqual(sandbox.control.agent(otherAgentId)!.faq, faqBeforeTrust);
			assert.ok(!(FAQ_NOT_LOST_QUESTION in sandbox.control.agent(otherAgentId)!.faq));
			assert.ok(!trustLog.some((entry) => entry.method === 'PATCH'), 'a PATCH was sent');
		},
	);

	// --- many items: a credential per item, FAQ edits per account, writes in item order -------------
	sandbox.control.clearRequests();
	sandbox.control.slowDown({
		path: `/api/v1/agents/${otherAgentId}`,
		method: 'PATCH',
		holdMs: 1_500,
	});
	const many = await executeChecked(T, n8n, 'e2eManyItemsFlow', 'many-items');
	const manyLog = sandbox.control.requests().log;
	if (many) {
		const alpha = keyPrefix(sandbox.keys.readWrite);
		const bravo = keyPrefix(sandbox.keys.otherAccount);
		await suite.check(
			T,
			'a credential whose API Key is an expression: items [alpha, bravo, alpha] are answered by their own accounts',
			() => {
				const accounts = nodeOutput(many.run, 'Account Per Item');
				const prefixes = accounts.map((account) => String(account.api_key_prefix));
				assert.deepEqual(
					prefixes.map((prefix) =>
						alpha.startsWith(prefix) ? 'alpha' : bravo.startsWith(prefix) ? 'bravo' : prefix,
					),
					['alpha', 'bravo', 'alpha'],
				);
				assert.notEqual(accounts[0].user_id, accounts[1].user_id);
				const whoami = manyLog.filter((entry) => entry.path === '/api/v1/whoami');
				assert.deepEqual(
					whoami.map((entry) => (entry.key?.startsWith(bravo) ? 'bravo' : 'alpha')).sort(),
					['alpha', 'alpha', 'bravo'],
				);
				return `user ids ${accounts.map((account) => account.user_id).join(', ')}`;
			},
		);
		await suite.check(
			T,
			"FAQ edits per account: bravo's item fails with its own \"not found\"; alpha's saves; nothing of bravo's lands",
			() => {
				const [saved, failed] = nodeOutput(many.run, 'FAQ Per Account');
				assert.equal(saved.saved, true, JSON.stringify(saved));
				assert.equal(failed.error, `Agent ${agentId} was not found in this RingReady account`);
				const faq = sandbox.control.agent(agentId)!.faq;
				assert.equal(faq[MANY_ITEMS.alphaQuestion], 'Yes (e2e).');
				assert.ok(!(MANY_ITEMS.bravoQuestion in faq), "bravo's entry reached alpha's agent");
				const bravoWrites = manyLog.filter(
					(entry) => entry.method === 'PATCH' && entry.key?.startsWith(bravo),
				);
				assert.deepEqual(bravoWrites, [], "a write went out with bravo's key");
			},
		);
		await suite.check(
			T,
			'Agent › Update, two items for one agent, the first answered late: applied in item order, the last wins',
			() => {
				assert.equal(
					sandbox.control.agent(otherAgentId)!.greeting_message,
					MANY_ITEMS.secondGreeting,
				);
				const patches = manyLog.filter(
					(entry) => entry.method === 'PATCH' && entry.path === `/api/v1/agents/${otherAgentId}`,
				);
				assert.equal(patches.length, 2);
				assert.ok(
					patches[1].started_ms >= patches[0].ended_ms!,
					'the second PATCH did not wait for the first',
				);
			},
		);
	}

	await recordingChecks(T, n8n, sandbox, recordingIds);

	// --- a revoked key fails the workflow ------------------------------------------------------------
	const revoked = await execute(T, n8n, 'e2eFailingWorkfl', 'revoked key');
	await suite.check(T, 'a revoked key fails the workflow (exit 1) with the credential hint', () => {
		assert.notEqual(revoked.code, 0, 'n8n execute succeeded with a revoked key');
		const text = revoked.stdout + revoked.stderr;
		assert.match(text, /revoked|invalid|401|authori[sz]/i, `no useful message:\n${tail(text, 15)}`);
	});
}

/**
 * The conversations the recording workflow reads: a phone call whose recording is on the media
 * origin, a web chat, and enough of one agent's recent phone calls for recordings on both origins.
 */
function recordingCase(sandbox: Sandbox, agentId: number) {
	const all = sandbox.control.conversations('A');
	// Another agent's call, so that Get Many (this agent's calls) does not download it too.
	const call = all.find(
		(c) => c.agent_id !== agentId && c.recording_url?.startsWith(`${sandbox.mediaUrl}/`),
	);
	const webChat = all.find((c) => c.channel === 'web_chat');
	if (!call || !webChat)
		throw new Error('the sandbox has no call recording on the media origin or no web chat');
	const phoneCalls = all.filter((c) => c.agent_id === agentId && c.channel === 'phone');
	const origins = (n: number) =>
		new Set(
			phoneCalls
				.slice(0, n)
				.filter((c) => c.recording_url)
				.map((c) => c.recording_url!.startsWith(`${sandbox.url}/`)),
		);
	let recentCalls = 3;
	while (origins(recentCalls).size < 2 && recentCalls < phoneCalls.length) recentCalls++;
	return { callId: call.id, webChatId: webChat.id, agentId, recentCalls };
}

/** Download Recording in `n8n execute`: the file, as the nodes after RingReady see it. */
async function recordingChecks(
	T: string,
	n8n: N8n,
	sandbox: Sandbox,
	ids: ReturnType<typeof recordingCase>,
): Promise<void> {
	sandbox.control.clearRequests();
	const result = await executeChecked(T, n8n, 'e2eRecordingFlow', 'download-recording');
	const recordingLog = sandbox.control.recordingRequests();
	if (!result) {
		suite.skip(T, ['download recording'], 'the download-recording workflow failed');
		return;
	}
	/** The file's bytes in the run's output: inline (base64) when n8n keeps files in memory. */
	const inlineBytes = (file: BinaryFile) =>
		file.id === undefined && file.data ? Buffer.from(file.data, 'base64') : undefined;

	await suite.check(
		T,
		'Conversation › Get with Download Recording (v1.1): the next nodes read the file’s type, name and size, and its bytes are the recording',
		() => {
			const audio = recordingAudio(ids.callId);
			const [item] = nodeItems(result.run, 'Call Recording');
			assert.equal(item.json.id, ids.callId);
			const file = item.binary?.data;
			assert.ok(file, `no file in binary.data: ${JSON.stringify(Object.keys(item.binary ?? {}))}`);
			const [details] = nodeOutput(result.run, 'Recording Details');
			const expectedSize = n8nFileSize(audio.bytes.length);
			assert.deepEqual(details, {
				id: ids.callId,
				fileName: `conversation-${ids.callId}.${audio.extension}`,
				mimeType: audio.mimeType,
				fileExtension: audio.extension,
				fileSize: expectedSize,
				// n8n 2.x also gives the size in bytes; 1.x only the text.
				bytes: line === 2 ? audio.bytes.length : null,
			});
			const [extracted] = nodeOutput(result.run, 'Recording Bytes');
			assert.ok(
				Buffer.from(String(extracted.base64), 'base64').equals(audio.bytes),
				'Extract From File read other bytes than the sandbox served',
			);
			const inline = inlineBytes(file);
			if (inline) assert.ok(inline.equals(audio.bytes), 'the run output holds other bytes');
			const requests = recordingLog.filter((entry) => entry.conversation_id === ids.callId);
			assert.deepEqual(
				requests.map((entry) => [entry.origin, entry.method, entry.status, entry.authorization]),
				[['media', 'GET', 200, false]],
				'not one GET to the media origin without Authorization',
			);
			return `${details.fileName as string}, ${audio.mimeType}, fileSize "${expectedSize}"${line === 2 ? `, bytes ${audio.bytes.length}` : ' (no bytes on 1.x)'}; ${inline ? 'bytes inline in the run output and' : `file stored by n8n (${file.data}) and`} read by Extract From File: equal; media origin: no Authorization`;
		},
	);
	await suite.check(
		T,
		'Conversation › Get with Download Recording on a web chat: the item, no file, no error',
		() => {
			const items = nodeItems(result.run, 'Web Chat Recording');
			assert.equal(items.length, 1);
			assert.equal(items[0].json.id, ids.webChatId);
			assert.equal(items[0].json.error, undefined);
			assert.equal(items[0].binary, undefined, 'a web chat got a file');
			assert.ok(
				!recordingLog.some((entry) => entry.conversation_id === ids.webChatId),
				'a recording was requested for the web chat',
			);
		},
	);
	await suite.check(
		T,
		'Conversation › Get Many with Include Transcripts and Download Recording: each call with its transcript and its own recording; the key only to the API’s origin',
		() => {
			const items = nodeItems(result.run, 'Recent Calls With Recordings');
			const expected = sandbox.control
				.conversations('A')
				.filter((c) => c.agent_id === ids.agentId && c.channel === 'phone')
				.slice(0, ids.recentCalls);
			assert.deepEqual(
				items.map((item) => item.json.id),
				expected.map((c) => c.id),
			);
			let files = 0;
			items.forEach((item, index) => {
				const conversation = expected[index];
				assert.deepEqual(item.json.transcript, conversation.transcript);
				assert.equal(item.json.recording_url, conversation.recording_url);
				if (!conversation.recording_url) {
					assert.equal(
						item.binary,
						undefined,
						`${conversation.id} has no recording but got a file`,
					);
					return;
				}
				const audio = recordingAudio(conversation.id);
				const file = item.binary?.data;
				assert.ok(file, `no file for ${conversation.id}`);
				assert.equal(file.fileName, `conversation-${conversation.id}.${audio.extension}`);
				assert.equal(file.mimeType, audio.mimeType);
				assert.equal(file.fileSize, n8nFileSize(audio.bytes.length));
				if (line === 2) assert.equal(file.bytes, audio.bytes.length);
				const inline = inlineBytes(file);
				if (inline) assert.ok(inline.equals(audio.bytes), `other bytes for ${conversation.id}`);
				files++;
			});
			const requests = recordingLog.filter((entry) =>
				expected.some((c) => c.id === entry.conversation_id),
			);
			const api = keyPrefix(sandbox.keys.readWrite);
			assert.deepEqual(
				requests
					.map((entry) => [
						entry.conversation_id,
						entry.origin,
						entry.status,
						entry.key?.startsWith(api) ? 'the read-write key' : entry.key,
					])
					.sort((a, b) => Number(a[0]) - Number(b[0])),
				expected
					.filter((c) => c.recording_url)
					.map((c) => [
						c.id,
						c.recording_url!.startsWith(`${sandbox.url}/`) ? 'api' : 'media',
						200,
						c.recording_url!.startsWith(`${sandbox.url}/`) ? 'the read-write key' : null,
					])
					.sort((a, b) => Number(a[0]) - Number(b[0])),
			);
			assert.ok(
				requests.every((entry) => entry.origin === 'api' || !entry.authorization),
				'a media request carried an Authorization header',
			);
			const onApi = requests.filter((entry) => entry.origin === 'api').length;
			return `${items.length} calls, ${files} files (${onApi} from the API's origin with the key, ${requests.length - onApi} from the media origin without)`;
		},
	);
}

// server track: n8n start, REST API, trigger

async function serverTrack(sink: Sink): Promise<void> {
	const T = 'server';
	const sandbox = await newSandbox();
	const n8n = await newN8n('server');
	const examples = readdirSync(join(ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => ({ file, workflow: loadExample(file) }));
	const triggers = triggerWorkflows(sink.url, 'legacy');
	const setupOk = await suite.check(
		T,
		'credentials, trigger workflow and examples import; trigger published',
		async () => {
			// The examples use the credential `npm run dev` creates; here one of the same name points at this sandbox.
			const examplesCredential = { id: 'ringreadySandbox', name: 'RingReady Sandbox' };
			await n8n.importCredentials([
				...credentialsFor(sandbox),
				credential(examplesCredential, 'ringReadyApi', {
					apiKey: sandbox.keys.readWrite,
					baseUrl: sandbox.url,
				}),
			]);
			await n8n.importWorkflows([...triggers.all, ...examples.map((example) => example.workflow)]);
			for (const workflow of triggers.all) await n8n.activate(workflow.id);
		},
	);
	const triggerChecks = [
		...triggerCheckNames('legacy'),
		'trigger: Fetch Test Event returns the latest conversation',
	];

	const started = await suite.check(
		T,
		'n8n start with the package; owner account set up',
		async () => {
			const t0 = Date.now();
			await n8n.start();
			await n8n.rest.setupOwner(OWNER);
			return `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${n8n.baseUrl}`;
		},
	);
	if (!started) {
		leaderStarted.server();
		suite.skip(
			T,
			['credential test', 'node types', 'node panel', 'examples', ...triggerChecks],
			'n8n did not start',
		);
		return;
	}
	const serverStartedAt = Date.now();
	leaderStarted.server();

	// --- credential test, as the editor's "Test" button does it -------------------------------------
	const testCredential = async (ref: CredentialRef, apiKey: string, target = sandbox) => {
		const credentials = credential(ref, 'ringReadyApi', { apiKey, baseUrl: target.url });
		const response = await n8n.rest.request<{ data?: { status: string; message: string } }>(
			'POST',
			'/rest/credentials/test',
			{ credentials },
		);
		const text = JSON.stringify(response.body);
		outputs.push({ what: 'credential test response', text });
		assert.equal(response.status, 200, `status ${response.status}: ${text}`);
		return response.body.data!;
	};
	await suite.check(
		T,
		'credential test passes with a good key (POST /rest/credentials/test)',
		async () => {
			const result = await testCredential(CREDENTIALS.readWrite, sandbox.keys.readWrite);
			assert.equal(result.status, 'OK', JSON.stringify(result));
			const whoami = sandbox.control
				.requests()
				.log.filter((entry) => entry.path === '/api/v1/whoami');
			assert.ok(whoami.length >= 1, 'n8n did not call /api/v1/whoami');
		},
	);
	await suite.check(
		T,
		'credential test fails with a revoked key, with the credential’s message',
		async () => {
			const result = await testCredential(CREDENTIALS.revoked, sandbox.keys.revoked);
			assert.equal(result.status, 'Error', JSON.stringify(result));
			if (line === 2) assert.match(result.message, /revoked|invalid/i);
			// n8n 1.x applies a credential's responseCode rules only to errors that carry the raw HTTP
			// response, which its request helper does not attach: it shows its generic 401 text instead.
			else assert.match(result.message, /revoked|invalid|authorization failed/i);
			return `"${result.message.slice(0, 90)}"`;
		},
	);

	await suite.check(
		T,
		'credential test fails, never "OK", when the Base URL redirects to another origin or answers a web page',
		async () => {
			// Its own sandbox: the trigger workflows' polls call whoami on the track's sandbox meanwhile.
			const own = await newSandbox();
			const elsewhere = await newSandbox();
			own.control.redirect({
				path: '/api/v1/whoami',
				location: `${elsewhere.url}/api/v1/whoami`,
				count: 2,
			});
			const redirected = await testCredential(CREDENTIALS.readWrite, own.keys.readWrite, own);
			assert.equal(redirected.status, 'Error', JSON.stringify(redirected));
			if (line === 2) assert.match(redirected.message, /redirect to another address/);
			assert.deepEqual(
				elsewhere.control.requests().log,
				[],
				'the credential test reached the other origin',
			);
			own.control.clearScripted();
			own.control.scriptResponse({
				path: '/api/v1/whoami',
				status: 200,
				headers: { 'Content-Type': 'text/html' },
				body: '<!doctype html><html><body>Welcome</body></html>',
			});
			const page = await testCredential(CREDENTIALS.readWrite, own.keys.readWrite, own);
			assert.equal(page.status, 'Error', JSON.stringify(page));
			assert.match(page.message, /not as the RingReady API does/);
			return `"${redirected.message.slice(0, 60)}" / "${page.message.slice(0, 60)}"`;
		},
	);

	// --- node types --------------------------------------------------------------------------------
	let types: NodeTypeDescription[] = [];
	await suite.check(
		T,
		'node types: RingReady, RingReady Trigger and the AI tool variant ringReadyTool are loaded',
		async () => {
			types = await n8n.rest.nodeTypes<NodeTypeDescription>();
			const names = new Set(types.map((type) => type.name));
			assert.ok(names.has(NODE), `${NODE} is not loaded`);
			assert.ok(
				names.has(TOOL),
				`${TOOL} is not offered (the node is not usable as an AI tool here)`,
			);
			assert.ok(names.has(TRIGGER), `${TRIGGER} is not loaded`);
			assert.ok(!names.has(`${TRIGGER}Tool`), 'the trigger must not be offered as a tool');
			const tool = types.find((type) => type.name === TOOL)!;
			assert.match(JSON.stringify(tool.outputs), /ai_tool/);
			const triggerType = types.find((type) => type.name === TRIGGER)!;
			assert.equal(triggerType.polling, true, 'the trigger is not a polling trigger');
		},
	);

	await suite.check(
		T,
		'the RingReady node is offered with its actions in the editor’s node panel (codex not AI › Tools)',
		() => {
			const node = types.find((type) => type.name === NODE);
			assert.ok(node, `${NODE} is not loaded`);
			// The editor lists no actions for, and hides from the regular node panel, a node whose codex puts it
			// under AI › Tools (that is what n8n gives the generated ringReadyTool). Measured in n8n 2.41's editor.
			const aiSubcategories = node.codex?.subcategories?.AI ?? [];
			assert.ok(
				!aiSubcategories.includes('Tools') || aiSubcategories.includes('Root Nodes'),
				`RingReady.node.json puts the node under AI › Tools, so the node panel shows only the trigger: ${JSON.stringify(node.codex)}`,
			);
		},
	);

	// --- examples -----------------------------------------------------------------------------------
	await suite.check(
		T,
		`every example workflow (${examples.length}) is imported and all its nodes resolve`,
		async () => {
			assert.ok(examples.length >= 4, `only ${examples.length} examples in examples/`);
			const versions = new Map<string, number[]>();
			for (const type of types) {
				const list = Array.isArray(type.version) ? type.version : [type.version];
				versions.set(type.name, [...(versions.get(type.name) ?? []), ...list]);
			}
			const problems: string[] = [];
			for (const { file, workflow } of examples) {
				const stored = await n8n.rest.call<Workflow & { nodes: Array<Workflow['nodes'][number]> }>(
					'GET',
					`/rest/workflows/${workflow.id}`,
				);
				for (const node of stored.nodes) {
					const known = versions.get(node.type);
					if (!known) problems.push(`${file}: "${node.name}" has unknown type ${node.type}`);
					else if (!known.includes(node.typeVersion))
						problems.push(
							`${file}: "${node.name}" ${node.type} v${node.typeVersion} not in [${known.join(', ')}]`,
						);
					if (node.type.startsWith('n8n-nodes-ringready.')) {
						const credential = node.credentials?.ringReadyApi;
						if (!credential || credential.name !== 'RingReady Sandbox' || !credential.id) {
							problems.push(
								`${file}: "${node.name}" credential did not resolve to "RingReady Sandbox": ${JSON.stringify(credential)}`,
							);
						}
					}
				}
				const ringReadyNodes = stored.nodes.filter((node) =>
					node.type.startsWith('n8n-nodes-ringready.'),
				);
				if (ringReadyNodes.length === 0) problems.push(`${file}: no RingReady node`);
			}
			assert.deepEqual(problems, []);
			return examples.map((example) => example.file).join(', ');
		},
	);

	// --- trigger -------------------------------------------------------------------------------------
	if (!setupOk) {
		suite.skip(T, triggerChecks, 'the setup failed');
		return;
	}
	const fetchTestEvent = async () =>
		void (await suite.check(T, triggerChecks.at(-1)!, async () => {
			const newest = sandbox.control.conversations('A')[0]; // the highest id: what Fetch Test Event shows
			const trigger = { name: 'New Conversation' };
			const run = await n8n.testRun(
				triggers.plain.id,
				{
					triggerToStartFrom: trigger,
					destinationNode: { nodeName: trigger.name, mode: 'inclusive' },
				},
				30_000,
			);
			outputs.push({ what: 'fetch test event', text: run.text });
			const items = nodeOutput(run, 'New Conversation');
			assert.equal(items.length, 1, `${items.length} items`);
			assert.equal(
				items[0].id,
				newest.id,
				`got conversation ${String(items[0].id)}, the newest is ${newest.id}`,
			);
			assert.ok(!run.data.resultData.runData.Sink, 'Fetch Test Event also ran the following node');
			return `conversation ${newest.id}`;
		}));
	const track = { n8n, sandbox, sink, triggers, serverStartedAt };
	await triggerScenario(T, 'legacy', track, fetchTestEvent);
}

/**
 * n8n's durable, database-backed scheduler (2.36+; opt-in on 2.41): polls run as scheduled tasks,
 * and a poll node's position lives in n8n's poller_state table. The trigger scenario again.
 */
async function durableTrack(sink: Sink): Promise<void> {
	const T = 'durable';
	const names = triggerCheckNames('durable');
	const sandbox = await newSandbox();
	const n8n = await newN8n('durable', { env: DURABLE_SCHEDULER_ENV });
	const triggers = triggerWorkflows(sink.url, 'durable');
	const ready = await suite.check(
		T,
		'trigger workflows published; n8n start with the durable scheduler',
		async () => {
			await n8n.importCredentials(credentialsFor(sandbox));
			await n8n.importWorkflows(triggers.all);
			for (const workflow of triggers.all) await n8n.activate(workflow.id);
			const t0 = Date.now();
			await n8n.start();
			return `ready in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${n8n.baseUrl}`;
		},
	);
	leaderStarted.durable();
	if (!ready) {
		suite.skip(T, names, 'n8n did not start');
		return;
	}
	const track = { n8n, sandbox, sink, triggers, serverStartedAt: Date.now() };
	await triggerScenario(T, 'durable', track);
}

function triggerCheckNames(scheduler: Scheduler): string[] {
	return [
		`trigger (${scheduler} scheduler): the activation poll emits nothing`,
		`trigger (${scheduler} scheduler): what arrives right after activation (206), then more batches, comes out once each over 2 scheduled polls`,
		`trigger (${scheduler} scheduler): a transcript that keeps failing is emitted without it after 3 polls; the others flow`,
		`trigger (${scheduler} scheduler): the credential switched to another account's key starts over with that account`,
		`trigger (${scheduler} scheduler): a burst with transcripts that take over a minute to fetch in all: every conversation once, every transcript fetched once`,
		`trigger (${scheduler} scheduler): a conversation whose started_at cannot be read, among normal ones: the normal ones arrive, it arrives once with an error`,
		`trigger (${scheduler} scheduler): a backlog whose listing takes longer than a durable poll may run (4 pages of 12 s): all of it once each, oldest first, in a few polls`,
	];
}

type Scheduler = 'legacy' | 'durable';

/** A track's trigger workflows: "plain" (read-only key), "transcripts" (agent 9) and "backlog". */
function triggerWorkflows(sinkUrl: string, scheduler: Scheduler) {
	const make = (kind: string, o: Parameters<typeof triggerWorkflow>[1] = {}) =>
		triggerWorkflow(sinkUrl, {
			id: `e2e${kind}${scheduler === 'legacy' ? 'Legcy' : 'Drble'}`,
			name: `e2e trigger ${kind} (${scheduler})`,
			...o,
		});
	const readWrite = CREDENTIALS.readWrite;
	const plain = make('Trigger');
	const transcripts = make('Transcr', {
		credential: readWrite,
		filters: { agentId: locator(9) },
		options: { includeTranscript: true },
	});
	const backlog = make('Backlog', {
		credential: readWrite,
		filters: { agentId: locator(BACKLOG_AGENT) },
	});
	return { plain, transcripts, backlog, all: [plain, transcripts, backlog] };
}

/** The agent whose conversations the "backlog" trigger workflow follows (none of the other checks use it). */
const BACKLOG_AGENT = 8;

interface TriggerTrack {
	n8n: N8n;
	sandbox: Sandbox;
	sink: Sink;
	triggers: ReturnType<typeof triggerWorkflows>;
	serverStartedAt: number;
}

/** Waits until each of `ids` came out of `workflow`, then 1.5 s more: their bodies, as they arrived. */
async function arrivals(sink: Sink, workflow: Workflow, ids: number[], ms: number, what: string) {
	await until(() => ids.every((id) => idsEmitted(sink, workflow).includes(id)), ms, what, 100);
	await delay(1500);
	return emittedTo(sink, workflow).filter((body) => ids.includes(Number(body.conversation?.id)));
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** The trigger in a running n8n (the checks' names say what); `betweenBatches` runs before the key switch. */
async function triggerScenario(
	T: string,
	scheduler: Scheduler,
	track: TriggerTrack,
	betweenBatches?: () => Promise<void>,
) {
	const { n8n, sandbox, sink, triggers } = track;
	const names = triggerCheckNames(scheduler);
	const lastSeq = () => lastRequestSeq(sandbox);
	const waitFor = async (key: string, after: number, timeoutMs: number, what: string) =>
		await waitForPoll(sandbox, key, after, timeoutMs, what);
	const emittedBy = (workflow: Workflow) => emittedTo(sink, workflow);
	const idsOf = (workflow: Workflow) => idsEmitted(sink, workflow);
	const waitForIds = async (workflow: Workflow, ids: number[], what: string) =>
		await until(() => ids.every((id) => idsOf(workflow).includes(id)), 20_000, what, 100);
	const plainKey = sandbox.keys.readOnly;
	const transcriptKey = sandbox.keys.readWrite;

	const activated = await suite.check(T, names[0], async () => {
		const poll = await waitFor(plainKey, 0, 60_000, 'the activation poll');
		await waitFor(transcriptKey, 0, 30_000, 'the transcripts workflow activation poll');
		await delay(2000);
		const emitted = idsOf(triggers.plain).length + idsOf(triggers.transcripts).length;
		assert.equal(emitted, 0, `the activation polls emitted ${emitted} conversations`);
		return `first poll ${((Date.now() - track.serverStartedAt) / 1000).toFixed(0)} s after start (${poll.path}?${new URLSearchParams(poll.query).toString()})`;
	});
	if (!activated) {
		suite.skip(T, names.slice(1), 'no activation poll');
		return;
	}

	// Right after activation: the burst for the plain workflow and the transcripts workflow's three,
	// the middle one failing for good.
	const burst = sandbox.control.addConversations({ count: 206, agentId: 7 });
	const forTranscripts = sandbox.control.addConversations({ count: 3, agentId: 9 });
	const stuck = forTranscripts[1];
	sandbox.control.failConversation({ id: stuck.id });
	const batches: number[][] = [[...burst, ...forTranscripts].map((c) => c.id)];
	const transcriptsDone = (async () =>
		await suite.check(T, names[2], async () => {
			await arrivals(
				sink,
				triggers.transcripts,
				forTranscripts.map((c) => c.id),
				4 * 75_000,
				'the three conversations of the transcripts workflow',
			);
			const bodies = emittedBy(triggers.transcripts);
			assert.deepEqual(
				bodies.map((body) => body.conversation?.id),
				forTranscripts.map((c) => c.id),
				'not once each, in order',
			);
			const [first, given, third] = bodies.map((body) => body.conversation!);
			assert.ok(
				Array.isArray(first.transcript) && Array.isArray(third.transcript),
				'the others lack their transcript',
			);
			assert.equal(given.transcript, undefined, 'the stuck conversation has a transcript');
			assert.match(
				String(given.error),
				/^The transcript could not be fetched on 3 polls in a row, so this conversation is emitted without it: /,
			);
			const executions = new Set(bodies.map((body) => body.executionId));
			return `${bodies.length} conversations in ${executions.size} executions; the stuck one: "${String(given.error).slice(0, 100)}…"`;
		}))();

	const batchesOk = await suite.check(T, names[1], async () => {
		for (const poll of [1, 2]) {
			// Poll 2: two in the same second, and one processed late (older started_at, higher id).
			if (poll === 2) {
				const late = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
				const added = [
					...sandbox.control.addConversations({ count: 2, sameSecond: true, agentId: 7 }),
					...sandbox.control.addConversations({ count: 1, agentId: 7, startedAt: late }),
				];
				batches.push(added.map((conversation) => conversation.id));
			}
			const after = lastSeq();
			suite.log(
				T,
				`batch ${poll}: ${batches.at(-1)!.length} conversations; waiting for poll ${poll}`,
			);
			await waitFor(plainKey, after, 75_000, `scheduled poll ${poll}`);
			await waitForIds(triggers.plain, batches.flat(), `batch ${poll} at the sink`);
		}
		await delay(1500);
		const emitted = idsOf(triggers.plain);
		assert.deepEqual(sorted(emitted), sorted(batches.flat()), 'not exactly once each');
		const executions = new Set(emittedBy(triggers.plain).map((body) => body.executionId));
		return `${emitted.length} conversations in ${executions.size} executions (batches of ${batches.map((b) => b.length).join(', ')})`;
	});
	if (betweenBatches) await betweenBatches();

	let plainAccount: 'A' | 'B' = 'A';
	if (!batchesOk) suite.skip(T, [names[3]], 'the batches failed');
	else {
		const switched = await suite.check(T, names[3], async () => {
			const before = idsOf(triggers.plain).length;
			const otherKey = sandbox.keys.otherAccount;
			const data = { apiKey: otherKey, baseUrl: sandbox.url };
			await n8n.importCredentials([credential(CREDENTIALS.readOnly, 'ringReadyApi', data)]);
			// There before the first poll with the new key: never emitted (like at activation).
			sandbox.control.addConversations({ count: 2, account: 'B' });
			sandbox.control.addConversations({ count: 1, agentId: 7 }); // the old account's: never again
			await waitFor(otherKey, lastSeq(), 75_000, 'the first poll with the other key');
			await delay(1500);
			assert.equal(
				idsOf(triggers.plain).length,
				before,
				'the first poll with the other key emitted something',
			);
			const fromB = sandbox.control.addConversations({ count: 3, account: 'B' }).map((c) => c.id);
			await waitFor(otherKey, lastSeq(), 75_000, 'the second poll with the other key');
			await waitForIds(triggers.plain, fromB, "the other account's new conversations");
			await delay(1500);
			assert.deepEqual(sorted(idsOf(triggers.plain).slice(before)), sorted(fromB));
			return `then only account B's new conversations: ${fromB.join(', ')}`;
		});
		if (switched) plainAccount = 'B';
	}
	await transcriptsDone;
	await underLoad(T, names.slice(4), { ...track, plainAccount });
}

/** The trigger under load: a slow burst, an unreadable started_at, a backlog slower than a durable poll. */
async function underLoad(
	T: string,
	names: string[],
	track: TriggerTrack & { plainAccount: 'A' | 'B' },
) {
	const { sandbox, sink, triggers } = track;
	const detailRequests = (ids: number[]) =>
		sandbox.control
			.requests()
			.log.filter((entry) => /^\/api\/v1\/conversations\/\d+$/.test(entry.path))
			.map((entry) => Number(entry.path.split('/').pop()))
			.filter((id) => ids.includes(id));

	const burstDone = suite.check(T, names[0], async () => {
		// 40 transcripts of 16 s each, 10 at a time: 64 s in all.
		sandbox.control.setDetailLatency(16_000);
		const t0 = Date.now();
		const burst = sandbox.control.addConversations({ count: 40, agentId: 9 }).map((c) => c.id);
		const bodies = await arrivals(
			sink,
			triggers.transcripts,
			burst,
			6 * 75_000,
			'the burst with transcripts',
		).finally(() => sandbox.control.setDetailLatency(0));
		assert.deepEqual(
			bodies.map((body) => body.conversation?.id),
			burst,
			'not once each, oldest first',
		);
		assert.ok(
			bodies.every((body) => Array.isArray(body.conversation?.transcript)),
			'a conversation lacks its transcript',
		);
		const fetched = detailRequests(burst);
		assert.deepEqual(
			sorted(fetched),
			burst,
			'a transcript was fetched more than once, or not at all',
		);
		const executions = new Set(bodies.map((body) => body.executionId));
		return `${burst.length} conversations in ${executions.size} executions, ${fetched.length} transcript requests, ${Math.round((Date.now() - t0) / 1000)} s`;
	});

	const malformedDone = suite.check(T, names[1], async () => {
		const account = track.plainAccount;
		const [before, odd, after] = sandbox.control.addConversations({ count: 3, account });
		sandbox.control.overwriteConversation(odd.id, { started_at: '2026-12-03 16:47:00' }, account);
		const bodies = await arrivals(
			sink,
			triggers.plain,
			[before.id, odd.id, after.id],
			3 * 75_000,
			'the three conversations, one with an unreadable started_at',
		);
		assert.deepEqual(
			bodies.map((body) => body.conversation?.id),
			[odd.id, before.id, after.id],
			'not once each (the unreadable one first)',
		);
		assert.equal(
			bodies[0].conversation?.error,
			'RingReady sent a started_at the trigger cannot read ("2026-12-03 16:47:00"): this conversation is emitted once, as it came, and does not move the trigger\'s position',
		);
		assert.equal(bodies[1].conversation?.error, undefined);
		assert.equal(bodies[2].conversation?.error, undefined);
		return `"${String(bodies[0].conversation?.error).slice(0, 70)}…"`;
	});
	await Promise.all([burstDone, malformedDone]);

	await suite.check(T, names[2], async () => {
		sandbox.control.setListLatency(12_000);
		const t0 = Date.now();
		const listedBefore = sandbox.control.requests().log.length;
		const backlog = sandbox.control
			.addConversations({ count: 600, agentId: BACKLOG_AGENT })
			.map((c) => c.id);
		// Each pass over a window this deep lists its pages again, 2 per durable poll.
		await arrivals(sink, triggers.backlog, backlog, 14 * 75_000, 'the backlog').finally(() =>
			sandbox.control.setListLatency(0),
		);
		const bodies = emittedTo(sink, triggers.backlog);
		const ids = bodies.map((body) => Number(body.conversation?.id));
		assert.deepEqual(sorted(ids), sorted(backlog), 'not once each');
		// Oldest first across polls: each execution's conversations are all older than the next
		// one's. (The sink may receive the calls of executions that overlap in any order.)
		const byExecution = new Map<string | undefined, number[]>();
		for (const body of bodies) {
			const ids = byExecution.get(body.executionId) ?? [];
			ids.push(Number(body.conversation?.id));
			byExecution.set(body.executionId, ids);
		}
		const ranges = [...byExecution.values()]
			.map((ids) => [Math.min(...ids), Math.max(...ids)])
			.sort((a, b) => a[0] - b[0]);
		ranges.slice(1).forEach(([low], i) => {
			assert.ok(low > ranges[i][1], `polls overlap: ${JSON.stringify(ranges)}`);
		});
		const executions = new Set(byExecution.keys());
		const pages = sandbox.control
			.requests()
			.log.slice(listedBefore)
			.filter(
				(entry) =>
					entry.path === '/api/v1/conversations' && entry.query.agent_id === String(BACKLOG_AGENT),
			).length;
		return `${backlog.length} conversations in ${executions.size} executions, ${pages} list pages, ${Math.round((Date.now() - t0) / 1000)} s`;
	});
}

async function main(): Promise<void> {
	mkdirSync(workDir, { recursive: true });
	suite.log(
		'main',
		`n8n ${line}.x from ${install.dir} on ${install.nodeBin}; work folder ${workDir}`,
	);
	const sink = await startSink();
	cleanups.push(() => sink.close());
	await suite.check(
		'main',
		'the packed tarball holds every file its package.json lists for n8n',
		() => {
			// n8n refuses the whole package when its manifest lists a file that is not there.
			const { n8n: manifest } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
			const listed: string[] = [...manifest.nodes, ...manifest.credentials];
			const missing = listed.filter((file) => !existsSync(join(packageDir, file)));
			assert.deepEqual(missing, [], `missing from the tarball: ${missing.join(', ')}`);
		},
	);
	const ctx: TrackContext = {
		...{ suite, install, workDir, sink, owner: OWNER, cleanups, outputs },
		...{ newSandbox, newN8n, credentialsFor },
	};
	const tracks: Record<string, () => Promise<void>> = {
		server: () => serverTrack(sink),
		durable: () => durableTrack(sink),
		exec: () => leadersUp.then(execTrack),
		origins: () => leadersUp.then(() => originsTrack(ctx)),
		example: () => leadersUp.then(() => aiThenExamplesTrack(ctx)),
		lifecycle: () => leadersUp.then(() => lifecycleTrack(ctx)),
	};
	const wanted = Object.keys(tracks).filter(
		(name) => runs(name) && (name !== 'durable' || line === 2),
	);
	for (const name of ['server', 'durable']) if (!wanted.includes(name)) leaderStarted[name]();
	await Promise.all(
		wanted.map((name) =>
			tracks[name]().catch((error: unknown) => {
				leaderStarted[name]?.();
				suite.skip(name, [`${name} track`], String(error));
			}),
		),
	);
	await suite.check('main', 'no API key appears in any n8n output, log or REST answer', () => {
		for (const { logFile } of instances)
			if (existsSync(logFile)) outputs.push({ what: logFile, text: readFileSync(logFile, 'utf8') });
		assert.deepEqual(secretLeaks(outputs, secrets, keyPrefix), []);
		return `${outputs.length} outputs scanned`;
	});
	await runCleanups();
	suite.summary(`e2e against n8n ${line}.x`);
	process.exitCode = suite.failed > 0 || suite.results.length === 0 ? 1 : 0;
}

runScript(main);
