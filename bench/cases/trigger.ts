/**
 * Case 4: the trigger's requests per poll: idle (target 1) and after a burst of 1,000 new
 * conversations (target ≤ 6 list requests with transcripts off). Runs the trigger's poll() through
 * n8n-core's PollContext (harness), trigger mode, static data carried from poll to poll.
 */
import type { IDataObject } from 'n8n-workflow';

import { runPoll } from '../../test/harness';
import { LATENCY_MS, log } from '../lib/context';
import { timed } from '../lib/measure';
import { loadRingReadyTrigger } from '../lib/nodes';
import type { CaseResult, Row, Target } from '../lib/report';
import { startRemoteSandbox } from '../lib/sandbox';
import { summarize, type RequestSummary } from '../lib/stats';

const BURST = 1000;

export async function caseTrigger(): Promise<CaseResult> {
	const sandbox = await startRemoteSandbox({ latencyMs: LATENCY_MS });
	const trigger = loadRingReadyTrigger();
	const credentials = { apiKey: sandbox.keys.readWrite, baseUrl: sandbox.url };
	const rows: Row[] = [];
	const targets: Target[] = [];

	const poll = async (
		subject: string,
		staticData: IDataObject,
		options: { includeTranscript?: boolean } = {},
	) => {
		await sandbox.clear();
		const { value, ms } = await timed(
			async () =>
				await runPoll(trigger, {
					typeVersion: 1,
					parameters: { event: 'newConversation', filters: {}, options },
					credentials,
					staticData,
				}),
		);
		const requests = summarize(await sandbox.stats());
		const emitted = value.items?.[0]?.length ?? 0;
		const withTranscript = (value.items?.[0] ?? []).filter((item) =>
			Array.isArray(item.json.transcript),
		).length;
		rows.push({
			subject,
			timeMs: ms,
			timeKind: 'wall, 1 poll',
			items: emitted,
			requests,
			note: options.includeTranscript ? `${withTranscript} with transcript` : undefined,
		});
		return { emitted, withTranscript, requests };
	};

	try {
		log('case 6: trigger polls …');
		const state: IDataObject = {};
		await poll('Activation poll (first poll after activation)', state);
		const idle = await poll('Idle poll (nothing new)', state);
		await sandbox.addConversations(BURST);
		const burst = await poll(
			`Poll after a burst of ${BURST.toLocaleString('en-US')} new (transcripts off)`,
			state,
		);
		const idleAfter = await poll('Idle poll after the burst', state);

		// Fresh data for the transcript run, so its window holds the same as the first burst's.
		await sandbox.reset();
		const withTranscripts: IDataObject = {};
		const transcriptOptions = { includeTranscript: true };
		await poll('Activation poll, Include Transcript', withTranscripts, transcriptOptions);
		await sandbox.addConversations(BURST);
		const burstTranscripts = await poll(
			`Poll after a burst of ${BURST.toLocaleString('en-US')} new, Include Transcript`,
			withTranscripts,
			transcriptOptions,
		);

		const describe = (r: RequestSummary) =>
			`${r.total} request${r.total === 1 ? '' : 's'} (${r.listRequests} list, ${r.detailRequests} detail)`;
		targets.push(
			{
				text: 'idle poll: 1 request',
				measured: describe(idle.requests),
				pass: idle.requests.total === 1,
			},
			{
				text: `idle poll right after the burst (${BURST.toLocaleString('en-US')} conversations started within the default 60-minute late-arrival window): 1 request`,
				measured: describe(idleAfter.requests),
				pass: idleAfter.requests.total === 1,
			},
			{
				text: `burst of ${BURST.toLocaleString('en-US')} new, transcripts off: ≤ 6 list requests, every new conversation emitted once`,
				measured: `${describe(burst.requests)}, ${burst.emitted} emitted`,
				pass:
					burst.requests.listRequests <= 6 &&
					burst.requests.detailRequests === 0 &&
					burst.emitted === BURST,
			},
			{
				text: `burst of ${BURST.toLocaleString('en-US')} new with Include Transcript: ≤ 6 list requests + one detail each, every one emitted with its transcript`,
				measured: `${describe(burstTranscripts.requests)}, ${burstTranscripts.withTranscript} of ${burstTranscripts.emitted} emitted with transcript, peak ${burstTranscripts.requests.peakInFlight} in flight`,
				pass:
					burstTranscripts.withTranscript === BURST &&
					burstTranscripts.requests.listRequests <= 6 &&
					burstTranscripts.requests.detailRequests === BURST,
			},
		);
		return {
			id: '6',
			title: 'Trigger: requests per poll (harness)',
			setup: `RingReady Trigger (New Conversation, no filters) through n8n-core's PollContext in trigger mode (harness); sandbox with its default data (320 conversations), ${LATENCY_MS} ms latency; static data carried across polls as n8n does. ${BURST} conversations added between polls with the sandbox's control.`,
			rows,
			targets,
			notes: [
				"Harness only: in real n8n a polling trigger runs once a minute under `n8n start` (test/e2e checks there that new conversations come out once each over two real polls); the request counts per poll are the same code path and do not depend on n8n's HTTP layer.",
				'Every poll lists everything that started within the late-arrival window before the newest conversation seen (`since` = newest started_at − window, default 60 min), so a poll costs ⌈conversations in the window / 200⌉ list requests: 1 for a quiet account, 5 right after 1,000 arrived within an hour. That is the price of never losing a conversation that shows up late with an older started_at.',
			],
		};
	} finally {
		await sandbox.close();
	}
}
