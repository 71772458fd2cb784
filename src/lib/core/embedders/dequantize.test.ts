import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWeight, uint8ToFloat32 } from './dequantize';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

type Spec = tf.io.WeightsManifestEntry;
const bitsOf = (values: Float32Array | Int32Array) => Array.from(new Uint32Array(values.buffer));
const tfjsDecode = (data: ArrayBuffer, spec: Spec) => tf.io.decodeWeights(data, [spec])[spec.name];

describe('uint8ToFloat32', () => {
	it("gives every uint8 value tfjs' result bit for bit, for the scales and offsets of face-api's weight files", () => {
		const all = new Uint8Array(256).map((_, q) => q);
		// Taken from face_recognition_model's manifest: tiny, small and large scales, negative and positive offsets.
		for (const [scale, min] of [
			[0.0005260649557207145, -0.07101876902229645],
			[8.471445956577858e-7, -0.00014740315964445472],
			[0.06814416062598135, 5.788674831390381],
			[4.3550543563576545e-10, -4.311503812794078e-8],
			[0.1, 0.3]
		]) {
			const spec: Spec = {
				name: 'w',
				shape: [256],
				dtype: 'float32',
				quantization: { dtype: 'uint8', scale, min }
			};
			const theirs = tfjsDecode(all.slice().buffer, spec);
			expect(bitsOf(uint8ToFloat32(all, scale, min))).toEqual(bitsOf(theirs.dataSync() as Float32Array));
			theirs.dispose();
		}
	});
});

describe('decodeWeight', () => {
	it('decodes uint8, float16 and plain weights at their offsets in a shard as tfjs does', () => {
		const specs: Spec[] = [
			{ name: 'a', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
			{ name: 'b', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'float16' } },
			{ name: 'c', shape: [2], dtype: 'int32' },
			{ name: 'd', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } }
		];
		const shard = new Uint8Array(23);
		shard.set([7, 0, 255, 128], 0);
		new Uint16Array(shard.buffer, 4, 4).set([0x3c00, 0xc000, 0x2e66, 0x0001]);
		new DataView(shard.buffer).setInt32(12, 123456789, true);
		new DataView(shard.buffer).setInt32(16, -4, true);
		new DataView(shard.buffer).setUint16(21, 0x3555, true);
		const offsets = [0, 4, 12, 21];
		const expected = tf.io.decodeWeights(shard.slice(0, 20).buffer, specs.slice(0, 3));
		expected.d = tf.io.decodeWeights(shard.slice(21).buffer, [specs[3]]).d;
		specs.forEach((spec, i) => {
			const ours = decodeWeight(tf, shard.buffer, offsets[i], spec);
			expect(ours.shape).toEqual(expected[spec.name].shape);
			expect(ours.dtype).toBe(expected[spec.name].dtype);
			expect(bitsOf(ours.dataSync() as Float32Array)).toEqual(
				bitsOf(expected[spec.name].dataSync() as Float32Array)
			);
			ours.dispose();
		});
		tf.dispose(Object.values(expected));
	});
});
