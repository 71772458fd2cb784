import type { EmbeddedSample } from './types';

/**
 * Within-class covariance normalisation (WCCN): whiten the directions in which photos of one person vary,
 * learned on some identities and applied to others. Tried for issue 7 as "a linear projection learned on
 * part of the calibration identities"; kept only if it gains on held-out people.
 */

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi); returns eigenvalues and column eigenvectors. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
	const n = matrix.length;
	const a = matrix.map((row) => [...row]);
	const v = Array.from({ length: n }, (_, i) =>
		Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0))
	);
	for (let sweep = 0; sweep < 100; sweep++) {
		let off = 0;
		for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
		if (off < 1e-22) break;
		for (let p = 0; p < n; p++) {
			for (let q = p + 1; q < n; q++) {
				if (Math.abs(a[p][q]) < 1e-300) continue;
				const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
				const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
				const c = 1 / Math.sqrt(t * t + 1);
				const s = t * c;
				for (let k = 0; k < n; k++) {
					const akp = a[k][p];
					const akq = a[k][q];
					a[k][p] = c * akp - s * akq;
					a[k][q] = s * akp + c * akq;
				}
				for (let k = 0; k < n; k++) {
					const apk = a[p][k];
					const aqk = a[q][k];
					a[p][k] = c * apk - s * aqk;
					a[q][k] = s * apk + c * aqk;
				}
				for (let k = 0; k < n; k++) {
					const vkp = v[k][p];
					const vkq = v[k][q];
					v[k][p] = c * vkp - s * vkq;
					v[k][q] = s * vkp + c * vkq;
				}
			}
		}
	}
	return { values: a.map((row, i) => row[i]), vectors: v };
}

/** The WCCN map (Sw + shrink * mean eigenvalue * I)^(-1/2), from the identities in `samples`. */
export function fitWccn(samples: readonly EmbeddedSample[], shrink = 0.1): (x: Float32Array) => Float32Array {
	const faces = samples.filter((s) => s.vector) as (EmbeddedSample & { vector: Float32Array })[];
	const dim = faces[0].vector.length;
	const byId = new Map<string, Float32Array[]>();
	for (const s of faces) byId.set(s.identity, [...(byId.get(s.identity) ?? []), s.vector]);
	const sw = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
	let count = 0;
	for (const vectors of byId.values()) {
		if (vectors.length < 2) continue;
		const mean = new Array<number>(dim).fill(0);
		for (const v of vectors) for (let i = 0; i < dim; i++) mean[i] += v[i] / vectors.length;
		for (const v of vectors) {
			for (let i = 0; i < dim; i++) {
				const di = v[i] - mean[i];
				for (let j = i; j < dim; j++) sw[i][j] += di * (v[j] - mean[j]);
			}
			count++;
		}
	}
	for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) sw[j][i] = sw[i][j] /= count;
	const { values, vectors } = symmetricEigen(sw);
	const floor = (shrink * values.reduce((a, b) => a + b, 0)) / dim;
	// W = V diag(1/sqrt(lambda + floor)) V^T
	const w = Array.from({ length: dim }, (_, i) =>
		Array.from({ length: dim }, (_, j) => {
			let s = 0;
			for (let k = 0; k < dim; k++)
				s += (vectors[i][k] * vectors[j][k]) / Math.sqrt(Math.max(values[k], 0) + floor);
			return s;
		})
	);
	return (x) => {
		const out = new Float32Array(dim);
		let norm = 0;
		for (let i = 0; i < dim; i++) {
			let s = 0;
			for (let j = 0; j < dim; j++) s += w[i][j] * x[j];
			out[i] = s;
			norm += s * s;
		}
		norm = Math.sqrt(norm) || 1;
		for (let i = 0; i < dim; i++) out[i] /= norm;
		return out;
	};
}
