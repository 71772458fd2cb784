import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import layers from './scripts/eslint/layers.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// The store is async (PostgreSQL): a check that is not awaited lets every request through.
			'no-restricted-syntax': [
				'error',
				{
					selector:
						'ExpressionStatement > CallExpression[callee.name=/^(authorize|optionalCaller|assertEnrolCredential|requireToken)$/]',
					message: 'Await this check: it is async, and a floating promise lets the request through.'
				},
				{
					selector: "ExpressionStatement > CallExpression[callee.property.name='reserve']",
					message: 'Await the rate limit: it is async, and a floating promise counts nothing.'
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser
			}
		}
	},
	{
		// Layers on resolved paths: core imports no runtime, browser no server, server no browser (README).
		files: ['src/**/*.ts', 'src/**/*.js', 'src/**/*.svelte'],
		plugins: { layers },
		rules: { 'layers/layers': 'error' }
	},
	{
		// The isomorphic core must not reach into a runtime: no DOM-only or node-only modules.
		files: ['src/lib/core/**/*.ts'],
		// Tests pick a backend to run on; the modules under test never do.
		ignores: ['src/lib/core/**/*.test.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['node:*', 'fs', 'path', 'sharp', 'better-sqlite3', 'idb'],
							message: 'core is isomorphic'
						},
						// Project folders are kept apart by layers/layers, on resolved paths.
						{ group: ['$app/*', '$env/*'], message: 'core is isomorphic' },
						{
							group: ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node*'],
							message: 'core gets the backend injected'
						}
					]
				}
			]
		}
	},
	{
		// CommonJS on purpose: face-api's Node build is CommonJS and loads its own tfjs.
		files: ['**/*.cjs'],
		rules: { '@typescript-eslint/no-require-imports': 'off' }
	},
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'reports/',
			'static/',
			'scratch/',
			'.gpu/',
			'.gl/',
			'.gpurun/',
			'test-results/'
		]
	}
);
