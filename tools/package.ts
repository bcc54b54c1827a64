/**
 * The one pack step from TypeScript: `pack_package` in tools/lib.sh (`npm run build`, `npm pack`,
 * unpack), so n8n gets exactly the tarball users install.
 */
import { execFileSync } from 'child_process';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

/** Builds and packs the package into `dir`; returns the unpacked package folder. */
export function packPackage(dir: string): string {
	const out = execFileSync(
		'bash',
		['-c', `. "${join(ROOT, 'tools', 'lib.sh')}" && pack_package "$1"`, 'pack', dir],
		{
			cwd: ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	return out.trim().split('\n').pop()!;
}
