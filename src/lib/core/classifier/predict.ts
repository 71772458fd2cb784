import type { Scaler } from './standardizer';

// Scoring apart from training (logistic.ts): the pages that score a face import no tfjs (issue 12: tfjs runs in
// the engine's worker, and on the page only where it trains).

/** Probability of the positive class for one raw (unscaled) embedding; plain JS, no tensors. */
export function predictProba(
	model: { scaler: Scaler; weights: number[]; bias: number },
	embedding: ArrayLike<number>
): number {
	const { scaler, weights } = model;
	if (embedding.length !== weights.length) {
		throw new RangeError(`embedding has ${embedding.length} values, the model expects ${weights.length}`);
	}
	let z = model.bias;
	for (let j = 0; j < weights.length; j++)
		z += (weights[j] * (embedding[j] - scaler.mean[j])) / scaler.scale[j];
	return sigmoid(z);
}

export function sigmoid(z: number): number {
	return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
