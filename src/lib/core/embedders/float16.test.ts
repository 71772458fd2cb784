import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { float16Bits, toFloat16 } from './float16';
import type { RawWeights } from './types';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

/** tfjs' own float16 decoder (the one the browser and the server load weights with) for a list of bit patterns. */
function decode(bits: number[]): Float32Array {
	const data = new Uint16Array(bits).buffer;
	const spec = {
		name: 'w',
		shape: [bits.length],
		dtype: 'float32' as const,
		quantization: { dtype: 'float16' as const }
	};
	return tf.io.decodeWeights(data, [spec]).w.dataSync() as Float32Array;
}

describe('float16Bits', () => {
	it('gives the IEEE half-precision patterns, ties to even, and refuses what float16 cannot hold', () => {
		expect(float16Bits(1)).toBe(0x3c00);
		expect(float16Bits(-2)).toBe(0xc000);
		expect(float16Bits(0.1)).toBe(0x2e66);
		expect(float16Bits(65504)).toBe(0x7bff);
		expect(float16Bits(2 ** -24)).toBe(0x0001); // the smallest subnormal
		expect(float16Bits(2 ** -25)).toBe(0); // halfway to it: ties to even (zero)
		expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next: the even one
		expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
		expect(float16Bits(-0)).toBe(0x8000);
		expect(() => float16Bits(70000)).toThrow(RangeError);
		expect(() => float16Bits(NaN)).toThrow(RangeError);
	});

	it('rounds every value to its nearest float16 as tfjs decodes it', () => {
		let seed = 7;
		const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
		// Weights span many magnitudes: normal and subnormal float16 ranges.
		const values = Array.from({ length: 2000 }, (_, i) => Math.fround(random() * 10 ** ((i % 12) - 8)));
		const bits = values.map(float16Bits);
		const [rounded, below, above] = [bits, bits.map((b) => b - 1), bits.map((b) => b + 1)].map(decode);
		values.forEach((v, i) => {
			const error = Math.abs(rounded[i] - v);
			// A neighbouring pattern (same sign, one unit either way) is never nearer.
			if ((bits[i] & 0x7fff) > 0) expect(error).toBeLessThanOrEqual(Math.abs(below[i] - v));
			expect(error).toBeLessThanOrEqual(Math.abs(above[i] - v));
		});
	});
});

describe('toFloat16', () => {
	const weights = (): RawWeights => {
		const floats = new Float32Array([0.5, -1.25, 3.3333, 1e-3, 2, -7]);
		const ints = new Int32Array([123456789, -4]);
		const data = new Uint8Array(floats.byteLength + ints.byteLength);
		data.set(new Uint8Array(floats.buffer), 0);
		data.set(new Uint8Array(ints.buffer), floats.byteLength);
		return {
			specs: [
				{ name: 'filters', shape: [2, 3], dtype: 'float32' },
				{ name: 'indices', shape: [2], dtype: 'int32' }
			],
			data: data.buffer
		};
	};

	it('halves the float32 weights, keeps other dtypes as they are, and decodes to the rounded values', () => {
		const half = toFloat16(weights());
		expect(half.data.byteLength).toBe(6 * 2 + 2 * 4);
		expect(half.specs[0].quantization).toEqual({ dtype: 'float16' });
		expect(half.specs[1]).toEqual({ name: 'indices', shape: [2], dtype: 'int32' });
		const map = tf.io.decodeWeights(half.data, half.specs);
		expect(Array.from(map.indices.dataSync())).toEqual([123456789, -4]);
		const decoded = Array.from(map.filters.dataSync());
		expect(decoded).toEqual(Array.from(decode([0.5, -1.25, 3.3333, 1e-3, 2, -7].map(float16Bits))));
		expect(decoded[2]).not.toBe(Math.fround(3.3333)); // really rounded
		expect(decoded[2]).toBeCloseTo(3.3333, 2);
	});

	it('leaves weights that are already float16 unchanged, so rounding twice is rounding once', () => {
		const once = toFloat16(weights());
		const twice = toFloat16(once);
		expect(twice.specs).toEqual(once.specs);
		expect(new Uint8Array(twice.data)).toEqual(new Uint8Array(once.data));
	});

	it('refuses specs that do not account for every byte', () => {
		const w = weights();
		expect(() => toFloat16({ specs: w.specs.slice(0, 1), data: w.data })).toThrow(RangeError);
	});
});
