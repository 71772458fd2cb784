import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Human as HumanType } from '@vladmandic/human';
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { FaceEngine } from '../core/face-engine';
import {
	DEFAULT_EMBEDDER,
	EMBEDDER_IDS,
	embedderMeta,
	isEmbedderId,
	type EmbedderId,
	type RawWeights,
	type WeightsName
} from '../core/embedders';
import { CoreError } from '../core/errors';
import { humanConfig } from '../core/human-config';
import { createHumanEngine, type HumanEngineOptions } from '../core/human-engine';
import { startMirrorWorker } from './mirror-worker';
import { tf, WASM_DIR, wasmBackend, withoutNewProcessListeners } from './tf-wasm';
import { readWeightsFile, registerFileLoadRouter } from './weights';

/**
 * Node binding of the face engine: Human's node-wasm build on the tfjs WASM backend, models read from
 * node_modules. Everything is loaded through `require` so Human, the backend and our code share one
 * tfjs-core instance (an ESM import could resolve a second copy that has no backend registered).
 */

const require = createRequire(import.meta.url);
// The packages' `exports` maps hide their folders: resolve the entry point, then step up.
const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
const faceApiDir = path.resolve(path.dirname(require.resolve('@vladmandic/face-api')), '..');

const WEIGHT_FILES: Record<WeightsName, string> = {
	'face-recognition': path.join(faceApiDir, 'model', 'face_recognition_model-weights_manifest.json')
};

type HumanConstructor = new (config?: Partial<HumanType['config']>) => HumanType;

export interface ServerEngineOptions {
	/** Embedder id; defaults to the project default. */
	embedder?: string;
	/** Runs the mirror chip of dlib-resnet128's flip averaging on a second thread (FLIP_WORKER; default on). */
	flipWorker?: boolean;
	minConfidence?: number;
	maxFaces?: number;
	/** Folder with Human's model files; defaults to the copy inside node_modules. */
	modelDir?: string;
	/** Told as each step of the engine's load ends (tests). */
	onLoadStep?: HumanEngineOptions['onLoadStep'];
}

/** The embedder id a request names (the project default when none), checked. */
export function resolveEmbedder(requested: string | undefined): EmbedderId {
	const id = requested ?? DEFAULT_EMBEDDER;
	// EMBEDDER is checked with the configuration; this catches a command's --embedder.
	if (!isEmbedderId(id))
		throw new CoreError('CONFIG_INVALID', `Unknown embedder "${id}" (one of ${EMBEDDER_IDS.join(', ')}).`);
	return id;
}

let humanClass: HumanConstructor | null = null;

function loadHumanClass(): HumanConstructor {
	registerFileLoadRouter(tf);
	wasmBackend.setWasmPaths(WASM_DIR);
	humanClass ??= (require(path.join(humanDir, 'dist', 'human.node-wasm.js')) as { Human: HumanConstructor })
		.Human;
	return humanClass;
}

export interface ServerEngine extends FaceEngine {
	/** Whether the flip's mirror chip runs on the second thread (false: the single-thread batch of two). */
	readonly mirrorThread: boolean;
}

/** A new, loaded and warmed-up engine (tests and CLIs that want a specific embedder use this). */
export async function createServerEngine(options: ServerEngineOptions = {}): Promise<ServerEngine> {
	const embedder = resolveEmbedder(options.embedder);
	const Human = loadHumanClass();
	const human = new Human(
		humanConfig({
			backend: 'wasm',
			modelBasePath: pathToFileURL(options.modelDir ?? path.join(humanDir, 'models')).href + '/',
			wasmPath: WASM_DIR,
			loadFaceres: embedderMeta(embedder).needsFaceres,
			minConfidence: options.minConfidence,
			maxFaces: options.maxFaces
		}) as Partial<HumanType['config']>
	);
	await withoutNewProcessListeners(() => human.init());
	if (tf.getBackend() !== 'wasm')
		throw new CoreError('ENGINE_UNAVAILABLE', `tfjs backend is ${tf.getBackend()}, not wasm`);
	// Each weights file is read from disk once, even when the mirror thread needs a copy of it too.
	const read = new Map<WeightsName, Promise<RawWeights>>();
	const weightsOf = (name: WeightsName): Promise<RawWeights> => {
		if (!read.has(name)) read.set(name, readWeightsFile(WEIGHT_FILES[name]));
		return read.get(name)!;
	};
	const mirror =
		embedder === 'dlib-resnet128' && (options.flipWorker ?? true)
			? await startMirrorWorker(await weightsOf('face-recognition'), WASM_DIR)
			: null;
	const engine = createHumanEngine({
		human,
		tf,
		embedder,
		loadWeights: (name) => weightsOf(name),
		describeMirror: mirror?.describe,
		onLoadStep: options.onLoadStep
	});
	try {
		await engine.load();
	} catch (error) {
		await mirror?.terminate();
		throw error;
	} finally {
		read.clear(); // the networks hold their own tensors now: do not keep 22 MB of raw weights alive
	}
	if (!mirror) return { ...engine, mirrorThread: false };
	return {
		...engine,
		mirrorThread: true,
		async dispose() {
			await engine.dispose();
			await mirror.terminate();
		}
	};
}

const engines = new Map<EmbedderId, Promise<ServerEngine>>();

/**
 * The engine registry: one loaded engine per embedder id in this process (the project default when none is
 * named), shared by every services object (the verifier, people, face login) and the commands: models load
 * once per process. The first caller's `flipWorker` decides how that embedder's engine is built.
 */
export async function engineFor(
	embedder?: string,
	options: Pick<ServerEngineOptions, 'flipWorker'> = {}
): Promise<ServerEngine> {
	const id = resolveEmbedder(embedder);
	let engine = engines.get(id);
	if (!engine) {
		engine = createServerEngine({ ...options, embedder: id }).catch((error: unknown) => {
			engines.delete(id); // a failed load is retried by the next caller
			throw error;
		});
		engines.set(id, engine);
	}
	return engine;
}

/** The tfjs instance the server engine runs on (for tensor-count checks in tests). */
export function serverTf(): typeof tfTypes {
	return tf;
}
