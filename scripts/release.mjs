#!/usr/bin/env node
/**
 * Releasing (docs/development.md → Releasing): `check [--tag vX.Y.Z]` (npm run release:check),
 * `cut <patch|minor|major|X.Y.Z>` (npm run release), `publish --tag vX.Y.Z` (npm run
 * release:publish, GitHub Actions only). prepublishOnly is n8n's own guard, `n8n-node prerelease`
 * (only a publish with RELEASE_MODE, which `publish` sets, goes through); publishConfig.provenance
 * makes npm refuse any publish outside CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPOSITORY = 'https://github.com/ringready/n8n-nodes-ringready';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

const readPackage = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const readChangelog = () => readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function fail(problems) {
	for (const problem of problems) console.error(`release: ${problem}`);
	process.exit(1);
}

function option(args, name) {
	const index = args.indexOf(name);
	if (index === -1) return undefined;
	const value = args[index + 1];
	if (!value || value.startsWith('--')) fail([`${name} needs a value, e.g. ${name} v0.1.0`]);
	return value;
}

/**
 * What npm and the publish workflow need from package.json (n8n-node lint, in npm run lint, checks
 * the name, keywords, dependencies and peerDependencies n8n needs).
 */
function packageProblems(pkg, root = ROOT) {
	const problems = [];
	if (!SEMVER.test(pkg.version ?? ''))
		problems.push(`package.json version "${pkg.version}" is not semver (X.Y.Z)`);
	if (pkg.main !== undefined && !existsSync(join(root, pkg.main)))
		problems.push(
			`package.json main "${pkg.main}" does not exist; n8n loads the files under "n8n", so drop main`,
		);
	if (pkg.repository?.url !== `git+${REPOSITORY}.git`)
		problems.push(
			`package.json repository.url must be git+${REPOSITORY}.git (npm provenance checks it against the publishing repository)`,
		);
	if (pkg.bugs?.url !== `${REPOSITORY}/issues`)
		problems.push(`package.json bugs.url must be ${REPOSITORY}/issues`);
	if (pkg.homepage !== `${REPOSITORY}#readme`)
		problems.push(`package.json homepage must be ${REPOSITORY}#readme`);
	if (pkg.publishConfig?.provenance !== true || pkg.publishConfig?.access !== 'public') {
		problems.push(
			'package.json publishConfig must be {"access": "public", "provenance": true}, so no publish goes out without provenance',
		);
	}
	if (pkg.scripts?.prepublishOnly !== 'n8n-node prerelease')
		problems.push('prepublishOnly must be "n8n-node prerelease"');
	return problems;
}

/** The CHANGELOG must have an Unreleased section and a dated section for `version`. */
function changelogProblems(changelog, version) {
	const problems = [];
	if (!/^## \[Unreleased\]\s*$/m.test(changelog))
		problems.push('CHANGELOG.md has no "## [Unreleased]" section');
	const heading = new RegExp(
		`^## \\[${escape(version)}\\] - (\\d{4}-\\d{2}-\\d{2})\\s*$`,
		'm',
	).exec(changelog);
	if (!heading)
		problems.push(
			`CHANGELOG.md has no section "## [${version}] - YYYY-MM-DD": move the Unreleased notes there (npm run release -- ${version})`,
		);
	else if (Number.isNaN(Date.parse(heading[1])))
		problems.push(`CHANGELOG.md: "${heading[1]}" is not a date`);
	if (!new RegExp(`^\\[${escape(version)}\\]: `, 'm').test(changelog))
		problems.push(`CHANGELOG.md has no link "[${version}]: ..." at the bottom`);
	return problems;
}

function tagProblems(tag, version) {
	if (tag === undefined || tag === `v${version}`) return [];
	return [
		`tag "${tag}" does not match package.json version ${version}: the tag must be "v${version}"`,
	];
}

function npm(args, extraEnv = {}) {
	return execFileSync('npm', args, {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, ...extraEnv },
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024,
	});
}

function tagFromEnvironment(args) {
	return (
		option(args, '--tag') ??
		(process.env.GITHUB_REF_TYPE === 'tag' ? process.env.GITHUB_REF_NAME : undefined)
	);
}

