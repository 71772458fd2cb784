import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as tfTypes from '@tensorflow/tfjs-core';
import type { RawWeights } from '../core/embedders/types';

type Tf = typeof tfTypes;
type WeightsManifest = tfTypes.io.WeightsManifestConfig;

/** Reads every shard a weights manifest names (in order) into one ArrayBuffer, as tfjs expects. */
export function readWeightsManifest(manifestPath: string): RawWeights {
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsManifest;
	return readShards(manifest, path.dirname(manifestPath));
}

function readShards(manifest: WeightsManifest, dir: string): RawWeights {
	const specs = manifest.flatMap((group) => group.weights);
	const buffers = manifest.flatMap((group) => group.paths.map((file) => readFileSync(path.join(dir, file))));
	const joined = Buffer.concat(buffers);
	const data = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
	return { specs, data };
}

const routersRegistered = new WeakSet<object>();

/**
 * tfjs has no file:// loader without tfjs-node; this router reads a graph model's model.json and its
 * shards from disk. Registered once per tfjs instance (the registry is global to that instance).
 */
export function registerFileLoadRouter(tf: Tf): void {
	if (routersRegistered.has(tf)) return;
	routersRegistered.add(tf);
	// tfjs calls routers in turn and skips those returning null, though its IORouter type omits null.
	const router = (url: string | string[]): tfTypes.io.IOHandler | null => {
		if (typeof url !== 'string' || !url.startsWith('file://')) return null;
		const modelPath = fileURLToPath(url);
		return {
			load: async () => {
				const json = JSON.parse(readFileSync(modelPath, 'utf8')) as tfTypes.io.ModelJSON;
				const { specs, data } = readShards(json.weightsManifest, path.dirname(modelPath));
				return {
					modelTopology: json.modelTopology,
					format: json.format,
					generatedBy: json.generatedBy,
					convertedBy: json.convertedBy,
					signature: json.signature,
					userDefinedMetadata: json.userDefinedMetadata,
					modelInitializer: json.modelInitializer,
					weightSpecs: specs,
					weightData: data
				};
			}
		};
	};
	tf.io.registerLoadRouter(router as Parameters<Tf['io']['registerLoadRouter']>[0]);
}
