import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs-core';

/**
 * The one tfjs-core instance of the process and its WASM backend's files. Loaded through `require` so
 * Human, the backend, the classifier code and the commands share it (an ESM import could resolve a
 * second copy that has no backend registered).
 */

const require = createRequire(import.meta.url);
export const tf = require('@tensorflow/tfjs-core') as typeof tfTypes;
export const wasmBackend = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };
// The package's `exports` map hides its folders: resolve package.json, then step into dist/.
export const WASM_DIR =
	path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;

/**
 * tfjs-backend-wasm installs process-wide uncaughtException/unhandledRejection listeners that rethrow,
 * so any stray rejection would kill the server. Remove exactly the ones added while `init` ran.
 */
export async function withoutNewProcessListeners<T>(init: () => Promise<T>): Promise<T> {
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
