import { createRng, gaussian } from '../random';

/**
 * Random but learnable "embeddings" for tests and benchmarks: unit Gaussian noise, with positives
 * shifted by `separation` along one random direction. separation ~ 4 gives a nearly separable set.
 */
export function syntheticEmbeddings(
	n: number,
	dim: number,
	opts: { positiveFraction?: number; separation?: number; seed?: number } = {}
): { embeddings: Float32Array[]; labels: number[] } {
	const rng = createRng(opts.seed ?? 1);
	const separation = opts.separation ?? 4;
	const positives = Math.round(n * (opts.positiveFraction ?? 0.5));
	const direction = Array.from({ length: dim }, () => gaussian(rng));
	const norm = Math.hypot(...direction);
	const labels = Array.from({ length: n }, (_, i) => (i < positives ? 1 : 0));
	const embeddings = labels.map((label) =>
		Float32Array.from(direction, (d) => gaussian(rng) + (label * separation * d) / norm)
	);
	return { embeddings, labels };
}
