import type * as tfTypes from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';
import type { RawWeights } from './types';

/**
 * Reads one file the runtime can reach: a URL in the browser (fetch), a path on the server (fs). It
 * throws MODEL_MISSING when the file is not there. The one weights reader below is the same everywhere.
 */
export type ReadBytes = (ref: string) => Promise<ArrayBuffer | Uint8Array>;

type Fetch = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

/** ReadBytes over HTTP (the browser; the service worker answers offline). */
export function fetchReader(fetchFn: Fetch): ReadBytes {
	return async (url) => {
		const response = await fetchFn(url);
		if (!response.ok) throw new CoreError('MODEL_MISSING', `cannot fetch ${url} (HTTP ${response.status})`);
		return response.arrayBuffer();
	};
}

/** `file` beside `ref` (shards sit next to their manifest): works for URLs and POSIX paths alike. */
function sibling(ref: string, file: string): string {
	return ref.slice(0, ref.lastIndexOf('/') + 1) + file;
}

async function readJson<T>(ref: string, read: ReadBytes): Promise<T> {
	return JSON.parse(new TextDecoder().decode(await read(ref))) as T;
}

/** Every shard a weights manifest names, in order, joined into one ArrayBuffer as tfjs expects. */
export async function readShards(
	manifest: tfTypes.io.WeightsManifestConfig,
	manifestRef: string,
	read: ReadBytes
): Promise<RawWeights> {
	const shards = await Promise.all(
		manifest.flatMap((group) =>
			group.paths.map(async (file) => new Uint8Array(await read(sibling(manifestRef, file))))
		)
	);
	const data = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
	let offset = 0;
	for (const shard of shards) {
		data.set(shard, offset);
		offset += shard.byteLength;
	}
	return { specs: manifest.flatMap((group) => group.weights), data: data.buffer };
}

/** A tfjs weights manifest (`*-weights_manifest.json`) and its shards. */
export async function readWeightsManifest(manifestRef: string, read: ReadBytes): Promise<RawWeights> {
	return readShards(await readJson<tfTypes.io.WeightsManifestConfig>(manifestRef, read), manifestRef, read);
}

/** A tfjs graph or layers model (`model.json` with its weights manifest) as the artifacts tfjs loads. */
export async function readModelArtifacts(
	modelRef: string,
	read: ReadBytes
): Promise<tfTypes.io.ModelArtifacts> {
	const json = await readJson<tfTypes.io.ModelJSON>(modelRef, read);
	const { specs, data } = await readShards(json.weightsManifest, modelRef, read);
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
