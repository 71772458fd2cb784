import { predictProba } from './logistic';
import type { ModelFile } from './model-file';

/** Cosine of two vectors (the embeddings are unit length, but a hand-made input may not be). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let ab = 0;
	let aa = 0;
	let bb = 0;
	for (let i = 0; i < a.length; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The model's score for one embedding: a cosine for template models, a probability for logistic ones. */
export function scoreEmbedding(model: ModelFile, embedding: ArrayLike<number>): number {
	const expected = model.mode === 'template' ? model.template.length : model.weights.length;
	if (embedding.length !== expected) {
		throw new RangeError(`embedding has ${embedding.length} values, the model expects ${expected}`);
	}
	return model.mode === 'template' ? cosine(model.template, embedding) : predictProba(model, embedding);
}
