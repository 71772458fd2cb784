import { createRequire } from 'node:module';
import { tf, WASM_DIR, wasmBackend, withoutNewProcessListeners } from '../../lib/server/tf-wasm';

const require = createRequire(import.meta.url);

/**
 * Training and scoring need a tfjs backend but no face models. Reuses the backend a face engine already
 * set up in this process; otherwise starts WASM (the one the server uses), or the pure-JS CPU backend
 * when WASM cannot start.
 */
export async function ensureTfBackend(): Promise<string> {
	const current = tf.getBackend();
	if (current) return current;
	try {
		wasmBackend.setWasmPaths(WASM_DIR);
		if (await withoutNewProcessListeners(() => tf.setBackend('wasm'))) return 'wasm';
	} catch {
		// fall through to the CPU backend
	}
	require('@tensorflow/tfjs-backend-cpu');
	if (!(await tf.setBackend('cpu'))) throw new Error('no tfjs backend could be started (tried wasm, cpu)');
	return 'cpu';
}
