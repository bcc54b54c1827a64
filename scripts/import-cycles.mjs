#!/usr/bin/env node
/**
 * Part of `npm run lint`: fails when the shipped code (nodes/, credentials/) has an import cycle.
 * Only imports that exist at run time count (`import type` / `export type` are erased by tsc).
 *   node scripts/import-cycles.mjs [folder ...]    (default: nodes credentials)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders = process.argv.length > 2 ? process.argv.slice(2) : ['nodes', 'credentials'];

const sources = (dir) =>
	readdirSync(dir, { recursive: true })
		.filter((name) => /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name))
		.map((name) => join(dir, name));

function resolveImport(from, specifier) {
	const base = resolve(dirname(from), specifier);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	}
	return undefined;
}

/** The files a file needs at run time: relative imports and re-exports that are not type-only. */
function runtimeImports(file) {
	const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
	const found = [];
	const statement = /^\s*(import|export)\s+(type\s+)?([\s\S]*?)\bfrom\s+['"](\.[^'"]+)['"]/gm;
	for (const [, , typeOnly, clause, specifier] of text.matchAll(statement)) {
		if (typeOnly) continue;
		const names = /\{([\s\S]*)\}/.exec(clause);
		const onlyTypes =
			names &&
			!/^\s*[\w$]+\s*,/.test(clause) &&
			names[1]
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean)
				.every((name) => name.startsWith('type '));
		if (onlyTypes) continue;
		const target = resolveImport(file, specifier);
		if (target) found.push(target);
	}
	for (const [, specifier] of text.matchAll(/^\s*import\s+['"](\.[^'"]+)['"]/gm)) {
		const target = resolveImport(file, specifier);
		if (target) found.push(target);
	}
	return found;
}

const files = folders.flatMap((folder) => sources(join(ROOT, folder)));
const graph = new Map(files.map((file) => [file, runtimeImports(file)]));
const cycles = [];
const state = new Map(); // 1: on the current path, 2: done
const path = [];
function visit(file) {
	state.set(file, 1);
	path.push(file);
	for (const next of graph.get(file) ?? []) {
		if (state.get(next) === 1) cycles.push([...path.slice(path.indexOf(next)), next]);
		else if (!state.has(next)) visit(next);
	}
	path.pop();
	state.set(file, 2);
}
for (const file of files) if (!state.has(file)) visit(file);

if (cycles.length) {
	for (const cycle of cycles)
		console.error(`import cycle: ${cycle.map((file) => relative(ROOT, file)).join(' → ')}`);
	process.exit(1);
}
console.log(`import cycles: none in ${folders.join(', ')} (${files.length} files)`);
