// Runs n8n's own community-package scanner (@n8n/scan-community-package, the check behind
// verification and n8n Cloud) on the tarball exactly as it would be published.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const work = mkdtempSync(join(tmpdir(), 'ringready-scan-'));
try {
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			encoding: 'utf8',
		}),
	);
	execFileSync('tar', ['-xzf', join(work, filename), '-C', work]);
	const result = await analyzePackage(join(work, 'package'));
	if (!result.passed) {
		console.error(`n8n community package scan failed: ${result.message}\n${result.details ?? ''}`);
		process.exit(1);
	}
	console.log('n8n community package scan: passed');
} finally {
	rmSync(work, { recursive: true, force: true });
}
