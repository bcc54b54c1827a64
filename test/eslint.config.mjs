import tsParser from '@typescript-eslint/parser';

// Tests, the sandbox, benchmarks, scripts and tools are never shipped: n8n's community-node rules
// (no Node built-ins, no process, no timers) are for node code, and this folder needs all three.
// They keep a few correctness rules of their own; `tsc` type-checks them. The root
// eslint.config.mjs (n8n's default, unchanged) covers nodes/, credentials/ and package.json.
// ESLint finds this file for the files below it with the flag unstable_config_lookup_from_file
// (ESLint 10's default), which scripts/n8n-node-lint.sh (`npm run lint`) sets.
export default [
	{
		files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
		languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
		linterOptions: { reportUnusedDisableDirectives: 'error' },
		rules: {
			'no-debugger': 'error',
			'no-dupe-keys': 'error',
			'no-duplicate-case': 'error',
			'no-self-assign': 'error',
			'no-self-compare': 'error',
			'no-unreachable': 'error',
			'no-unsafe-negation': 'error',
			'no-cond-assign': 'error',
			'no-constant-binary-expression': 'error',
			'no-dupe-else-if': 'error',
			'no-empty-pattern': 'error',
			'no-sparse-arrays': 'error',
			'no-unused-labels': 'error',
			'no-useless-catch': 'error',
			'use-isnan': 'error',
			'valid-typeof': 'error',
			eqeqeq: ['error', 'smart'],
			'no-var': 'error',
		},
	},
];
