import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { withCompressedWeights } from './scripts/compress-weights.js';
import { humanLazyBackends } from './scripts/human-lazy-backends.js';
import { tfjsWasmThreads } from './scripts/tfjs-wasm-threads.js';

export default defineConfig({
	// SvelteKit 3 takes its configuration here; svelte.config.js is no longer read.
	plugins: [
		// The WASM backend's threads from files of the app's own (see the plugin): in the build, and below in the
		// dev server's pre-bundled dependencies.
		tfjsWasmThreads(),
		sveltekit({
			// The face models' weights are served compressed too (scripts/compress-weights.js).
			adapter: withCompressedWeights(adapter({ out: 'build' })),
			serviceWorker: { register: true },
			// SvelteKit's own form-origin check also refuses requests without an Origin header (curl, cameras, other
			// services); src/hooks.server.ts checks Origin instead, against ALLOWED_ORIGINS read at run time.
			csrf: { trustedOrigins: ['*'] },
			// Only what the app uses: its own scripts (SvelteKit adds a nonce for its boot script), WebAssembly for
			// the tfjs backend, its service worker, camera frames and canvases as blob:/data: images. Frames: none.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self', 'wasm-unsafe-eval'],
					'worker-src': ['self'],
					'connect-src': ['self'],
					'img-src': ['self', 'data:', 'blob:'],
					'media-src': ['self', 'blob:', 'mediastream:'],
					'style-src': ['self', 'unsafe-inline'],
					'font-src': ['self'],
					'object-src': ['none'],
					'base-uri': ['self'],
					'form-action': ['self'],
					'frame-ancestors': ['none'],
					'manifest-src': ['self']
				}
			}
		})
	],
	optimizeDeps: { rolldownOptions: { plugins: [tfjsWasmThreads()] } },
	// The face engine's worker (src/lib/browser/engine-worker.ts) is a module that loads tfjs' GPU backends on demand
	// (Human's imports of them dropped, see the plugin), and runs the WASM backend on threads like the page did.
	worker: { format: 'es', plugins: () => [tfjsWasmThreads(), humanLazyBackends()] },
	resolve: {
		alias: {
			// Human's no-bundle build shares the engine worker's tfjs with the embedder; its package `exports` map
			// hides the file.
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
