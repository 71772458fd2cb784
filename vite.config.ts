import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	// SvelteKit 3 takes its configuration here; svelte.config.js is no longer read.
	plugins: [
		sveltekit({
			adapter: adapter({ out: 'build' }),
			serviceWorker: { register: true },
			// The HTTP API is called by curl, cameras and other services without an Origin header, and no route
			// authenticates by cookie (face login uses a bearer JWT), so SvelteKit's form-origin check only gets in the way.
			csrf: { trustedOrigins: ['*'] }
		})
	],
	resolve: {
		alias: {
			// Human's no-bundle build shares the app's tfjs; its package `exports` map hides the file.
			'@vladmandic/human/nobundle': fileURLToPath(
				new URL('./node_modules/@vladmandic/human/dist/human.esm-nobundle.js', import.meta.url)
			)
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
		exclude: ['tests/e2e/**'],
		environment: 'node',
		// Face models on WASM are slow to load on 2 cores; files share one engine per worker.
		testTimeout: 120_000,
		hookTimeout: 180_000,
		pool: 'forks',
		fileParallelism: false
	}
});
