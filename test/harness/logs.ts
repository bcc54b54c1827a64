/**
 * Captures everything n8n logs while the harness runs nodes: n8n-core's DI `Logger`
 * (what `this.logger` is inside a node) and n8n-workflow's `LoggerProxy`. Tests use it to
 * assert that a secret never reaches the logs. Set HARNESS_LOG=1 to also print them.
 */
import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface CapturedLog {
	level: LogLevel;
	message: string;
	metadata?: LogMetadata;
	scopes?: string[];
}

const captured: CapturedLog[] = [];

/** Every log line captured since the process started (or since `clearLogs()`). */
export function getLogs(): CapturedLog[] {
	return [...captured];
}

export function clearLogs(): void {
	captured.length = 0;
}

/** Position marker: `logsSince(mark)` returns what was logged after it. */
export function logMark(): number {
	return captured.length;
}

export function logsSince(mark: number): CapturedLog[] {
	return captured.slice(mark);
}

/** All captured lines (message + metadata, errors expanded) as one searchable string. */
export function logsToText(logs: CapturedLog[] = captured): string {
	return logs.map((l) => `${l.level} ${l.message} ${safeStringify(l.metadata)}`).join('\n');
}

export function safeStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (v instanceof Error) {
					const plain: Record<string, unknown> = {
						name: v.name,
						message: v.message,
						stack: v.stack,
					};
					for (const k of Object.keys(v)) plain[k] = (v as unknown as Record<string, unknown>)[k];
					return plain;
				}
				if (typeof v === 'object' && v !== null) {
					if (seen.has(v)) return '[Circular]';
					seen.add(v);
				}
				if (typeof v === 'bigint') return v.toString();
				return v;
			}) ?? ''
		);
	} catch {
		return String(value);
	}
}

/** A logger shaped like @n8n/backend-common's Logger (level methods + `scoped`). */
export class CapturingLogger implements WorkflowLogger {
	constructor(private readonly scopes: string[] = []) {}

	scoped(scopes: string | string[]): CapturingLogger {
		return new CapturingLogger([...this.scopes, ...(Array.isArray(scopes) ? scopes : [scopes])]);
	}

	error(message: string, metadata?: LogMetadata): void {
		this.log('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		this.log('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		this.log('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		this.log('debug', message, metadata);
	}

	private log(level: LogLevel, message: string, metadata?: LogMetadata): void {
		const entry: CapturedLog = { level, message: String(message), metadata };
		if (this.scopes.length > 0) entry.scopes = this.scopes;
		captured.push(entry);
		if (process.env.HARNESS_LOG) {
			console.log(`[n8n ${level}]`, message, metadata === undefined ? '' : safeStringify(metadata));
		}
	}
}
