import tsParser from '@typescript-eslint/parser';
import jsoncParser from 'jsonc-eslint-parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import communityNodes from '@n8n/eslint-plugin-community-nodes';

// Two rule sets on the shipped code: eslint-plugin-n8n-nodes-base (the community package, credential
// and node conventions) and @n8n/eslint-plugin-community-nodes (the rules n8n's scanner applies for
// verification and n8n Cloud: restricted imports and globals, no runtime dependencies, ...).
// Tests, the sandbox, scripts and benchmarks are not shipped and are type-checked by `tsc` instead.
export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'test/**',
			'bench/**',
			'scripts/**',
			'tools/**',
			'docs/**',
			'examples/**',
			'.n8n-dev/**',
			'**/*.js',
			'**/*.mjs',
		],
	},
	{
		...communityNodes.configs.recommended,
		files: ['credentials/**/*.ts', 'nodes/**/*.ts', 'package.json'],
	},
	{ files: ['credentials/**/*.ts', 'nodes/**/*.ts'], rules: { 'no-console': 'error' } },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { project: './tsconfig.json' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Applies to n8n's own repository only (its docs slugs); a community credential links a URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Superseded by @n8n/community-nodes/credential-password-field (n8n's scanner turns it off too).
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { project: './tsconfig.json' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two predate NodeConnectionTypes and ask for the string 'main'; n8n now requires the
			// constant (@n8n/community-nodes/node-connection-type-literal).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// The API has real maximums (e.g. page size), so maxValue is legitimate (as in n8n's scanner).
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
