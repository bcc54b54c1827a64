#!/usr/bin/env node
/**
 * Part of `npm run lint`: each .github/workflows/*.yml against GitHub's workflow schema
 * (@action-validator/core, offline), then what this repository relies on: named scripts and files
 * exist, publishing goes through trusted publishing with provenance, ci.yml runs scripts/ci.sh.
 *   node scripts/lint-workflows.mjs [file ...]    (default: all of .github/workflows)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

/** The schema's nested oneOf errors, as "path: detail" lines, most specific first. */
function schemaMessages(errors) {
	const lines = [];
	for (const error of errors) {
		if (error.states?.length) {
			// For a oneOf, the branch with the fewest errors is the one the author meant.
			const closest = [...error.states].sort((a, b) => a.errors.length - b.errors.length)[0];
			lines.push(...schemaMessages(closest.errors));
		} else {
			const where = error.location
				? `line ${error.location.line}, column ${error.location.column}`
				: error.path || '/';
			lines.push(`${where}: ${error.detail ?? error.title}`);
		}
	}
	return [...new Set(lines)];
}

function repositoryMessages(file, text, scripts) {
	const messages = [];
	for (const [, script] of text.matchAll(/\bnpm run ([\w:.-]+)/g)) {
		if (!scripts[script]) messages.push(`"npm run ${script}": package.json has no such script`);
	}
	for (const [, path] of text.matchAll(
		/(?:\bnode |\bbash |uses: \.\/)((?:\.?[\w.-]+\/)+[\w.-]+\.(?:m?js|ts|sh|ya?ml))/g,
	)) {
		if (!existsSync(join(ROOT, path))) messages.push(`${path}: no such file in the repository`);
	}
	if (/secrets\.NPM_TOKEN|NODE_AUTH_TOKEN|NPM_TOKEN/.test(text)) {
		messages.push(
			'an npm token: publishing uses npm trusted publishing (OIDC), no token in the repository or its secrets',
		);
	}
	if (/^publish/.test(basename(file)) || /release:publish|npm publish/.test(text)) {
		if (!/^\s+id-token: write\s*$/m.test(text))
			messages.push('the publish job needs "permissions: id-token: write" for npm provenance');
		if (!/npm run release:publish/.test(text))
			messages.push(
				'publish.yml must publish through "npm run release:publish" (scripts/release.mjs)',
			);
		if (!/npm run release:check/.test(text))
			messages.push('publish.yml must run "npm run release:check" before publishing');
	}
	if (/^ci/.test(basename(file))) {
		// .ci/run runs `scripts/ci.sh all`; the workflow must run the same list, not a copy of it.
		for (const group of ['check', 'e2e']) {
			if (!new RegExp(`run: bash scripts/ci\\.sh ${group}\\s*$`, 'm').test(text))
				messages.push(`ci.yml must run "bash scripts/ci.sh ${group}" (the step list .ci/run runs)`);
		}
		if (/^\s+- run: npm /m.test(text))
			messages.push('ci.yml runs npm steps of its own: add them to scripts/ci.sh instead');
	}
	return messages;
}

const files =
	process.argv.length > 2
		? process.argv.slice(2)
		: readdirSync(WORKFLOWS)
				.filter((name) => /\.ya?ml$/.test(name))
				.map((name) => join(WORKFLOWS, name));
const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
let failed = 0;
for (const file of files) {
	const text = readFileSync(file, 'utf8');
	const messages = [
		...schemaMessages(validateWorkflow(text).errors),
		...repositoryMessages(file, text, scripts),
	];
	const name = relative(ROOT, file);
	if (messages.length) {
		failed++;
		console.error(`${name}:\n${messages.map((message) => `  ${message}`).join('\n')}`);
	}
}
if (files.length === 0) {
	console.error('lint-workflows: no workflow files found');
	process.exit(1);
}
if (failed) process.exit(1);
console.log(
	`GitHub workflows: ${files.length} valid (${files.map((file) => basename(file)).join(', ')})`,
);
