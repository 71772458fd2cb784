import { CoreError } from '../errors';

/** Dot product of two equal-length vectors; for L2-normalised vectors this is the cosine. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) {
		throw new CoreError('MODEL_INCOMPATIBLE', `embedding sizes differ: ${a.length} vs ${b.length}`);
	}
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
	return sum;
}

export function norm(a: ArrayLike<number>): number {
	return Math.sqrt(dot(a, a));
}

/** A unit-length copy; a zero vector cannot be compared and is rejected. */
export function normalize(a: ArrayLike<number>): Float32Array {
	const length = norm(a);
	if (!Number.isFinite(length) || length === 0) {
		throw new CoreError('BAD_REQUEST', 'embedding is zero or not finite');
	}
	const out = new Float32Array(a.length);
	for (let i = 0; i < a.length; i++) out[i] = a[i] / length;
	return out;
}

/** Cosine similarity in [-1, 1], whatever the inputs' lengths. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
	return dot(a, b) / (norm(a) * norm(b));
}

/** Unit-length mean of unit-length copies: every photo weighs the same. */
export function meanDirection(vectors: readonly ArrayLike<number>[]): Float32Array {
	if (vectors.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'no embeddings to average');
	const size = vectors[0].length;
	const sum = new Float64Array(size);
	for (const vector of vectors) {
		const unit = normalize(vector);
		if (unit.length !== size) {
			throw new CoreError('MODEL_INCOMPATIBLE', `embedding sizes differ: ${unit.length} vs ${size}`);
		}
		for (let i = 0; i < size; i++) sum[i] += unit[i];
	}
	return normalize(sum);
}
