import type { Config } from '@vladmandic/human';

export interface HumanConfigOptions {
	/** Base URL of Human's model folder (file:// on the server, a served path in the browser). */
	modelBasePath: string;
	/** Folder (URL) holding the tfjs .wasm binaries; required because Human's default points at a CDN. */
	wasmPath: string;
	backend: Config['backend'];
	/** Load faceres (Human's 1024-D descriptor) because the chosen embedder needs it. */
	loadFaceres: boolean;
	/** Lowest detector and mesh confidence kept. */
	minConfidence?: number;
	maxFaces?: number;
}

/** Detection-confidence floor: a lower one let a false face through on a portrait in early tests. */
export const DEFAULT_MIN_CONFIDENCE = 0.4;
export const DEFAULT_MAX_FACES = 20;

/**
 * One Human configuration for browser and server so both detect alike: BlazeFace + FaceMesh (the mesh
 * costs about 6 ms and gives real eye and mouth corners plus yaw); no caching between calls, since the
 * engine sees unrelated still images; everything else off. Faceres is loaded only when an embedder
 * needs it and is never run inside detect(): the embedder runs it on its own aligned crop.
 */
export function humanConfig(options: HumanConfigOptions): Partial<Config> {
	const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
	return {
		backend: options.backend,
		modelBasePath: options.modelBasePath,
		wasmPath: options.wasmPath,
		debug: false,
		async: false,
		warmup: 'none',
		cacheSensitivity: 0,
		// Human would also copy every model into IndexedDB: the service worker already keeps them offline, and
		// two engines starting at once raced on that copy ("Cannot find model with path 'blazeface' in IndexedDB").
		cacheModels: false,
		skipAllowed: false,
		filter: { enabled: false },
		gesture: { enabled: false },
		body: { enabled: false },
		hand: { enabled: false },
		object: { enabled: false },
		segmentation: { enabled: false },
		face: {
			enabled: true,
			detector: {
				rotation: false,
				maxDetected: options.maxFaces ?? DEFAULT_MAX_FACES,
				skipFrames: 0,
				skipTime: 0,
				minConfidence,
				return: false
			},
			mesh: { enabled: true, keepInvalid: false },
			iris: { enabled: false },
			attention: { enabled: false },
			emotion: { enabled: false },
			antispoof: { enabled: false },
			liveness: { enabled: false },
			gear: { enabled: false },
			description: { enabled: options.loadFaceres, skipFrames: 0, skipTime: 0 }
		}
	} as Partial<Config>;
}
