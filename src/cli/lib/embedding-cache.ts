import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { FaceEngine } from '../../lib/core/face-engine';
import { isCoreError } from '../../lib/core/errors';
import { detectWithRetry, pickMainFace } from '../../lib/core/pipeline';
import type { PixelImage } from '../../lib/core/types';
import { decodeImage } from '../../lib/server/decode';
import type { CliOutput } from './output';

/** What embedding one photo gave: a vector, or why there is none. */
export interface CachedEmbedding {
	status: 'ok' | 'NO_FACE' | 'BAD_IMAGE';
	/** The face was found only on the padded canvas (a tight chip). */
	padded?: boolean;
	/** Float32 vector, base64. */
	vector?: string;
}

export interface EmbeddingCache {
	embedder: string;
	embedderVersion: string;
	/** Photos were downscaled to this long side first (0: as they are). */
	chipSize: number;
	entries: Record<string, CachedEmbedding>;
}

export function cacheFile(
	dir: string,
	info: { embedder: string; embedderVersion: string },
	chipSize: number
): string {
	const version = info.embedderVersion.replace(/[^a-zA-Z0-9.+-]+/g, '_');
	return path.join(dir, `calibration-${info.embedder}-${version}-chip${chipSize}.json`);
}

/** The vectors a finished (or partial) cache holds, by file; empty when there is no cache. */
export async function readCachedVectors(file: string): Promise<Map<string, Float32Array | null>> {
	try {
		const cache = JSON.parse(await readFile(file, 'utf8')) as EmbeddingCache;
		return new Map(Object.entries(cache.entries).map(([f, e]) => [f, decodeVector(e)]));
	} catch {
		return new Map();
	}
}

export function decodeVector(entry: CachedEmbedding): Float32Array | null {
	if (entry.status !== 'ok' || !entry.vector) return null;
	const bytes = Buffer.from(entry.vector, 'base64');
	return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

async function loadPhoto(file: string, chipSize: number): Promise<PixelImage> {
	const bytes = await readFile(file);
	if (chipSize <= 0) return decodeImage(bytes);
	// A tight chip as other tools hand it over: the crop resized so its long side is chipSize.
	const resized = await sharp(bytes)
		.rotate()
		.resize(chipSize, chipSize, { fit: 'inside' })
		.jpeg({ quality: 92 })
		.toBuffer();
	return decodeImage(resized);
}

async function save(file: string, cache: EmbeddingCache): Promise<void> {
	await mkdir(path.dirname(file), { recursive: true });
	await writeFile(`${file}.tmp`, JSON.stringify(cache));
	await rename(`${file}.tmp`, file);
}

/** Embeds the main face of one photo (a missing face or an unreadable image is an answer, not an error). */
export async function embedPhoto(
	engine: FaceEngine,
	file: string,
	chipSize: number
): Promise<CachedEmbedding> {
	try {
		const image = await loadPhoto(file, chipSize);
		const { faces, padded } = await detectWithRetry(engine, image);
		if (faces.length === 0) return { status: 'NO_FACE' };
		const vector = await engine.embed(image, pickMainFace(faces, image));
		return {
			status: 'ok',
			...(padded ? { padded: true } : {}),
			vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
		};
	} catch (error) {
		if (!isCoreError(error) || error.code === 'INTERNAL' || error.code === 'ENGINE_UNAVAILABLE') throw error;
		return { status: error.code === 'NO_FACE' ? 'NO_FACE' : 'BAD_IMAGE' };
	}
}

/** Embeds one photo (by absolute path): the engine of this thread, or of one of several (embed-threads.ts). */
export type PhotoEmbedder = (file: string) => Promise<CachedEmbedding>;

/** The embedders that share the work, and how to stop them. */
export interface EmbedPool {
	embedders: PhotoEmbedder[];
	close(): Promise<void>;
}

/**
 * Embeds the main face of every photo once per embedder version, keeping the results in `file` so a
 * rerun (or an interrupted run) only embeds what is missing. With several embedders, each takes the next
 * photo as it finishes one.
 */
export async function embedAll(
	info: { embedder: string; embedderVersion: string },
	/** Started only when some photo is not in the cache yet; told how many are not. */
	startPool: (todo: number) => Promise<EmbedPool>,
	root: string,
	files: readonly string[],
	options: { cachePath: string; chipSize: number; output: CliOutput }
): Promise<EmbeddingCache> {
	let cache: EmbeddingCache = {
		embedder: info.embedder,
		embedderVersion: info.embedderVersion,
		chipSize: options.chipSize,
		entries: {}
	};
	try {
		const stored = JSON.parse(await readFile(options.cachePath, 'utf8')) as EmbeddingCache;
		if (stored.embedderVersion === cache.embedderVersion && stored.chipSize === cache.chipSize)
			cache = stored;
	} catch {
		// no cache yet
	}
	const todo = files.filter((f) => !cache.entries[f]);
	if (todo.length === 0) return cache;
	const progress = options.output.progress('embed', todo.length);
	let next = 0;
	let sinceSave = 0;
	let saving = Promise.resolve();
	const run = async (embed: PhotoEmbedder) => {
		while (next < todo.length) {
			const file = todo[next++];
			cache.entries[file] = await embed(path.join(root, file));
			progress.tick(file);
			if (++sinceSave >= 250) {
				sinceSave = 0;
				saving = saving.then(() => save(options.cachePath, cache));
				await saving;
			}
		}
	};
	const pool = await startPool(todo.length);
	try {
		await Promise.all(pool.embedders.map(run));
	} finally {
		await pool.close();
	}
	progress.stop();
	await saving;
	await save(options.cachePath, cache);
	return cache;
}
