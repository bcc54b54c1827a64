/**
 * The lifecycle every long-running test script shares: things started register how to stop them,
 * and they are stopped (last first) on success, on failure and on Ctrl-C / SIGTERM.
 */
export const cleanups: Array<() => Promise<void>> = [];

export async function runCleanups(): Promise<void> {
	while (cleanups.length > 0) {
		const cleanup = cleanups.pop()!;
		await cleanup().catch(() => undefined);
	}
}

/** Runs `main`, stopping everything registered in `cleanups` however it ends. */
export function runScript(main: () => Promise<void>): void {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			process.stderr.write(`\n${signal}: stopping n8n and the sandboxes\n`);
			void runCleanups().finally(() => process.exit(130));
		});
	}
	main().catch(async (error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		await runCleanups();
		process.exit(1);
	});
}
