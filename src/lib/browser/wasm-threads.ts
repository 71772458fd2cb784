import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './backend';

/** The WASM backend's threads, for the engine's worker and for training on the page. */

/**
 * One thread per core (tfjs' default is half of them, for hyperthreaded desktops); before the WASM backend starts.
 * Without cross-origin isolation there are no threads at all and tfjs runs the single-threaded binary.
 */
export function useEveryCore(): void {
	setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));
}

/** The WASM backend's thread count, null on the other backends. */
export function threadsOf(backend: BackendName): number | null {
	return backend === 'wasm' ? getThreadsCount() : null;
}
