import type { RequestSession } from '../transport';
import { RunCancelledError } from '../transport';

import { getConversation } from './api';
import type { ConversationDetail, ConversationSummary } from './contract';

export interface DetailOutcome<Attachment = undefined> {
	summary: ConversationSummary;
	/** The full conversation, once fetched (also when `afterDetail` failed for it). */
	detail?: ConversationDetail;
	/** What `afterDetail` gave for it. */
	attachment?: Attachment;
	error?: unknown;
}

/**
 * The full detail (transcript, recording, IP) of each listed conversation, in list order: the one
 * fetch-out shared by Get Many with transcripts and the trigger. `pages` may still be being listed:
 * details start while later pages are fetched, all through the run's session (its throttle bounds
 * pages and details together; pages go first). Each outcome is captured, so one failure neither
 * aborts the others nor goes unhandled. Details start in list order; none starts after `startBy`
 * (epoch ms; the first always starts) or after an earlier failure for which `stopAfter` (called
 * once per failure, when it happens) is true, so that a caller emitting an in-order prefix sends
 * nothing it would throw away. A detail that did not start has no outcome (undefined).
 * `afterDetail` (e.g. downloading the recording) runs for each detail as it arrives; its failure is
 * that conversation's failure (the outcome then has both `detail` and `error`).
 */
export async function fetchConversationDetails<Attachment = undefined>(
	session: RequestSession,
	pages: AsyncIterable<ConversationSummary[]> | Iterable<ConversationSummary[]>,
	options: {
		itemIndex?: number;
		startBy?: number;
		stopAfter?: (outcome: DetailOutcome<Attachment>) => boolean;
		afterDetail?: (detail: ConversationDetail) => Promise<Attachment>;
	} = {},
): Promise<Array<DetailOutcome<Attachment> | undefined>> {
	const { itemIndex, startBy, stopAfter, afterDetail } = options;
	let stopAt = Number.POSITIVE_INFINITY;
	const fetches: Array<Promise<DetailOutcome<Attachment> | undefined>> = [];
	let listed = false;
	try {
		for await (const page of pages) {
			for (const summary of page) {
				const index = fetches.length;
				const startIf = () =>
					index < stopAt && (index === 0 || startBy === undefined || Date.now() <= startBy);
				const failed = (outcome: DetailOutcome<Attachment>) => {
					if (outcome.error instanceof RunCancelledError) return undefined;
					if (stopAfter?.(outcome)) stopAt = Math.min(stopAt, index);
					return outcome;
				};
				fetches.push(
					getConversation(session, summary.id, { itemIndex, startIf }).then(
						async (detail) => {
							if (!afterDetail) return { summary, detail };
							return await afterDetail(detail).then(
								(attachment) => ({ summary, detail, attachment }),
								(error: unknown) => failed({ summary, detail, error }),
							);
						},
						(error: unknown) => failed({ summary, error }),
					),
				);
			}
		}
		listed = true;
	} finally {
		// A failed listing fails the caller: details not yet started are not sent.
		if (!listed) stopAt = 0;
	}
	return await Promise.all(fetches);
}
