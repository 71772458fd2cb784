/** Which model produced an embedding; vectors are only ever compared within one model. */
export interface EmbedderRef {
	embedder: string;
	version: string;
}

export interface NewEmbedding {
	vector: Float32Array;
	/** Original file name, for the record; the photo itself is never stored. */
	source?: string;
	detectorScore?: number;
}

/** Counts split by model: only `embeddings` (the current model's) take part in matching. */
export interface EmbeddingCounts {
	embeddings: number;
	other_model_embeddings: number;
}
