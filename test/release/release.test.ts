/**
 * The release tooling a maintainer relies on: `npm run lint` rejects a broken GitHub workflow, and
 * `npm run release:check` / the prepublishOnly guard refuse what must not be published.
 */
import { spawnSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ringready-release-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
	const result = spawnSync(process.execPath, [join(cwd, 'scripts', script), ...args], {
		cwd,
		encoding: 'utf8',
		env: {
			...process.env,
			GITHUB_ACTIONS: '',
			GITHUB_REF_TYPE: '',
			GITHUB_REF_NAME: '',
			RELEASE_MODE: '',
			...env,
		},
	});
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function brokenCopy(name: string, from: string, to: string): string {
	const file = join(work, name);
	const text = readFileSync(
		join(ROOT, '.github', 'workflows', name.replace(/-.*$/, '.yml')),
		'utf8',
	);
	if (!text.includes(from)) throw new Error(`${name}: "${from}" not in the workflow`);
	writeFileSync(file, text.replace(from, to));
	return file;
}

describe('npm run lint: GitHub workflows', () => {
	it('accepts the repository’s workflows', () => {
		const { status, output } = run('lint-workflows.mjs', []);
		expect(output).toContain('GitHub workflows: 2 valid (ci.yml, publish.yml)');
		expect(status).toBe(0);
	});

	it.each([
		[
			'ci-misspelt-key',
			'runs-on: ubuntu-latest',
			'runs_on: ubuntu-latest',
			"Additional property 'runs_on' is not allowed",
		],
		[
			'ci-bad-yaml',
			'    steps:\n      - uses: actions/checkout@v4\n      - id: read',
			'    steps:\n      - uses: actions/checkout@v4\n       - id: read',
			'line ',
		],
		[
			'ci-missing-step-list',
			'bash scripts/ci.sh check',
			'bash scripts/ci-steps.sh check',
			'scripts/ci-steps.sh: no such file in the repository',
		],
		[
			'ci-own-steps',
			'      - run: bash scripts/ci.sh check',
			'      - run: npm ci --no-audit --no-fund\n      - run: npm test',
			'ci.yml must run "bash scripts/ci.sh check" (the step list .ci/run runs)',
		],
		[
			'publish-unknown-script',
			'npm run release:check',
			'npm run release:chek',
			'"npm run release:chek": package.json has no such script',
		],
		[
			'publish-no-id-token',
			'      id-token: write',
			'      contents: write',
			'the publish job needs "permissions: id-token: write" for npm provenance',
		],
		[
			'publish-token',
			'      - run: npm ci --no-audit --no-fund',
			'      - run: npm ci --no-audit --no-fund\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
			'an npm token: publishing uses npm trusted publishing',
		],
	])('rejects a workflow with %s', (name, from, to, message) => {
		const { status, output } = run('lint-workflows.mjs', [brokenCopy(name, from, to)]);
		expect(output).toContain(message);
		expect(status).toBe(1);
	});
});

describe('npm run release:check and prepublishOnly', () => {
	const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
		version: string;
	};

	it('refuses a tag that is not "v" + the package version', () => {
		const { status, output } = run('release.mjs', ['check', '--tag', 'v9.9.9']);
		expect(output).toContain(
			`release: tag "v9.9.9" does not match package.json version ${version}: the tag must be "v${version}"`,
		);
		expect(status).toBe(1);
	});

	it('refuses a version the CHANGELOG has no dated section for', () => {
		const copy = join(work, 'repo');
		cpSync(join(ROOT, 'scripts'), join(copy, 'scripts'), { recursive: true });
		cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
		writeFileSync(
			join(copy, 'CHANGELOG.md'),
			readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8').replace(
				`## [${version}] - `,
				`## [${version}-draft] - `,
			),
		);
		const { status, output } = run('release.mjs', ['check'], {}, copy);
		expect(output).toContain(`release: CHANGELOG.md has no section "## [${version}] - YYYY-MM-DD"`);
		expect(status).toBe(1);
	});

	it('prepublishOnly (n8n-node prerelease) refuses a plain npm publish', () => {
		const result = spawnSync('npm', ['run', 'prepublishOnly'], {
			cwd: ROOT,
			encoding: 'utf8',
			env: { ...process.env, RELEASE_MODE: '' },
		});
		expect(`${result.stdout}${result.stderr}`).toContain(
			'Run `npm run release` to publish the package',
		);
		expect(result.status).toBe(1);
	});
});

