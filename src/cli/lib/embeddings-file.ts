import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * On disk the embeddings are two files side by side:
 * - `embeddings.json`, the index: embedder, dimension, and per sample its file and label (1 = me, 0 = not me);
 * - `embeddings.f32`, the vectors: little-endian float32, one row of `size` values per sample, in index order.
 * Binary keeps float32 values exact and the file about 2.5x smaller than JSON numbers.
 */
export const EMBEDDINGS_FORMAT = 'me-verifier/embeddings';
export const EMBEDDINGS_FORMAT_VERSION = 1;

export interface EmbedderRef {
	id: string;
	version: string;
	size: number;
}

export interface EmbeddingSample {
	/** Path of the face crop, relative to the index file's folder, '/'-separated. */
	file: string;
	label: 0 | 1;
}

export interface SkippedFile {
	file: string;
	code: string;
	reason: string;
}

export interface EmbeddingSet {
	embedder: EmbedderRef;
	samples: EmbeddingSample[];
	vectors: Float32Array[];
	createdAt: string;
	/** Crops that gave no embedding, kept for the record. */
	skipped?: SkippedFile[];
}

interface EmbeddingsIndex {
	format: typeof EMBEDDINGS_FORMAT;
	version: number;
	createdAt: string;
	embedder: EmbedderRef;
	count: number;
	positives: number;
	negatives: number;
	/** File name of the vectors, in the index's folder. */
	vectors: string;
	sha256: string;
	samples: EmbeddingSample[];
	skipped: SkippedFile[];
}

export function vectorsPathFor(indexPath: string): string {
	const parsed = path.parse(indexPath);
	return path.join(parsed.dir, `${parsed.name}.f32`);
}

export function encodeVectors(vectors: Float32Array[], size: number): Uint8Array {
	const bytes = new Uint8Array(vectors.length * size * 4);
	const view = new DataView(bytes.buffer);
	vectors.forEach((vector, row) => {
		if (vector.length !== size)
			throw new Error(`embedding ${row} has ${vector.length} values, expected ${size}`);
		for (let i = 0; i < size; i++) view.setFloat32((row * size + i) * 4, vector[i], true);
	});
	return bytes;
}

export function decodeVectors(bytes: Uint8Array, count: number, size: number): Float32Array[] {
	if (bytes.byteLength !== count * size * 4) {
		throw new Error(`embedding vectors hold ${bytes.byteLength} bytes, expected ${count} x ${size} float32`);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return Array.from({ length: count }, (_, row) => {
		const vector = new Float32Array(size);
		for (let i = 0; i < size; i++) vector[i] = view.getFloat32((row * size + i) * 4, true);
		return vector;
	});
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export async function writeEmbeddings(
	indexPath: string,
	set: EmbeddingSet
): Promise<{ vectorsPath: string }> {
	if (set.samples.length !== set.vectors.length) throw new Error('one vector per sample is required');
	const vectorsPath = vectorsPathFor(indexPath);
	const bytes = encodeVectors(set.vectors, set.embedder.size);
	const positives = set.samples.filter((sample) => sample.label === 1).length;
	const index: EmbeddingsIndex = {
		format: EMBEDDINGS_FORMAT,
		version: EMBEDDINGS_FORMAT_VERSION,
		createdAt: set.createdAt,
		embedder: set.embedder,
		count: set.samples.length,
		positives,
		negatives: set.samples.length - positives,
		vectors: path.basename(vectorsPath),
		sha256: sha256(bytes),
		samples: set.samples,
		skipped: set.skipped ?? []
	};
	await mkdir(path.dirname(indexPath), { recursive: true });
	// Vectors first, index last: a reader never finds an index pointing at vectors that are not there yet.
	await writeAtomically(vectorsPath, bytes);
	await writeAtomically(indexPath, `${JSON.stringify(index, null, '\t')}\n`);
	return { vectorsPath };
}

export async function readEmbeddings(
	indexPath: string
): Promise<EmbeddingSet & { sha256: string; skipped: SkippedFile[] }> {
	let index: EmbeddingsIndex;
	try {
		index = JSON.parse(await readFile(indexPath, 'utf8'));
	} catch (error) {
		throw new Error(`cannot read embeddings index ${indexPath}: ${(error as Error).message}`, {
			cause: error
		});
	}
	if (index?.format !== EMBEDDINGS_FORMAT) throw new Error(`${indexPath} is not an embeddings index`);
	if (index.version !== EMBEDDINGS_FORMAT_VERSION) {
		throw new Error(
			`${indexPath} has format version ${index.version}; this tool reads ${EMBEDDINGS_FORMAT_VERSION}`
		);
	}
	const bytes = new Uint8Array(await readFile(path.join(path.dirname(indexPath), index.vectors)));
	const digest = sha256(bytes);
	if (digest !== index.sha256) throw new Error(`${index.vectors} does not match its index (sha256 differs)`);
	return {
		embedder: index.embedder,
		samples: index.samples,
		vectors: decodeVectors(bytes, index.count, index.embedder.size),
		createdAt: index.createdAt,
		skipped: index.skipped ?? [],
		sha256: digest
	};
}

export async function writeAtomically(file: string, content: string | Uint8Array): Promise<void> {
	await mkdir(path.dirname(file), { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	await writeFile(temporary, content);
	await rename(temporary, file);
}

export async function writeJson(file: string, value: unknown): Promise<void> {
	await writeAtomically(file, `${JSON.stringify(value, null, '\t')}\n`);
}
