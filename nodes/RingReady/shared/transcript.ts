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

/** What Simplify keeps: who, when, what about; a fetched transcript becomes `transcript_text`; no recording or device details. */
export const SIMPLIFIED_CONVERSATION_FIELDS = [
	'id',
	'channel',
	'agent_id',
	'caller_name',
	'from',
	'label',
	'summary',
	'started_at',
	'duration_seconds',
	'end_reason',
] as const;

/** A conversation as the node outputs it: the API's fields, optionally with transcript text or simplified. */
export function shapeConversation(
	conversation: ConversationDetail,
	{ transcriptText, simplify }: { transcriptText?: boolean; simplify?: boolean },
): Record<string, unknown> {
	const shaped: Record<string, unknown> = transcriptText
		? addTranscriptText(conversation)
		: { ...conversation };
	if (!simplify) return shaped;
	const simplified: Record<string, unknown> = {};
	for (const field of SIMPLIFIED_CONVERSATION_FIELDS)
		simplified[field] = conversation[field] ?? null;
	// A fetched transcript stays, as text: the compact form a model or a message reads best.
	if (transcriptText || Array.isArray(conversation.transcript)) {
		simplified.transcript_text = transcriptToText(conversation.transcript);
	}
	return simplified;
}
