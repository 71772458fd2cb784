import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs-core';

// `require`, as in server/engine.ts: one tfjs-core instance shared with the classifier code.
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core') as typeof tfTypes;

/**
 * Training and scoring need a tfjs backend but no face models. Reuses the backend a face engine already
 * set up in this process; otherwise starts WASM (the one the server uses), or the pure-JS CPU backend
 * when WASM cannot start.
 */
export async function ensureTfBackend(): Promise<string> {
	const current = tf.getBackend();
	if (current) return current;
	try {
		const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
		wasm.setWasmPaths(
			path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') +
				path.sep
		);
		if (await withoutNewProcessListeners(() => tf.setBackend('wasm'))) return 'wasm';
	} catch {
		// fall through to the CPU backend
	}
	require('@tensorflow/tfjs-backend-cpu');
	if (!(await tf.setBackend('cpu'))) throw new Error('no tfjs backend could be started (tried wasm, cpu)');
	return 'cpu';
}

/** tfjs-backend-wasm adds process-wide handlers that rethrow any stray rejection; drop exactly those. */
async function withoutNewProcessListeners<T>(init: () => Promise<T>): Promise<T> {
	const events = ['uncaughtException', 'unhandledRejection'] as const;
	// The overloads of process.listeners() take one event literal at a time, not a union.
	const listenersOf = (event: (typeof events)[number]) =>
		process.listeners(event as 'uncaughtException') as unknown[];
	const before = new Map(events.map((event) => [event, new Set(listenersOf(event))]));
	try {
		return await init();
	} finally {
		for (const event of events) {
			for (const listener of listenersOf(event)) {
				if (!before.get(event)!.has(listener))
					process.removeListener(event as 'uncaughtException', listener as never);
			}
		}
	}
}
