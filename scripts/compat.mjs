#!/usr/bin/env node
/**
 * The versions CI tests live in versions.env (also read by scripts/lib.sh). This renders them:
 *   node scripts/compat.mjs check           README's Compatibility block matches (part of npm run lint)
 *   node scripts/compat.mjs write           rewrites that block
 *   node scripts/compat.mjs github-output   matrix values for .github/workflows/ci.yml
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const START = '<!-- compatibility: generated from versions.env by `node scripts/compat.mjs write` -->';
const END = '<!-- /compatibility -->';

function readVersions() {
	const versions = {};
	for (const line of readFileSync(join(ROOT, 'versions.env'), 'utf8').split('\n')) {
		const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (match) versions[match[1]] = match[2].trim();
	}
	for (const key of ['N8N2_VERSION', 'NODE24_VERSION', 'N8N1_VERSION', 'N8N1_NODE_VERSION', 'CI_NODE_VERSIONS']) {
		if (!versions[key]) throw new Error(`versions.env has no ${key}`);
	}
	return versions;
}

function render(v) {
	const ciNodes = v.CI_NODE_VERSIONS.split(/\s+/);
	const n8n2Major = v.N8N2_VERSION.split('.')[0];
	const n8n1Major = v.N8N1_VERSION.split('.')[0];
	const node24Major = v.NODE24_VERSION.split('.')[0];
	return [
		START,
		'| n8n | Node.js | tested by CI |',
		'|---|---|---|',
		`| ${n8n2Major}.x (current) | ${node24Major} | n8n ${v.N8N2_VERSION} on Node.js ${v.NODE24_VERSION}, end to end |`,
		`| ${n8n1Major}.x (previous) | ${v.N8N1_NODE_VERSION} | n8n ${v.N8N1_VERSION} on Node.js ${v.N8N1_NODE_VERSION}, end to end |`,
		'',
		`Build, lint and the test suite run on Node.js ${ciNodes.slice(0, -1).join(', ')} and ${ciNodes.at(-1)}.`,
		END,
	].join('\n');
}

function currentBlock(readme) {
	const start = readme.indexOf(START);
	const end = readme.indexOf(END);
	if (start === -1 || end === -1 || end < start) return undefined;
	return { start, end: end + END.length, text: readme.slice(start, end + END.length) };
}

const versions = readVersions();
const command = process.argv[2];
if (command === 'github-output') {
	const node = JSON.stringify(versions.CI_NODE_VERSIONS.split(/\s+/));
	const cacheKey = `n8n-${versions.N8N2_VERSION}-${versions.N8N1_VERSION}-node-${versions.NODE24_VERSION}-node-cli-${versions.N8N_NODE_CLI_VERSION}`;
	process.stdout.write(`node=${node}\ne2e-node=${versions.N8N1_NODE_VERSION}\ncache-key=${cacheKey}\n`);
} else if (command === 'check' || command === 'write') {
	const readme = readFileSync(README, 'utf8');
	const block = currentBlock(readme);
	const wanted = render(versions);
	if (!block) {
		console.error(`README.md has no Compatibility block (${START} … ${END})`);
		process.exit(1);
	}
	if (command === 'write') {
		writeFileSync(README, readme.slice(0, block.start) + wanted + readme.slice(block.end));
		console.log('README.md: Compatibility block written from versions.env');
	} else if (block.text !== wanted) {
		console.error('README.md: the Compatibility block differs from versions.env; run: node scripts/compat.mjs write');
		process.exit(1);
	} else {
		console.log('README.md: Compatibility matches versions.env');
	}
} else {
	console.error('usage: node scripts/compat.mjs <check|write|github-output>');
	process.exit(2);
}