function check(args) {
	const pkg = readPackage();
	const tag = tagFromEnvironment(args);
	const problems = [
		...packageProblems(pkg),
		...changelogProblems(readChangelog(), pkg.version),
		...tagProblems(tag, pkg.version),
	];
	const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const missingBuild = entries.filter((file) => !existsSync(join(ROOT, file)));
	if (missingBuild.length)
		problems.push(`not built: ${missingBuild.join(', ')} (run npm run build first)`);
	if (problems.length) fail(problems);

	// Exactly what `npm publish` would upload, without the registry. Scripts stay off (the build is done).
	const result = JSON.parse(npm(['publish', '--dry-run', '--json', '--ignore-scripts']));
	const dryRun = Array.isArray(result) ? result[0] : result[pkg.name]; // npm 10 gives a list, npm 11 an object by name
	const files = dryRun.files.map((file) => file.path);
	const needed = [
		...entries,
		...entries
			.filter((file) => file.includes('/nodes/'))
			.map((file) => file.replace(/\.js$/, '.json')),
		'README.md',
		'LICENSE',
		'package.json',
	];
	const missing = needed.filter((file) => !files.includes(file));
	if (missing.length) fail([`npm publish --dry-run would not include: ${missing.join(', ')}`]);
	console.log(
		`release: ${pkg.name}@${pkg.version}${tag ? ` (tag ${tag})` : ''}: package.json, CHANGELOG${tag ? ', tag' : ''} ok; npm publish --dry-run: ${files.length} files, ${dryRun.size} bytes packed`,
	);
}

function git(args) {
	return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** Bumps the version, dates the Unreleased notes, commits and tags; pushing the tag publishes. */
function cut([bump]) {
	if (git(['status', '--porcelain', '--untracked-files=no']))
		fail(['the working tree has changes: commit or stash them first']);
	if (git(['rev-parse', '--abbrev-ref', 'HEAD']) !== 'main') fail(['release from the main branch']);
	const changelog = readChangelog();
	const unreleased = /^## \[Unreleased\]\s*\n([\s\S]*?)(?=^## \[)/m.exec(changelog);
	if (!unreleased || !unreleased[1].trim())
		fail(['CHANGELOG.md: the Unreleased section is empty; write what changed first']);
	const previous = readPackage().version;
	try {
		npm(['version', bump ?? '', '--no-git-tag-version', '--ignore-scripts']);
	} catch (error) {
		fail([`usage: npm run release -- <patch|minor|major|X.Y.Z> (${error.stderr.trim()})`]);
	}
	const next = readPackage().version;
	const today = new Date().toISOString().slice(0, 10);
	const updated = changelog
		.replace(/^## \[Unreleased\]\s*\n/m, `## [Unreleased]\n\n## [${next}] - ${today}\n\n`)
		.replace(
			/^\[Unreleased\]: .*$/m,
			`[Unreleased]: ${REPOSITORY}/compare/v${next}...HEAD\n[${next}]: ${REPOSITORY}/compare/v${previous}...v${next}`,
		);
	writeFileSync(join(ROOT, 'CHANGELOG.md'), updated);
	execFileSync(process.execPath, [join(ROOT, 'scripts', 'compat.mjs'), 'write'], {
		cwd: ROOT,
		stdio: 'inherit',
	});
	git(['add', 'CHANGELOG.md', 'package.json', 'package-lock.json', 'README.md']);
	git(['commit', '-m', `Release v${next}`]);
	git(['tag', '-a', `v${next}`, '-m', `v${next}`]);
	console.log(
		`release: v${next} committed and tagged. Publish with: git push origin main v${next}`,
	);
}

function inPublishWorkflow() {
	return process.env.GITHUB_ACTIONS === 'true' && Boolean(process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
}

function publish(args) {
	const tag = tagFromEnvironment(args);
	if (!tag) fail(['publish needs --tag vX.Y.Z']);
	if (!inPublishWorkflow())
		fail([
			'publishing happens only in the GitHub Actions publish workflow (id-token: write), which signs the provenance statement; push the tag instead',
		]);
	const { version } = readPackage();
	const problems = tagProblems(tag, version);
	if (problems.length) fail(problems);
	const distTag = version.includes('-') ? 'next' : 'latest';
	execFileSync(
		'npm',
		['publish', '--provenance', '--access', 'public', '--tag', distTag, '--ignore-scripts=false'],
		{
			cwd: ROOT,
			stdio: 'inherit',
			env: { ...process.env, RELEASE_MODE: 'true' },
		},
	);
}

const [command, ...args] = process.argv.slice(2);
const commands = { check, cut, publish };
if (!commands[command])
	fail([`usage: node scripts/release.mjs <${Object.keys(commands).join('|')}> ...`]);
commands[command](args);
