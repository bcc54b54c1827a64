/**
 * Captures everything n8n logs while the harness runs nodes: n8n-core's DI `Logger` (`this.logger`
 * in a node) and n8n-workflow's `LoggerProxy`, so tests can assert that a secret never reaches the
 * logs. HARNESS_LOG=1 also prints them.
 */
import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';

export interface CapturedLog {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata?: LogMetadata;
}

const captured: CapturedLog[] = [];

/** Position marker: `logsSince(mark)` returns what was logged after it. */
export const logMark = () => captured.length;
export const logsSince = (mark: number) => captured.slice(mark);

/** The lines (message + metadata, errors expanded) as one searchable string; default: all so far. */
export function logsToText(logs: CapturedLog[] = captured): string {
	return logs.map((l) => `${l.level} ${l.message} ${stringify(l.metadata)}`).join('\n');
}

function stringify(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (v instanceof Error) return { ...v, name: v.name, message: v.message, stack: v.stack };
				if (typeof v === 'bigint') return v.toString();
				if (typeof v !== 'object' || v === null) return v;
				if (seen.has(v)) return '[Circular]';
				seen.add(v);
				return v;
			}) ?? ''
		);
	} catch {
		return String(value);
	}
}

/** A logger shaped like @n8n/backend-common's Logger (level methods + `scoped`). */
export class CapturingLogger implements WorkflowLogger {
	scoped = () => this;
	error = (message: string, metadata?: LogMetadata) => this.log('error', message, metadata);
	warn = (message: string, metadata?: LogMetadata) => this.log('warn', message, metadata);
	info = (message: string, metadata?: LogMetadata) => this.log('info', message, metadata);
	debug = (message: string, metadata?: LogMetadata) => this.log('debug', message, metadata);

	private log(level: CapturedLog['level'], message: string, metadata?: LogMetadata): void {
		captured.push({ level, message: String(message), metadata });
		if (process.env.HARNESS_LOG) console.log(`[n8n ${level}]`, message, stringify(metadata));
	}
}
