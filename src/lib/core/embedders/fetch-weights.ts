import type * as tfTypes from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';
import type { RawWeights } from './types';

type Fetch = (
	url: string
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;

/**
 * Reads a tfjs weights manifest and its shards over HTTP (the browser's counterpart of the server's
 * file reader): shard paths are relative to the manifest's URL.
 */
export async function fetchWeightsManifest(manifestUrl: string, fetchFn: Fetch): Promise<RawWeights> {
	const get = async (url: string) => {
		const response = await fetchFn(url);
		if (!response.ok) throw new CoreError('MODEL_MISSING', `cannot fetch ${url} (HTTP ${response.status})`);
		return response;
	};
	const manifest = (await (await get(manifestUrl)).json()) as tfTypes.io.WeightsManifestConfig;
	const base = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
	const shards = await Promise.all(
		manifest.flatMap((group) => group.paths.map(async (file) => (await get(base + file)).arrayBuffer()))
	);
	const data = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
	let offset = 0;
	for (const shard of shards) {
		data.set(new Uint8Array(shard), offset);
		offset += shard.byteLength;
	}
	return { specs: manifest.flatMap((group) => group.weights), data: data.buffer };
}
