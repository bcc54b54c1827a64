// The published tarball must hold only what n8n loads: dist/, package.json, README, LICENSE.
const { execFileSync } = require('child_process');
const [pack] = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
);
const files = pack.files.map((f) => f.path);
const unexpected = files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f));
const leaked = files.filter(
	(f) => /(^|\/)(test|bench|sandbox|harness)\//.test(f) || /\.test\.js$/.test(f),
);
const required = [
	'README.md',
	'LICENSE',
	'dist/nodes/RingReady/RingReady.node.json',
	'dist/nodes/RingReadyTrigger/RingReadyTrigger.node.json',
	'dist/credentials/RingReadyApi.credentials.js',
	'dist/nodes/RingReady/RingReady.node.js',
	'dist/nodes/RingReadyTrigger/RingReadyTrigger.node.js',
	'dist/icons/ringready.svg',
	'dist/icons/ringready.dark.svg',
];
const missing = required.filter((f) => !files.includes(f));
console.log(`${pack.filename}: ${files.length} files, ${pack.size} bytes`);
if (unexpected.length || leaked.length || missing.length) {
	console.error({ unexpected, leaked, missing });
	process.exit(1);
}
