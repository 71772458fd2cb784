import * as tf from '@tensorflow/tfjs-core';

import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../errors';
import { binaryMetrics } from '../metrics/confusion';
import { parseModelFile, serializeModelFile } from './model-file';
import { stratifiedSplit } from './split';
import { fitScaler } from './standardizer';
import { syntheticEmbeddings } from '../../../../tests/fixtures/synthetic-embeddings';
import { FALLBACK_THRESHOLD, trainVerifier } from './train';

beforeAll(async () => {
	await tf.setBackend('cpu');
});

const embedder = { id: 'test-embedder', version: '1.0.0', size: 16 };
const createdAt = new Date('2026-03-04T05:06:07Z');
// 60 "me", 140 "not me", overlapping a little so the validation metrics are not all perfect.
const { embeddings, labels } = syntheticEmbeddings(200, 16, {
	positiveFraction: 0.3,
	separation: 3,
	seed: 8
});

describe('trainVerifier', () => {
	it('splits 80 / 20 stratified, fits the scaler on the training part only, and scores validation', async () => {
		const { model, validation, metrics } = await trainVerifier(embeddings, labels, embedder, { createdAt });
		const split = stratifiedSplit(labels, 0.2, 42);
		expect(validation.indices).toEqual(split.test);
		expect(validation.labels.filter((l) => l === 1)).toHaveLength(12);
		expect(model.scaler).toEqual(fitScaler(split.train.map((i) => embeddings[i])));
		expect(model.training).toMatchObject({
			samples: { me: 60, not_me: 140 },
			seed: 42,
			epochs: 200,
			l2: 1 / 160,
			backend: 'cpu',
			split: { test_fraction: 0.2, train: 160, validation: 40 }
		});
		expect(metrics.evaluated_on).toBe('validation');
		expect(metrics.samples).toEqual({ me: 12, not_me: 28 });
		expect(metrics.roc_auc).toBeGreaterThan(0.95);
		expect(metrics.accuracy).toBeGreaterThan(0.85);
		expect(metrics.notes).toEqual([]);
		expect(model.model_version).toBe('me-verifier-20260304T050607');
		expect(model.created_at).toBe('2026-03-04T05:06:07.000Z');
	});

	it('reports the metrics of the chosen threshold on the validation scores', async () => {
		const { model, validation, metrics } = await trainVerifier(embeddings, labels, embedder);
		expect(model.threshold.method).toBe('best_f1');
		const recomputed = binaryMetrics(validation.scores, validation.labels, model.threshold.value);
		expect(metrics).toMatchObject({
			threshold: model.threshold.value,
			accuracy: recomputed.accuracy,
			f1: recomputed.f1,
			confusion: recomputed.confusion
		});
		expect(model.metrics).toEqual(metrics);
	});

	it('writes a model file that parses back for the same embedder', async () => {
		const { model } = await trainVerifier(embeddings, labels, embedder, {
			createdAt,
			modelVersion: 'v-test'
		});
		const parsed = parseModelFile(serializeModelFile(model), {
			embedder: 'test-embedder',
			embedderVersion: '1.0.0'
		});
		expect(parsed).toEqual(model);
	});

	it('is reproducible for a seed, and another seed gives another split', async () => {
		const a = await trainVerifier(embeddings, labels, embedder, { createdAt, epochs: 40 });
		const b = await trainVerifier(embeddings, labels, embedder, { createdAt, epochs: 40 });
		expect(serializeModelFile(b.model)).toBe(serializeModelFile(a.model));
		const c = await trainVerifier(embeddings, labels, embedder, { createdAt, epochs: 40, seed: 7 });
		expect(c.validation.indices).not.toEqual(a.validation.indices);
		expect(c.model.weights).not.toEqual(a.model.weights);
	});

	it('honours target_far and manual thresholds', async () => {
		const far = await trainVerifier(embeddings, labels, embedder, {
			thresholdMethod: 'target_far',
			targetFar: 0.05
		});
		expect(far.model.threshold).toMatchObject({ method: 'target_far', target_far: 0.05 });
		expect(far.metrics.far).toBeLessThanOrEqual(0.05);
		const manual = await trainVerifier(embeddings, labels, embedder, {
			thresholdMethod: 'manual',
			thresholdValue: 0.9
		});
		expect(manual.model.threshold).toEqual({ value: 0.9, method: 'manual' });
	});

	it('falls back to the 0.5 boundary, and says so, when validation is too small', async () => {
		const small = syntheticEmbeddings(12, 16, { positiveFraction: 2 / 12, seed: 3 });
		const { model, metrics } = await trainVerifier(small.embeddings, small.labels, embedder);
		expect(metrics.samples.me).toBe(1);
		expect(model.threshold).toEqual({ value: FALLBACK_THRESHOLD, method: 'manual' });
		expect(metrics.notes.join(' ')).toMatch(/validation has 1 "me" .* instead of best_f1/);
		expect(model.metrics.notes).toEqual(metrics.notes);
	});

	it('evaluates on training data, flagged, with test fraction 0', async () => {
		const { metrics, validation } = await trainVerifier(embeddings, labels, embedder, { testFraction: 0 });
		expect(metrics.evaluated_on).toBe('training');
		expect(validation.indices).toHaveLength(200);
		expect(metrics.notes[0]).toMatch(/metrics are on training data/);
	});

	it('refuses fewer than 2 samples of a class with NOT_ENOUGH_DATA', async () => {
		const few = syntheticEmbeddings(10, 16, { positiveFraction: 0.1, seed: 1 });
		const attempt = trainVerifier(few.embeddings, few.labels, embedder);
		await expect(attempt).rejects.toThrow(CoreError);
		await expect(attempt).rejects.toMatchObject({ code: 'NOT_ENOUGH_DATA' });
		await expect(attempt).rejects.toThrow(/got 1 "me" and 9 "not me"/);
	});

	it('rejects embeddings of the wrong size or with NaN', async () => {
		await expect(trainVerifier(embeddings, labels, { ...embedder, size: 128 })).rejects.toThrow(
			/embedder gives 128/
		);
		const broken = embeddings.slice();
		broken[3] = Float32Array.from(broken[3], (v, j) => (j === 2 ? NaN : v));
		await expect(trainVerifier(broken, labels, embedder)).rejects.toThrow(/embedding 3 contains NaN/);
	});

	it('leaves no tensor behind', async () => {
		const before = tf.memory().numTensors;
		await trainVerifier(embeddings, labels, embedder, { epochs: 20, onProgress: () => undefined });
		expect(tf.memory().numTensors).toBe(before);
	});
});
