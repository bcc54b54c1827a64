/** `pack_package` of tools/lib.sh from TypeScript: n8n gets exactly the tarball users install. */
import { execFileSync } from 'child_process';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

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
