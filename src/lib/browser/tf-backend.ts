import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { chooseBackend, type BackendChoice, type BackendName } from './backend';
import { ASSET_PATHS } from './asset-paths';
import { keepModelsOffline } from './offline-models';
import { threadsOf, useEveryCore } from './wasm-threads';

/**
 * tfjs on the page, for training only (the face engine runs in its worker, with its own tfjs): the backend the face
 * engine would choose, without Human, its models and their warm-up (issue 12: the training page compiled and warmed
 * up every face model for a logistic regression).
 */

/** The other backends' modules load only when tried (WebGL and WebGPU are about half of tfjs' script). */
const REGISTER: Record<BackendName, () => Promise<unknown>> = {
	webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
	webgl: () => import('@tensorflow/tfjs-backend-webgl'),
	wasm: () => Promise.resolve(), // imported above
	cpu: () => import('@tensorflow/tfjs-backend-cpu')
};

async function startOn(backend: BackendName): Promise<void> {
	await REGISTER[backend]();
	// The app's own .wasm files, never a CDN (the engine's worker sets the same path through Human).
	if (backend === 'wasm') setWasmPaths(new URL(ASSET_PATHS.wasm, location.href).href);
	if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start ${backend}`);
	await tf.ready();
	if (tf.getBackend() !== backend) throw new Error(`tfjs is on ${tf.getBackend()}, not ${backend}`);
}

export type TfBackend = Omit<BackendChoice<void>, 'value'> & { threads: number | null };

let started: Promise<TfBackend> | null = null;

/** Starts the page's tfjs backend once (a start that fails is forgotten, so the next call tries again). */
export function startTfBackend(): Promise<TfBackend> {
	started ??= (async () => {
		useEveryCore();
		const { backend, support, failures } = await chooseBackend(startOn, 'start tfjs');
		// The .wasm file this page fetched, kept for offline use like the engine's files.
		void keepModelsOffline().catch((error: unknown) => console.warn('[me-verifier] offline cache:', error));
		return { backend, support, failures, threads: threadsOf(backend) };
	})().catch((error: unknown) => {
		started = null;
		throw error;
	});
	return started;
}

export { tf };
