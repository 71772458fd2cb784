import type * as tfTypes from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';
import type { DetectedFace, PixelImage } from '../types';

/** The tfjs-core namespace the runtime binding chose (with its backend); core never picks one. */
export type Tf = typeof tfTypes;

/** Weights as a manifest's entries plus the concatenated shard bytes; the runtime reads them. */
export interface RawWeights {
	specs: tfTypes.io.WeightsManifestEntry[];
	data: ArrayBuffer;
}

/** Turns one detected face into a descriptor. Implementations align the face themselves. */
export interface Embedder {
	/** Recorded in model files; a trained model is only valid with the same id and version. */
	readonly id: string;
	/** Changes whenever weights or preprocessing (alignment, colour order, normalisation) change. */
	readonly version: string;
	readonly size: number;
	/** L2-normalised embedding. */
	embed(image: PixelImage, face: DetectedFace): Promise<Float32Array>;
	/**
	 * Builds every kernel once, more cheaply than an embed() would (the engine's load runs it). Without it, the
	 * engine warms up with one embed().
	 */
	warmUp?(): Promise<void>;
	dispose(): void;
}

export function l2normalize(values: ArrayLike<number>): Float32Array {
	const out = Float32Array.from(values);
	let sum = 0;
	for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
	const norm = Math.sqrt(sum);
	if (!(norm > 0) || !Number.isFinite(norm))
		throw new CoreError('INTERNAL', 'embedding has zero or non-finite norm');
	for (let i = 0; i < out.length; i++) out[i] /= norm;
	return out;
}
