import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '@vladmandic/human';
import { Human } from '@vladmandic/human/nobundle';
import type { FaceEngine } from '../core/face-engine';
import {
	DEFAULT_EMBEDDER,
	embedderMeta,
	fetchReader,
	readWeightsManifest,
	type EmbedderId,
	type WeightsName
} from '../core/embedders';
import { humanConfig } from '../core/human-config';
import { createHumanEngine } from '../core/human-engine';
import { chooseBackend, type BackendName, type BackendSupport } from './backend';
import { EngineRegistry } from './engine-registry';
import { keepModelsOffline } from './offline-models';
import { ASSET_PATHS, threadsOf, useEveryCore } from './tf-backend';

/**
 * Browser binding of the face engine: Human's no-bundle build on the app's own tfjs (one instance for
 * Human, the embedder and training), models and .wasm files served by the app itself (never a CDN).
 */

export { ASSET_PATHS };

export interface BrowserEngine {
	engine: FaceEngine;
	backend: BackendName;
	support: BackendSupport[];
	/** Backends tried before this one, with the reason each failed. */
	failures: { backend: BackendName; error: string }[];
	loadMs: number;
	/**
	 * Threads the WASM backend computes on: one per core when the page is cross-origin isolated (the server
	 * and the service worker send COOP/COEP), one when it is not. Null on the other backends.
	 */
	threads: number | null;
}

/**
 * Gives the page a turn (input, paint) before the next step of loading the engine: `scheduler.yield()` where the
 * browser has it (the continuation runs before other queued tasks), else a new task.
 */
function yieldToPage(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A face engine for `embedder` on `backend`, models and weights from the app's own files. */
async function createEngineOn(backend: BackendName, embedder: EmbedderId): Promise<FaceEngine> {
	// The descriptor's weights download while the backend starts and Human loads its models (a warm start's
	// critical path is that sequence).
	const weights = new Map<WeightsName, ReturnType<typeof readWeightsManifest>>();
	const loadWeights = (name: WeightsName) => {
		if (!weights.has(name))
			weights.set(
				name,
				readWeightsManifest(
					new URL(ASSET_PATHS.weights[name], location.href).href,
					fetchReader((url) => fetch(url))
				)
			);
		return weights.get(name)!;
	};
	if (!embedderMeta(embedder).needsFaceres) void loadWeights('face-recognition').catch(() => undefined);
	const human = new Human(
		humanConfig({
			backend: backend as Config['backend'],
			modelBasePath: new URL(ASSET_PATHS.humanModels, location.href).href,
			wasmPath: new URL(ASSET_PATHS.wasm, location.href).href,
			loadFaceres: embedderMeta(embedder).needsFaceres
		})
	);
	// init() also makes a second Human attach to the backend already running.
	await human.init();
	if (tf.getBackend() !== backend) throw new Error(`tfjs is on ${tf.getBackend()}, not ${backend}`);
	// Training and the embedder use the app's tfjs import: it must be the very instance Human runs on.
	if ((human.tf as typeof tf).engine() !== tf.engine())
		throw new Error('Human and the app load two tfjs copies');
	// The core weights reader over HTTP (the service worker answers offline).
	await yieldToPage();
	const engine = createHumanEngine({ human, tf, embedder, loadWeights, betweenSteps: yieldToPage });
	await engine.load();
	return engine;
}

/** Tries the preferred backend, then the automatic order; the first that loads and warms up wins. */
async function createBrowserEngine(): Promise<BrowserEngine> {
	const started = performance.now();
	useEveryCore();
	const {
		value: engine,
		backend,
		support,
		failures
	} = await chooseBackend((backend) => createEngineOn(backend, DEFAULT_EMBEDDER), 'run the face models');
	void keepModelsOffline().catch((error: unknown) => console.warn('[me-verifier] offline cache:', error));
	return {
		engine,
		backend,
		support,
		failures,
		loadMs: performance.now() - started,
		threads: threadsOf(backend)
	};
}

/**
 * The page's engines, one per embedder id. The first one chooses the backend; the others attach to it
 * (Human and tfjs keep one backend per page, and a backend change takes a reload) and share Human's model cache.
 */
const engines = new EngineRegistry<EmbedderId, BrowserEngine>(async (embedder) => {
	if (embedder === DEFAULT_EMBEDDER) return createBrowserEngine();
	const first = await getBrowserEngine();
	const started = performance.now();
	const engine = await createEngineOn(first.backend, embedder);
	return { ...first, engine, failures: [], loadMs: performance.now() - started };
});

/** The engine for `embedder`, loaded once per page (the verifier's embedder: the same engine as getBrowserEngine). */
export function engineFor(embedder: EmbedderId): Promise<BrowserEngine> {
	return engines.get(embedder);
}

/** The verifier's engine, which chooses the page's backend. */
export function getBrowserEngine(): Promise<BrowserEngine> {
	return engines.get(DEFAULT_EMBEDDER);
}

export { tf };
