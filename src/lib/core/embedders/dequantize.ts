import type * as tfTypes from '@tensorflow/tfjs-core';
import { weightByteLength } from './float16';
import type { Tf } from './types';

/**
 * The float32 values of uint8 weights quantised with one scale and offset per tensor (face-api's weight files), as
 * tfjs decodes them: each value is `q * scale + min` in double precision, rounded to float32. Here the 256 possible
 * results are computed once and each weight is a table lookup: tfjs' loop does the float arithmetic per weight and
 * spent about 30 ms of every warm start on the descriptor's 5.3 million weights (issue 12). Bit for bit the same.
 */
export function uint8ToFloat32(quantized: Uint8Array, scale: number, min: number): Float32Array {
	const table = new Float32Array(256);
	for (let q = 0; q < 256; q++) table[q] = q * scale + min;
	const out = new Float32Array(quantized.length);
	for (let i = 0; i < quantized.length; i++) out[i] = table[quantized[i]];
	return out;
}

/**
 * One weight of a manifest, decoded from its bytes at `offset` in `data`: uint8-quantised float32 weights by the table
 * above, anything else by tfjs. The result is the tensor `tf.io.decodeWeights` gives, bit for bit.
 */
export function decodeWeight(
	tf: Tf,
	data: ArrayBuffer,
	offset: number,
	spec: tfTypes.io.WeightsManifestEntry
): tfTypes.Tensor {
	const bytes = weightByteLength(spec);
	const q = spec.quantization;
	if (spec.dtype === 'float32' && q?.dtype === 'uint8' && q.scale !== undefined && q.min !== undefined)
		return tf.tensor(uint8ToFloat32(new Uint8Array(data, offset, bytes), q.scale, q.min), spec.shape);
	return tf.io.decodeWeights(data.slice(offset, offset + bytes), [spec])[spec.name];
}
