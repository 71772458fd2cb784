import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { readWeightsManifest } from '../src/lib/core/embedders';
import { decodeWeight } from '../src/lib/core/embedders/dequantize';
import { toFloat16, weightOffsets } from '../src/lib/core/embedders/float16';
import { ASSET_PATHS } from '../src/lib/browser/asset-paths';
import { readFileBytes, readWeightsFile } from '../src/lib/server/weights';
import { REPO_ROOT } from './helpers/faces';

/**
 * One descriptor everywhere (issue 12): the browser downloads the float16 copy `npm run assets` derives from the
 * npm package's weights; the server rounds the package's file itself in memory. Both must be the same bytes, or
 * the browser's scores would drift from POST /verify's.
 */
describe('the float16 weights the browser downloads', () => {
	const require = createRequire(import.meta.url);
	const faceApiModels = path.join(
		path.resolve(path.dirname(require.resolve('@vladmandic/face-api')), '..'),
		'model'
	);
	const served = path.join(REPO_ROOT, 'static', ASSET_PATHS.weights['face-recognition']);

	it('are exactly what the server computes with, and smaller than the npm file', async () => {
		expect(existsSync(served), `${served} (npm run assets writes it)`).toBe(true);
		const fromNpm = await readWeightsFile(
			path.join(faceApiModels, 'face_recognition_model-weights_manifest.json')
		);
		const rounded = toFloat16(fromNpm);
		const browser = await readWeightsManifest(served, readFileBytes);
		expect(browser.specs).toEqual(rounded.specs);
		expect(Buffer.from(browser.data).equals(Buffer.from(rounded.data))).toBe(true);
		// The package already stores most weights as uint8; its float32 ones are now float16.
		expect(browser.specs.every((s) => s.quantization)).toBe(true);
		const bin = readFileSync(served.replace(/-weights_manifest\.json$/, '.bin'));
		expect(bin.byteLength).toBe(browser.data.byteLength);
		expect(bin.byteLength).toBeLessThan(
			readFileSync(path.join(faceApiModels, 'face_recognition_model.bin')).byteLength
		);
	});
});

describe("the descriptor's weights, decoded", () => {
	it('are bit for bit what tfjs decodes, every one of them (the browser and the server load them so)', async () => {
		await tf.setBackend('cpu');
		const served = path.join(REPO_ROOT, 'static', ASSET_PATHS.weights['face-recognition']);
		const { specs, data } = await readWeightsManifest(served, readFileBytes);
		const theirs = tf.io.decodeWeights(data, specs);
		const offsets = weightOffsets(specs);
		let differing = 0;
		specs.forEach((spec, n) => {
			const ours = decodeWeight(tf, data, offsets[n], spec);
			const a = new Uint32Array((ours.dataSync() as Float32Array).slice().buffer);
			const b = new Uint32Array((theirs[spec.name].dataSync() as Float32Array).slice().buffer);
			expect(ours.shape).toEqual(theirs[spec.name].shape);
			for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
			ours.dispose();
		});
		tf.dispose(Object.values(theirs));
		expect(specs.length).toBe(117);
		expect(differing).toBe(0);
	});
});
