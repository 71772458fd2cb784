import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serializeModelFile, type ModelFile } from '../../src/lib/core/classifier/model-file';
import { trainVerifier } from '../../src/lib/core/classifier/train';
import type { FaceEngine } from '../../src/lib/core/face-engine';
import { embedMainFace } from '../../src/lib/core/pipeline';
import { decodeImageFile } from '../../src/lib/server/decode';
import { facePath, FACES_DIR } from './faces';

/** "me" = John_Simm minus the held-out photos; "not me" = the other Johns and the BBT cast. */
export const ME = 'John_Simm';
export const NOT_ME = ['John_Salley', 'John_Savage', 'John_Schneider', 'John_Shimkus', 'amy', 'penny', 'raj'];

export function photosOf(identity: string): string[] {
	return readdirSync(path.join(FACES_DIR, identity))
		.filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
		.sort()
		.map((f) => `${identity}/${f}`);
}

/** The last two photos of "me" are never used for training. */
export function heldOutMe(): string[] {
	return photosOf(ME).slice(-2);
}

export async function embedFiles(engine: FaceEngine, files: string[]): Promise<Float32Array[]> {
	const out: Float32Array[] = [];
	for (const file of files)
		out.push((await embedMainFace(engine, await decodeImageFile(facePath(file)))).embedding);
	return out;
}

export async function trainTestModel(engine: FaceEngine): Promise<{ model: ModelFile; path: string }> {
	const me = photosOf(ME).slice(0, -2);
	const notMe = NOT_ME.flatMap(photosOf);
	const embeddings = await embedFiles(engine, [...me, ...notMe]);
	const labels = [...me.map(() => 1), ...notMe.map(() => 0)];
	const { embedder, embedderVersion, embeddingSize } = engine.info;
	const { model } = await trainVerifier(embeddings, labels, {
		id: embedder,
		version: embedderVersion,
		size: embeddingSize
	});
	const dir = await mkdtemp(path.join(os.tmpdir(), 'me-verifier-model-'));
	const file = path.join(dir, 'model.json');
	await writeFile(file, serializeModelFile(model));
	return { model, path: file };
}
