import { mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { serializeModelFile, type ModelFile } from '../core/classifier/model-file';
import type { EngineInfo } from '../core/types';
import { ModelStore } from './model-store';

const info: EngineInfo = {
	embedder: 'test-embedder',
	embedderVersion: 'v1',
	embeddingSize: 2,
	detector: 'none',
	backend: 'cpu'
};

function model(version: string): ModelFile {
	return {
		format: 'me-verifier/classifier',
		format_version: 2,
		mode: 'logistic',
		model_version: version,
		embedder: { id: 'test-embedder', version: 'v1', size: 2 },
		scaler: { mean: [0, 0], scale: [1, 1] },
		weights: [1, -1],
		bias: 0,
		threshold: { value: 0.5, method: 'manual' },
		metrics: {},
		training: {
			samples: { me: 2, not_me: 2 },
			seed: 42,
			epochs: 1,
			learning_rate: 0.1,
			l2: 0,
			backend: 'cpu',
			split: { test_fraction: 0, train: 4, validation: 0 }
		},
		created_at: '2026-11-22T00:00:00.000Z'
	};
}

let file = '';

beforeEach(async () => {
	file = path.join(await mkdtemp(path.join(os.tmpdir(), 'model-store-')), 'model.json');
});

describe('ModelStore', () => {
	it('gives every concurrent first request the model (no half-loaded window)', async () => {
		await writeFile(file, serializeModelFile(model('m1')));
		const store = new ModelStore(file, () => info);
		const results = await Promise.all(Array.from({ length: 16 }, () => store.require()));
		expect(results.map((m) => m.model_version)).toEqual(Array(16).fill('m1'));
	});

	it('re-reads the file when it changes on disk', async () => {
		await writeFile(file, serializeModelFile(model('m1')));
		const store = new ModelStore(file, () => info);
		expect((await store.require()).model_version).toBe('m1');
		await writeFile(file, serializeModelFile(model('m2')));
		await utimes(file, new Date(), new Date(Date.now() + 5000));
		expect((await store.require()).model_version).toBe('m2');
	});

	it('explains a missing, broken or incompatible file instead of throwing from refresh()', async () => {
		const missing = new ModelStore(file, () => info);
		expect((await missing.refresh()).error?.code).toBe('MODEL_MISSING');

		await writeFile(file, '{ not json');
		const broken = new ModelStore(file, () => info);
		expect((await broken.refresh()).error?.code).toBe('MODEL_INVALID');
		await expect(broken.require()).rejects.toMatchObject({ code: 'MODEL_INVALID' });

		await writeFile(
			file,
			serializeModelFile({ ...model('m1'), embedder: { id: 'other', version: 'v9', size: 2 } })
		);
		const other = new ModelStore(file, () => info);
		expect((await other.refresh()).error?.code).toBe('MODEL_INCOMPATIBLE');
	});
});
