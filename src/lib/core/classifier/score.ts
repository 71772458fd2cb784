import { predictProba } from './predict';
import type { ModelFile } from './model-file';
import { cosine } from '../gallery/vector';

/** The model's score for one embedding: a cosine for template models, a probability for logistic ones. */
export function scoreEmbedding(model: ModelFile, embedding: ArrayLike<number>): number {
	const expected = model.mode === 'template' ? model.template.length : model.weights.length;
	if (embedding.length !== expected) {
		throw new RangeError(`embedding has ${embedding.length} values, the model expects ${expected}`);
	}
	return model.mode === 'template' ? cosine(model.template, embedding) : predictProba(model, embedding);
}
