#!/usr/bin/env node
/**
 * README blocks written from the files that hold the facts: Compatibility (versions.env), Version
 * history (CHANGELOG.md), Install pin (package.json's version). `check` (npm run lint) also fails on
 * a README over 250 lines and on a link in README.md, docs/*.md or a codex file to a missing file or
 * heading. `write` rewrites the blocks (npm run release does); `github-output` gives ci.yml's matrix.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const markers = (name, source) => ({
	start: `<!-- ${name}: generated from ${source} by \`node scripts/compat.mjs write\` -->`,
	end: `<!-- /${name} -->`,
});
const COMPAT = markers('compatibility', 'versions.env');
const PIN = markers('install-pin', 'package.json');
const HISTORY = markers('version-history', 'CHANGELOG.md');
const README_MAX_LINES = 250;

function readVersions() {
	const versions = {};
	for (const line of readFileSync(join(ROOT, 'versions.env'), 'utf8').split('\n')) {
		const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (match) versions[match[1]] = match[2].trim();
	}
	const keys = ['N8N2_VERSION', 'NODE24_VERSION', 'N8N1_VERSION', 'N8N1_NODE_VERSION'];
	for (const key of [...keys, 'CI_NODE_VERSIONS'])
		if (!versions[key]) throw new Error(`versions.env has no ${key}`);
	return versions;
}

/** GitHub's anchor for a heading such as "[0.1.0] - 2026-11-28": "010---2026-11-28". */
const anchor = (heading) =>
	heading
		.toLowerCase()
		.replace(/[^a-z0-9 -]/g, '')
		.replace(/ /g, '-');

function renderHistory() {
	const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
	const releases = [
		...changelog.matchAll(/^## (\[(\d+\.\d+\.\d+[^\]]*)\] - (\d{4}-\d{2}-\d{2}))\s*$/gm),
	];
	const lines = releases.map(
		([, heading, version, date]) => `- [${version}](CHANGELOG.md#${anchor(heading)}) — ${date}`,
	);
	return [HISTORY.start, ...(lines.length ? lines : ['- no release yet']), HISTORY.end].join('\n');
}

function renderPin() {
	const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	return [
		PIN.start,
		'```bash',
		'N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true',
		`N8N_COMMUNITY_PACKAGES='[{"name":"${name}","version":"${version}"}]'`,
		'```',
		PIN.end,
	].join('\n');
}

/** GitHub's anchor for any Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
const headingAnchors = (markdown) => {
	const seen = new Map();
	const anchors = new Set();
	for (const [, text] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
		const base = anchor(text.replace(/[`*_]/g, '').trim());
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count ? `${base}-${count}` : base);
	}
	return anchors;
};

/** A link's problem: the file it names is missing, or the heading is not in it; undefined when it resolves. */
function linkProblem(resolved, hash) {
	if (!existsSync(resolved)) return 'no such file';
	if (hash !== undefined && resolved.endsWith('.md')) {
		if (!headingAnchors(readFileSync(resolved, 'utf8')).has(hash)) return 'no such heading';
	}
	return undefined;
}

/**
 * Links in README.md and docs/*.md, and the documentation links of the nodes' codex files (the
 * node panel's "Docs" links, to this repository on GitHub), to files that are missing or to headings
 * they do not have.
 */
function brokenLinks() {
	const files = [
		'README.md',
		...readdirSync(join(ROOT, 'docs'))
			.filter((f) => f.endsWith('.md'))
			.map((f) => `docs/${f}`),
	];
	const problems = [];
	for (const file of files) {
		const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
		for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
			if (/^[a-z]+:/i.test(target)) continue;
			const [path, hash] = target.split('#');
			const problem = linkProblem(path ? join(ROOT, dirname(file), path) : join(ROOT, file), hash);
			if (problem) problems.push(`${file}: link to ${target}: ${problem}`);
		}
	}
	const repository = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).homepage.replace(
		/#.*$/,
		'',
	);
	for (const codex of codexFiles()) {
		const resources = JSON.parse(readFileSync(join(ROOT, codex), 'utf8')).resources ?? {};
		for (const { url } of Object.values(resources).flat()) {
			if (
				url !== repository &&
				!url.startsWith(`${repository}#`) &&
				!url.startsWith(`${repository}/`)
			)
				continue;
			const [path, hash] = url.slice(repository.length).split('#');
			const file = path.replace(/^\/(blob|tree)\/[^/]+\//, '') || 'README.md';
			const problem =
				/^\/(blob|tree)\//.test(path) || !path
					? linkProblem(join(ROOT, file), hash)
					: 'not a file of the repository (use #heading or /blob/main/<file>)';
			if (problem) problems.push(`${codex}: link to ${url}: ${problem}`);
		}
	}
	return problems;
}

