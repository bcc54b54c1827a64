import type { ConversationDetail, TranscriptTurn } from './contract';

function roleLabel(role: string): string {
	const text = String(role ?? '').replace(/_/g, ' ');
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One "Role: content" line per turn, ready for an LLM prompt or a CRM note. */
export function transcriptToText(turns: TranscriptTurn[] | undefined | null): string {
	return (turns ?? []).map((turn) => `${roleLabel(turn.role)}: ${turn.content}`).join('\n');
}

export function addTranscriptText<T extends ConversationDetail>(
	conversation: T,
): T & { transcript_text: string } {
	return { ...conversation, transcript_text: transcriptToText(conversation.transcript) };
}

const isTurn = (turn: unknown): turn is TranscriptTurn =>
	typeof (turn as TranscriptTurn | null)?.role === 'string' &&
	typeof (turn as TranscriptTurn).content === 'string';

/** Like addTranscriptText, but a turn that is not a turn is left out and named in an `error` field. */
export function addReadableTranscriptText(
	detail: ConversationDetail,
): ConversationDetail & { transcript_text: string; error?: string } {
	const turns: unknown[] = Array.isArray(detail.transcript) ? detail.transcript : [];
	const readable = turns.filter(isTurn);
	const left = turns.length - readable.length;
	if (left === 0) return addTranscriptText(detail);
	const bad = turns.findIndex((turn) => !isTurn(turn));
	const shown = JSON.stringify(turns[bad])?.slice(0, 60);
	return {
		...detail,
		transcript_text: transcriptToText(readable),
		error: `The transcript has ${left} turn${left === 1 ? '' : 's'} without a role and text (the first is turn ${bad + 1}: ${shown}); Transcript Text leaves ${left === 1 ? 'it' : 'them'} out`,
	};
}
