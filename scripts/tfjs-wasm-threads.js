// The tfjs WASM backend on threads, in a minified bundle and under the app's CSP (issue 12).
//
// tfjs-backend-wasm starts its pthreads from two blob: scripts: the worker (a string it ships) and the main
// module, rebuilt with `wasmFactoryThreadedSimd.toString()`. Neither works here:
// - the CSP allows workers and scripts from 'self' only, and a blob: URL is not 'self';
// - minified, the factory's text refers to a variable of the function around it (`_scriptDir`, whose
//   `typeof` guard the minifier drops), so in a worker it throws and the thread pool waits forever.
// So the two scripts are served as files, unminified, from the folder of the .wasm binaries
// (scripts/copy-assets.js writes them), and this plugin points tfjs at them.
// And tfjs caps its thread pool at half of navigator.hardwareConcurrency (it assumes two hyperthreads per core;
// setThreadsCount cannot go above that), which is one thread on a 2-core machine: the page's copy of the
// module reports twice the logical cores, so the cap is one thread per logical core; its pool of workers is sized
// to the pthreads that needs (8 otherwise).
// The build fails if tfjs changes shape, rather than quietly falling back.

/** The two scripts, as named in static/wasm/. */
export const THREAD_SCRIPTS = {
	main: 'tfjs-backend-wasm-threaded-simd.js',
	worker: 'tfjs-backend-wasm-threaded-simd.worker.js'
};

const BACKEND = /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/;
const FACTORY =
	/[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const FOLDER = '(wasmPathPrefix != null ? wasmPathPrefix : prefix)';

/** @type {[RegExp, string][]} */
const FACTORY_EDITS = [
	[
		// Emscripten starts a pool of 8 workers whatever the page uses, and waits until each has loaded the module.
		// The app runs one thread per logical core (useEveryCore, src/lib/browser/wasm-threads.ts), and tfjs' thread
		// pool (pthreadpool) counts the calling thread as its first: it creates one pthread fewer than its threads.
		// So a 2-core device needs 1 worker: a second one was never used and cost about 140 ms of CPU at every warm
		// start, most of it in the kernel (issue 12; scripts/experiments/trace-warm-start.ts --thread-cpu). Never
		// fewer: a pthread created without a free worker would wait for the main thread, which waits for it.
		/var pthreadPoolSize=8;/,
		'var pthreadPoolSize=Math.max(1,(navigator["hardwareConcurrency"]||8)-1);'
	],
	[
		/function _emscripten_num_logical_cores\(\)\{if\(ENVIRONMENT_IS_NODE\)return require\("os"\)\.cpus\(\)\.length;return navigator\["hardwareConcurrency"\]\}/,
		'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return 2*navigator["hardwareConcurrency"]}'
	]
];

/** @type {[RegExp, string][]} */
const BACKEND_EDITS = [
	[
		// locateFile('…worker.js'): a blob of the shipped worker string
		/const response = wasmWorkerContents\.replace\([^;]*;\s*const blob = new Blob\(\[response\][^;]*;\s*return URL\.createObjectURL\(blob\);/,
		`return ${FOLDER} + ${JSON.stringify(THREAD_SCRIPTS.worker)};`
	],
	[
		// the main module for the workers: the factory's own (here minified) text in a blob
		/factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\);/,
		`factoryConfig.mainScriptUrlOrBlob = (wasmPathPrefix != null ? wasmPathPrefix : '') + ${JSON.stringify(THREAD_SCRIPTS.main)};`
	]
];

/**
 * @param {string} code
 * @param {[RegExp, string][]} edits
 */
function rewrite(code, edits) {
	let out = code;
	for (const [pattern, replacement] of edits) {
		if (!pattern.test(out)) {
			throw new Error(
				`tfjs-wasm-threads: @tensorflow/tfjs-backend-wasm changed (no match for ${pattern.source.slice(0, 60)}…); ` +
					'update scripts/tfjs-wasm-threads.js'
			);
		}
		out = out.replace(pattern, replacement);
	}
	return out;
}

/**
 * A Rollup/Rolldown plugin (Vite's build and its dependency optimizer both take it).
 * @returns {{ name: string, transform(code: string, id: string): { code: string, map: null } | undefined }}
 */
export function tfjsWasmThreads() {
	return {
		name: 'me-verifier:tfjs-wasm-threads',
		transform(code, id) {
			const file = id.split('?')[0];
			if (BACKEND.test(file)) return { code: rewrite(code, BACKEND_EDITS), map: null };
			if (FACTORY.test(file)) return { code: rewrite(code, FACTORY_EDITS), map: null };
		}
	};
}
