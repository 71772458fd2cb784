import type { WeightsName } from '../core/embedders';

/** Where scripts/copy-assets.js puts the files (under static/). */
export const ASSET_PATHS = {
	humanModels: '/models/human/',
	wasm: '/wasm/',
	// The copy scripts/copy-assets.js derives from the npm file, its float32 tensors as float16 (the server rounds
	// the npm file the same way in memory).
	weights: {
		'face-recognition': '/models/face-api/face_recognition_model-f16-weights_manifest.json'
	} as Record<WeightsName, string>
};
