/**
 * Process environment n8n-core reads when its services are first built. Imported first by the
 * harness so it is in place before any `Container.get(...)`.
 *
 * - N8N_USER_FOLDER: n8n-core's InstanceSettings creates `<folder>/.n8n/config` (an instance
 *   id and encryption key). Point it at a throw-away temp folder (one per test file, deleted in
 *   an afterAll) so tests never touch ~/.n8n. A folder set by the user is left alone.
 * - Expressions: n8n-workflow's default engine is `legacy` (in-process, no isolated-vm), which is
 *   the only one that works on Node 20 here. We never call `Expression.initExpressionEngine`, so
 *   that is what runs; N8N_EXPRESSION_ENGINE=legacy is set as well for anything that reads it.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// One folder per test file (jest loads modules per file); removed when the file is done.
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
