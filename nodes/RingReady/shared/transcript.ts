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
