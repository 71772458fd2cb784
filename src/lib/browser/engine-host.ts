import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '@vladmandic/human';
import { Human } from '@vladmandic/human/nobundle';
import { CoreError } from '../core/errors';
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
import { chooseBackendFrom, type BackendName, type BackendStart, type BackendSupport } from './backend';
import { EngineRegistry } from './engine-registry';
import { ASSET_PATHS } from './asset-paths';
import { useEveryCore } from './wasm-threads';
import { ENGINE_STAGE_MARKS } from './engine-ready-mark';
import { dropEarlyFetches, fetchModelEarly } from './early-fetch';
import { humanModelUrls, skipGpuProbes } from './human-env';

/**
 * Browser binding of the face engine, run in the engine's worker (engine-worker.ts): Human's no-bundle build on
 * the worker's own tfjs (one instance for Human and the embedder), models and .wasm files served by the app itself
 * (never a CDN). Nothing here touches the DOM or Web Storage.
 */

export interface HostedEngine {
	engine: FaceEngine;
	backend: BackendName;
	support: BackendSupport[];
	/** Backends tried before this one, with the reason each failed. */
	failures: { backend: BackendName; error: string }[];
}

const STEP_MARKS = {
	models: ENGINE_STAGE_MARKS.modelsLoaded,
	embedder: ENGINE_STAGE_MARKS.embedderLoaded,
	detected: ENGINE_STAGE_MARKS.warmDetected,
	warm: ENGINE_STAGE_MARKS.warm,
	mesh: ENGINE_STAGE_MARKS.meshWarm
} as const;

/**
 * The GPU backends' modules load only when tried: Human's imports of them are dropped at build time
 * (scripts/human-lazy-backends.js), and importing one registers it with tfjs.
 */
const REGISTER: Record<BackendName, () => Promise<unknown>> = {
	webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
	webgl: () => import('@tensorflow/tfjs-backend-webgl'),
	wasm: () => Promise.resolve(), // imported by Human
	cpu: () => Promise.resolve() // imported by Human
};

/** Whether an engine of this worker has loaded (or tried to load) Human's models. */
let loadTried = false;

/**
 * A face engine for `embedder` on `backend`, models and weights from the app's own files; `prefetchModels` for the
 * worker's first engine.
 */
async function createEngineOn(
	backend: BackendName,
	embedder: EmbedderId,
	prefetchModels: boolean
): Promise<FaceEngine> {
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
	// Human's models download while the backend starts too (Human fetches them only after). A later engine in this
	// worker finds them in Human's cache.
	if (prefetchModels) for (const url of humanModelUrls(human)) fetchModelEarly(url);
	await REGISTER[backend]();
	skipGpuProbes(human);
	// init() also makes a second Human attach to the backend already running.
	await human.init();
	// Human's first load() in a worker would check the backend all over again (while its env says "initial"). Only
	// the first: after a failed load the engine sets "initial" again, so that the next load() starts over.
	if (!loadTried) human.env.initial = false;
	loadTried = true;
	performance.mark(ENGINE_STAGE_MARKS.backendReady);
	if (tf.getBackend() !== backend) throw new Error(`tfjs is on ${tf.getBackend()}, not ${backend}`);
	// The embedder uses this module's tfjs import: it must be the very instance Human runs on.
	if ((human.tf as typeof tf).engine() !== tf.engine())
		throw new Error('Human and the app load two tfjs copies');
	const engine = createHumanEngine({
		human,
		tf,
		embedder,
		loadWeights,
		onLoadStep: (step) => performance.mark(STEP_MARKS[step])
	});
	try {
		await engine.load();
	} finally {
		dropEarlyFetches();
	}
	return engine;
}

/**
 * The worker's engines, one per embedder id. The first one chooses the backend from what the page passed in; the
 * others attach to it (Human and tfjs keep one backend per worker) and share Human's model cache.
 */
export function engineHost(): {
	/** Starts (once) the engine for `embedder`; `start` is the page's backend choice. */
	start(embedder: EmbedderId, start: BackendStart): Promise<HostedEngine>;
	/** The engine for `embedder` if the page started it here; never starts one (a new worker has none). */
	running(embedder: EmbedderId): Promise<HostedEngine>;
	/** Disposes the engine for `embedder` if it runs here, and forgets it. */
	dispose(embedder: EmbedderId): Promise<void>;
} {
	let pageStart: BackendStart = { preference: 'auto', remembered: null };
	const engines: EngineRegistry<EmbedderId, HostedEngine> = new EngineRegistry(async (embedder) => {
		if (embedder !== DEFAULT_EMBEDDER) {
			const first = await engines.get(DEFAULT_EMBEDDER);
			return { ...first, engine: await createEngineOn(first.backend, embedder, false), failures: [] };
		}
		useEveryCore();
		const choice = await chooseBackendFrom(
			pageStart,
			(backend) => createEngineOn(backend, embedder, true),
			'run the face models'
		);
		return {
			engine: choice.value,
			backend: choice.backend,
			support: choice.support,
			failures: choice.failures
		};
	});
	const started = (embedder: EmbedderId) => engines.ids().includes(embedder);
	return {
		start(embedder, start) {
			pageStart = start;
			return engines.get(embedder);
		},
		running(embedder) {
			if (!started(embedder))
				return Promise.reject(new CoreError('ENGINE_UNAVAILABLE', `no ${embedder} engine was started here`));
			return engines.get(embedder);
		},
		async dispose(embedder) {
			if (!started(embedder)) return;
			const hosted = engines.get(embedder);
			engines.delete(embedder);
			await (await hosted).engine.dispose();
		}
	};
}
