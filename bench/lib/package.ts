/**
 * Builds this package into a temporary folder (package.json + dist/, what `npm pack` ships) without
 * touching the repository's own dist/, so the benchmark can install it into real n8n. Same steps
 * as `npm run build` (tsc -p tsconfig.build.json, then the icons and codex files as gulp copies them).
 */
import { execFileSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');

/** What gulpfile.js copies next to tsc's output: icons, and the nodes' codex files (*.node.json). */
function copyAssets(from: string, to: string, pattern: RegExp): void {
	for (const entry of readdirSync(from)) {
		const path = join(from, entry);
		if (statSync(path).isDirectory()) copyAssets(path, to, pattern);
		else if (pattern.test(entry)) {
			const target = join(to, relative(ROOT, path));
			mkdirSync(dirname(target), { recursive: true });
			copyFileSync(path, target);
		}
	}
}

export function buildPackage(): string {
	const dir = mkdtempSync(join(tmpdir(), 'rr-bench-pkg-'));
	const dist = join(dir, 'dist');
	execFileSync(
		process.execPath,
		[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist],
		{ cwd: ROOT, stdio: 'inherit' },
	);
	copyAssets(join(ROOT, 'nodes'), dist, /\.(png|svg)$|\.node\.json$/);
	for (const folder of ['credentials', 'icons']) copyAssets(join(ROOT, folder), dist, /\.(png|svg)$/);
	copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
	return dir;
}
