import type * as tfTypes from '@tensorflow/tfjs-core';
import type { RawWeights } from './types';

/**
 * Float16 weights (issue 12: a smaller first visit). tfjs reads a manifest entry with
 * `quantization: {dtype: 'float16'}` natively; this writes one. The rounding is the same wherever it runs, so the
 * server (which reads the npm package's float32 file) and the browser (which fetches the float16 copy that
 * `npm run assets` derives from it) compute with bit-identical weights.
 *
 * No runtime imports: scripts/copy-assets.js loads this file directly (Node strips the types).
 */

const scratch = new DataView(new ArrayBuffer(4));

/** IEEE 754 half-precision bits of `value`, rounded to the nearest (ties to even). Throws outside fp16's range. */
export function float16Bits(value: number): number {
	scratch.setFloat32(0, value);
	const bits = scratch.getUint32(0);
	if (((bits >>> 23) & 0xff) === 0xff) throw new RangeError(`not a finite weight: ${value}`);
	const sign = (bits >>> 16) & 0x8000;
	const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
	let mantissa = bits & 0x7fffff;
	if (exponent <= 0) {
		// Subnormal in fp16 (or zero): shift the full 24-bit mantissa down to units of 2^-24.
		if (exponent < -10) return sign;
		mantissa |= 0x800000;
		const shift = 14 - exponent;
		let half = mantissa >>> shift;
		const rest = mantissa & ((1 << shift) - 1);
		const halfway = 1 << (shift - 1);
		if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
		return sign | half;
	}
	let half = (exponent << 10) | (mantissa >>> 13);
	const rest = mantissa & 0x1fff;
	if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++; // a carry into the exponent is still right
	if (exponent >= 31 || (half & 0x7c00) === 0x7c00) throw new RangeError(`weight ${value} overflows float16`);
	return sign | half;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** The bytes a manifest entry takes in its shard (quantised entries: their stored dtype). */
export function weightByteLength(spec: tfTypes.io.WeightsManifestEntry): number {
	const count = spec.shape.reduce((n, d) => n * d, 1);
	const bytes = BYTES[spec.quantization?.dtype ?? spec.dtype];
	if (bytes === undefined) throw new RangeError(`cannot size weight ${spec.name} (${spec.dtype})`);
	return count * bytes;
}

/** Where each weight starts in its shard: the sum of the byte lengths before it. */
export function weightOffsets(specs: readonly tfTypes.io.WeightsManifestEntry[]): number[] {
	let offset = 0;
	return specs.map((spec) => {
		const at = offset;
		offset += weightByteLength(spec);
		return at;
	});
}

/**
 * Every plain float32 weight stored as float16 (half the bytes); other weights are copied as they are. Weights with
 * no plain float32 left (the browser's download) come back as they are, not copied: this runs at every start.
 */
export function toFloat16(weights: RawWeights): RawWeights {
	if (!weights.specs.some((spec) => spec.dtype === 'float32' && !spec.quantization)) {
		const bytes = weights.specs.reduce((sum, spec) => sum + weightByteLength(spec), 0);
		if (bytes !== weights.data.byteLength)
			throw new RangeError(`the weights hold ${weights.data.byteLength} bytes, their specs ${bytes}`);
		return weights;
	}
	const source = new DataView(weights.data);
	const sizes = weights.specs.map((spec) =>
		spec.dtype === 'float32' && !spec.quantization ? weightByteLength(spec) / 2 : weightByteLength(spec)
	);
	const out = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
	const target = new DataView(out.buffer);
	const specs: tfTypes.io.WeightsManifestEntry[] = [];
	let from = 0;
	let to = 0;
	weights.specs.forEach((spec, i) => {
		if (spec.dtype === 'float32' && !spec.quantization) {
			for (let k = 0; k < sizes[i] / 2; k++)
				target.setUint16(to + 2 * k, float16Bits(source.getFloat32(from + 4 * k, true)), true);
			specs.push({ ...spec, quantization: { dtype: 'float16' } });
			from += sizes[i] * 2;
		} else {
			out.set(new Uint8Array(weights.data, from, sizes[i]), to);
			specs.push(spec);
			from += sizes[i];
		}
		to += sizes[i];
	});
	if (from !== weights.data.byteLength)
		throw new RangeError(`the weights hold ${weights.data.byteLength} bytes, their specs ${from}`);
	return { specs, data: out.buffer };
}