describe('README facts written once', () => {
	function copyWith(name: string, file: string, edit: (text: string) => string): string {
		const copy = join(work, name);
		for (const source of [
			'scripts',
			'docs',
			'examples',
			'README.md',
			'versions.env',
			'CHANGELOG.md',
			'package.json',
			'LICENSE',
			'nodes',
		])
			cpSync(join(ROOT, source), join(copy, source), { recursive: true });
		writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8')));
		return copy;
	}

	it.each([
		[
			'Compatibility differs from the versions CI tests',
			'versions.env',
			(text: string) => text.replace(/^N8N2_VERSION=.*$/m, 'N8N2_VERSION=2.99.0'),
			'README.md: Compatibility differs from versions.env / CHANGELOG.md; run: node scripts/compat.mjs write',
			'| 2.x (current) | 24 | n8n 2.99.0 on Node.js',
		],
		[
			'version history is missing a release',
			'CHANGELOG.md',
			(text: string) =>
				text.replace('## [Unreleased]\n', '## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n'),
			'README.md: Version history differs',
			'- [0.2.0](CHANGELOG.md#020---2026-12-01) — 2026-12-01',
		],
		[
			'install pin is another version than package.json',
			'package.json',
			(text: string) => text.replace(/"version": "[^"]+"/, '"version": "9.8.7"'),
			'README.md: Install pin differs',
			`N8N_COMMUNITY_PACKAGES='[{"name":"n8n-nodes-ringready","version":"9.8.7"}]'`,
		],
	])(
		'npm run lint fails when the README’s %s; compat.mjs write fixes it',
		(_label, file, edit, message, fixed) => {
			const copy = copyWith(file.split('.')[0], file, edit);
			const { status, output } = run('compat.mjs', ['check'], {}, copy);
			expect(output).toContain(message);
			expect(status).toBe(1);
			expect(run('compat.mjs', ['write'], {}, copy).status).toBe(0);
			expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain(fixed);
		},
	);

	it('npm run lint fails on a README link to a missing file or heading', () => {
		const copy = copyWith('links', 'README.md', (text) =>
			text.replace(
				'## License',
				'See [the trigger](docs/trigger.md#no-such-part) and [notes](docs/notes.md).\n\n## License',
			),
		);
		const { status, output } = run('compat.mjs', ['check'], {}, copy);
		expect(output).toContain('README.md: link to docs/trigger.md#no-such-part: no such heading');
		expect(output).toContain('README.md: link to docs/notes.md: no such file');
		expect(status).toBe(1);
	});

	it('npm run lint fails when a node panel’s documentation link is not a README heading or a file', () => {
		const copy = copyWith('codex', 'nodes/RingReadyTrigger/RingReadyTrigger.node.json', (text) =>
			text.replace(/#ringready-trigger"/, '#the-ringready-trigger"'),
		);
		expect(run('compat.mjs', ['check'], {}, ROOT).status).toBe(0);
		const { status, output } = run('compat.mjs', ['check'], {}, copy);
		expect(output).toContain(
			'nodes/RingReadyTrigger/RingReadyTrigger.node.json: link to https://github.com/ringready/n8n-nodes-ringready#the-ringready-trigger: no such heading',
		);
		expect(status).toBe(1);
	});

	it('npm run lint fails on a README of more than 250 lines', () => {
		const copy = copyWith('long', 'README.md', (text) =>
			text.replace('## License', `${'More.\n\n'.repeat(130)}## License`),
		);
		const { status, output } = run('compat.mjs', ['check'], {}, copy);
		expect(output).toMatch(/README\.md has \d+ lines; at most 250 \(depth goes to docs\/\)/);
		expect(status).toBe(1);
	});
});
