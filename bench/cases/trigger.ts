/**
 * Case 6: the trigger's requests per poll, idle and after a burst of 1,000 new conversations,
 * through n8n-core's PollContext (harness) in trigger mode, static data carried from poll to poll.
 */
import type { IDataObject } from 'n8n-workflow';

import { runPoll } from '../../test/harness';
import { startSandbox } from '../../test/sandbox';
import { LATENCY_MS, log, summarize, type Requests } from '../lib/bench';
import { loadRingReadyTrigger } from '../lib/nodes';
import type { CaseResult, Row } from '../lib/report';

const BURST = 1000;
const burst = BURST.toLocaleString('en-US');

export async function caseTrigger(): Promise<CaseResult> {
	const sandbox = await startSandbox({ latencyMs: LATENCY_MS });
	const trigger = loadRingReadyTrigger();
	const credentials = { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url };
	const rows: Row[] = [];
	const poll = async (subject: string, staticData: IDataObject, includeTranscript = false) => {
		sandbox.control.clearRequests();
		const started = performance.now();
		const result = await runPoll(trigger, {
			typeVersion: 1,
			parameters: {
				event: 'newConversation',
				filters: {},
				options: includeTranscript ? { includeTranscript } : {},
			},
			credentials,
			staticData,
		});
		const ms = performance.now() - started;
		const items = result.items?.[0] ?? [];
		const withTranscript = items.filter((item) => Array.isArray(item.json.transcript)).length;
		const requests = summarize(sandbox.control.requests());
		const note = includeTranscript ? `${withTranscript} with transcript` : undefined;
		rows.push({
			subject,
			ms,
			timedBy: 'wall, 1 poll',
			m: { ms, items: items.length, requests },
			note,
		});
		return { emitted: items.length, withTranscript, requests };
	};
	const describe = (r: Requests) =>
		`${r.total} request${r.total === 1 ? '' : 's'} (${r.list} list, ${r.detail} detail)`;
	try {
		log('case 6: trigger polls …');
		const state: IDataObject = {};
		await poll('Activation poll (first poll after activation)', state);
		const idle = await poll('Idle poll (nothing new)', state);
		sandbox.control.addConversations({ count: BURST });
		const plain = await poll(`Poll after a burst of ${burst} new (transcripts off)`, state);
		const idleAfter = await poll('Idle poll after the burst', state);
		// Fresh data for the transcript run, so its window holds the same as the first burst's.
		sandbox.control.reset();
		const withTranscripts: IDataObject = {};
		await poll('Activation poll, Include Transcript', withTranscripts, true);
		sandbox.control.addConversations({ count: BURST });
		const full = await poll(
			`Poll after a burst of ${burst} new, Include Transcript`,
			withTranscripts,
			true,
		);
		return {
			id: '6',
			title: 'Trigger: requests per poll (harness)',
			setup: `RingReady Trigger (New Conversation, no filters) through n8n-core's PollContext in trigger mode (harness); sandbox with its default data (320 conversations), ${LATENCY_MS} ms latency; static data carried across polls as n8n does. ${burst} conversations added between polls with the sandbox's control.`,
			rows,
			targets: [
				{
					text: 'idle poll: 1 request',
					measured: describe(idle.requests),
					pass: idle.requests.total === 1,
				},
				{
					text: `idle poll right after the burst (${burst} conversations started within the default 60-minute late-arrival window): 1 request`,
					measured: describe(idleAfter.requests),
					pass: idleAfter.requests.total === 1,
				},
				{
					text: `burst of ${burst} new, transcripts off: ≤ 6 list requests, every new conversation emitted once`,
					measured: `${describe(plain.requests)}, ${plain.emitted} emitted`,
					pass: plain.requests.list <= 6 && plain.requests.detail === 0 && plain.emitted === BURST,
				},
				{
					text: `burst of ${burst} new with Include Transcript: ≤ 6 list requests + one detail each, every one emitted with its transcript`,
					measured: `${describe(full.requests)}, ${full.withTranscript} of ${full.emitted} emitted with transcript, peak ${full.requests.peak} in flight`,
					pass:
						full.withTranscript === BURST &&
						full.requests.list <= 6 &&
						full.requests.detail === BURST,
				},
			],
			notes: [
				'Harness only: in real n8n a polling trigger runs once a minute under `n8n start` (test/e2e checks there that new conversations come out once each); the requests per poll are the same code path.',
				'Every poll lists what started within the late-arrival window before the newest conversation seen (`since` = newest started_at − window, default 60 min), so a poll costs ⌈conversations in the window / 200⌉ list requests: 1 for a quiet account, 5 right after 1,000 arrived within an hour. That is the price of never losing a conversation that shows up late with an older started_at.',
			],
		};
	} finally {
		await sandbox.close();
	}
}
