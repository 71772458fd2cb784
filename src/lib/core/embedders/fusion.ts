import type { Embedder } from './types';
import { l2normalize } from './types';

/**
 * Concatenation of L2-normalised parts, re-normalised: the cosine of two fused embeddings is the mean
 * of the parts' cosines, so each part weighs the same whatever its dimension.
 */
export function createFusionEmbedder(id: string, parts: Embedder[]): Embedder {
	const size = parts.reduce((sum, p) => sum + p.size, 0);
	return {
		id,
		version: parts.map((p) => `${p.id}@${p.version}`).join('|'),
		size,
		async embed(image, face) {
			const out = new Float32Array(size);
			let offset = 0;
			for (const part of parts) {
				out.set(await part.embed(image, face), offset);
				offset += part.size;
			}
			return l2normalize(out);
		},
		dispose() {
			for (const part of parts) part.dispose();
		}
	};
}
