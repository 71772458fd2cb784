import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	decodeVectors,
	encodeVectors,
	readEmbeddings,
	vectorsPathFor,
	writeEmbeddings
} from './embeddings-file';

const dir = await mkdtemp(path.join(tmpdir(), 'embeddings-file-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('embeddings file', () => {
	it('round-trips float32 values exactly, little-endian', () => {
		const vectors = [Float32Array.from([1, -2.5, Math.PI]), Float32Array.from([1e-30, 0, -0])];
		const bytes = encodeVectors(vectors, 3);
		expect(bytes.byteLength).toBe(24);
		expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 0x80, 0x3f]); // 1.0f
		expect(decodeVectors(bytes, 2, 3)).toEqual(vectors);
		expect(() => encodeVectors(vectors, 4)).toThrow('expected 4');
		expect(() => decodeVectors(bytes, 3, 3)).toThrow('expected 3 x 3');
	});

	it('writes an index and vectors that read back, and refuses vectors that changed', async () => {
		const index = path.join(dir, 'sub', 'embeddings.json');
		const set = {
			embedder: { id: 'test', version: '1', size: 2 },
			samples: [
				{ file: 'cropped/me/a.jpg', label: 1 as const },
				{ file: 'cropped/not_me/b.jpg', label: 0 as const }
			],
			vectors: [Float32Array.from([0.6, 0.8]), Float32Array.from([1, 0])],
			createdAt: '2026-01-01T00:00:00.000Z',
			skipped: [{ file: 'cropped/me/c.jpg', code: 'NO_FACE', reason: 'no face detected in the crop' }]
		};
		const { vectorsPath } = await writeEmbeddings(index, set);
		expect(vectorsPath).toBe(vectorsPathFor(index));
		expect(path.basename(vectorsPath)).toBe('embeddings.f32');
		const json = JSON.parse(await readFile(index, 'utf8'));
		expect(json).toMatchObject({ count: 2, positives: 1, negatives: 1, vectors: 'embeddings.f32' });
		const back = await readEmbeddings(index);
		expect(back.samples).toEqual(set.samples);
		expect(back.vectors).toEqual(set.vectors);
		expect(back.skipped).toEqual(set.skipped);
		expect(back.embedder).toEqual(set.embedder);

		await writeFile(vectorsPath, new Uint8Array(16));
		await expect(readEmbeddings(index)).rejects.toThrow('sha256 differs');
		await expect(readEmbeddings(path.join(dir, 'missing.json'))).rejects.toThrow(
			'cannot read embeddings index'
		);
	});
});
