// Bundles the mirror worker thread (src/lib/server/mirror-worker-thread.ts) for the production server:
// SvelteKit's build only bundles what routes import, and a worker thread needs a file of its own.
// tfjs stays external so the worker loads the same packages from node_modules as the server.
import { build } from 'esbuild';

await build({
	entryPoints: ['src/lib/server/mirror-worker-thread.ts'],
	outfile: 'build/mirror-worker.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node22',
	external: ['@tensorflow/*'],
	logLevel: 'warning'
});
console.log('built build/mirror-worker.js');