/** The nodes' codex files (nodes/<Node>/<Node>.node.json). */
function codexFiles() {
	return readdirSync(join(ROOT, 'nodes')).flatMap((node) =>
		readdirSync(join(ROOT, 'nodes', node))
			.filter((f) => f.endsWith('.node.json'))
			.map((f) => `nodes/${node}/${f}`),
	);
}

function render(v) {
	const ciNodes = v.CI_NODE_VERSIONS.split(/\s+/);
	const n8n2Major = v.N8N2_VERSION.split('.')[0];
	const n8n1Major = v.N8N1_VERSION.split('.')[0];
	const node24Major = v.NODE24_VERSION.split('.')[0];
	return [
		COMPAT.start,
		'| n8n | Node.js | tested by CI |',
		'|---|---|---|',
		`| ${n8n2Major}.x (current) | ${node24Major} | n8n ${v.N8N2_VERSION} on Node.js ${v.NODE24_VERSION}, end to end |`,
		`| ${n8n1Major}.x (previous) | ${v.N8N1_NODE_VERSION} | n8n ${v.N8N1_VERSION} on Node.js ${v.N8N1_NODE_VERSION}, end to end |`,
		'',
		`Build, lint and the test suite run on Node.js ${ciNodes.slice(0, -1).join(', ')} and ${ciNodes.at(-1)}.`,
		COMPAT.end,
	].join('\n');
}

function currentBlock(readme, markers) {
	const start = readme.indexOf(markers.start);
	const end = readme.indexOf(markers.end);
	if (start === -1 || end === -1 || end < start) return undefined;
	return {
		start,
		end: end + markers.end.length,
		text: readme.slice(start, end + markers.end.length),
	};
}

const versions = readVersions();
const command = process.argv[2];
if (command === 'github-output') {
	const node = JSON.stringify(versions.CI_NODE_VERSIONS.split(/\s+/));
	const cacheKey = `n8n-${versions.N8N2_VERSION}-${versions.N8N1_VERSION}-node-${versions.NODE24_VERSION}`;
	process.stdout.write(
		`node=${node}\ne2e-node=${versions.N8N1_NODE_VERSION}\ncache-key=${cacheKey}\n`,
	);
} else if (command === 'check' || command === 'write') {
	let readme = readFileSync(README, 'utf8');
	const stale = [];
	for (const [name, markers, wanted] of [
		['Compatibility', COMPAT, render(versions)],
		['Version history', HISTORY, renderHistory()],
		['Install pin', PIN, renderPin()],
	]) {
		const block = currentBlock(readme, markers);
		if (!block) {
			console.error(`README.md has no ${name} block (${markers.start} … ${markers.end})`);
			process.exit(1);
		}
		if (block.text !== wanted) {
			stale.push(name);
			readme = readme.slice(0, block.start) + wanted + readme.slice(block.end);
		}
	}
	if (command === 'write') {
		writeFileSync(README, readme);
		console.log(
			`README.md: ${stale.length ? `${stale.join(' and ')} written` : 'already up to date'}`,
		);
	} else if (stale.length) {
		console.error(
			`README.md: ${stale.join(' and ')} ${stale.length > 1 ? 'differ' : 'differs'} from versions.env / CHANGELOG.md; run: node scripts/compat.mjs write`,
		);
		process.exit(1);
	} else {
		const problems = brokenLinks();
		const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
		if (lines > README_MAX_LINES)
			problems.push(
				`README.md has ${lines} lines; at most ${README_MAX_LINES} (depth goes to docs/)`,
			);
		if (problems.length) {
			for (const problem of problems) console.error(problem);
			process.exit(1);
		}
		console.log(
			`README.md: Compatibility matches versions.env, Version history matches CHANGELOG.md, install pin matches package.json; ${lines} lines; every link resolves`,
		);
	}
} else {
	console.error('usage: node scripts/compat.mjs <check|write|github-output>');
	process.exit(2);
}
