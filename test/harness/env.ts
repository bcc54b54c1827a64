/**
 * Environment n8n-core reads when its services are first built; imported first by the harness.
 * N8N_USER_FOLDER: a throw-away folder per test file (n8n-core writes `.n8n/config` there), unless
 * the user set one. Expressions run on the `legacy` engine (no isolated-vm on Node 20).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

if (
	!process.env.N8N_USER_FOLDER ||
	process.env.RR_HARNESS_USER_FOLDER === process.env.N8N_USER_FOLDER
) {
	const folder = mkdtempSync(join(tmpdir(), 'rr-n8n-harness-'));
	process.env.N8N_USER_FOLDER = folder;
	process.env.RR_HARNESS_USER_FOLDER = folder;
	const cleanup = () => rmSync(folder, { recursive: true, force: true });
	if (typeof afterAll === 'function') afterAll(cleanup);
	else process.once('exit', cleanup);
}
process.env.N8N_EXPRESSION_ENGINE ??= 'legacy';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
