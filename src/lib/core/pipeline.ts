import type { ModelFile } from './classifier/model-file';
import { calibrationFor, farAtThreshold } from './calibration/operating-points';
import { scoreEmbedding } from './classifier/score';
import type { FaceEngine } from './face-engine';
import { CoreError } from './errors';
import { boxArea, pickMainFace } from './face-choice';
import { detectWithRetry } from './padded-detect';
import type { DetectedFace, Embedding, PixelImage } from './types';

export { AMBIGUOUS_AREA_RATIO, boxArea, isSoleFace, pickMainFace, SIMILAR_AREA_RATIO } from './face-choice';
export { detectWithRetry, PAD_RETRY_FACTOR, PAD_RETRY_MAX_SIDE, padImage } from './padded-detect';

/** image -> faces -> aligned crops -> embeddings -> decision: the one path used by server, commands and browser. */

export interface FaceAnalysis {
	face: DetectedFace;
	embedding: Embedding;
}

export interface AnalyzeOptions {
	/** Faces beyond this many (largest first) are not embedded. */
	maxFaces?: number;
	/** Faces whose shorter box side is below this many pixels are ignored. */
	minFaceSize?: number;
}

export async function detectFaces(
	engine: FaceEngine,
	image: PixelImage,
	options: AnalyzeOptions = {}
): Promise<DetectedFace[]> {
	const minSize = options.minFaceSize ?? 0;
	const { faces } = await detectWithRetry(engine, image);
	return faces.filter((f) => Math.min(f.box[2], f.box[3]) >= minSize);
}

/** Every face in the image, largest first, each with its embedding. */
export async function analyzeImage(
	engine: FaceEngine,
	image: PixelImage,
	options: AnalyzeOptions = {}
): Promise<FaceAnalysis[]> {
	const faces = (await detectFaces(engine, image, options)).sort((a, b) => boxArea(b.box) - boxArea(a.box));
	const kept = faces.slice(0, options.maxFaces ?? faces.length);
	const out: FaceAnalysis[] = [];
	for (const face of kept) out.push({ face, embedding: await engine.embed(image, face) });
	return out;
}

export interface MainFace extends FaceAnalysis {
	facesFound: number;
}

/** The main face's embedding; NO_FACE when there is none. */
export async function embedMainFace(
	engine: FaceEngine,
	image: PixelImage,
	options: AnalyzeOptions = {}
): Promise<MainFace> {
	const faces = await detectFaces(engine, image, options);
	const face = pickMainFace(faces, image);
	return { face, embedding: await engine.embed(image, face), facesFound: faces.length };
}

export function assertModelMatchesEngine(model: ModelFile, engine: FaceEngine): void {
	const { embedder, embedderVersion } = engine.info;
	if (model.embedder.id !== embedder || model.embedder.version !== embedderVersion) {
		throw new CoreError(
			'MODEL_INCOMPATIBLE',
			`The model was trained with embedder ${model.embedder.id} ${model.embedder.version}; ` +
				`this engine uses ${embedder} ${embedderVersion}. Retrain the model.`
		);
	}
}

/**
 * The FAR a threshold is expected to give: template models read it off the embedder's calibration
 * curve; logistic models only know it at their own threshold, from their validation "not me" photos.
 */
export function estimatedFar(model: ModelFile, threshold = model.threshold.value): number | null {
	if (model.mode === 'template') {
		const calibration = calibrationFor(model.embedder.id, model.embedder.version);
		if (calibration) return farAtThreshold(calibration, threshold);
	}
	if (threshold !== model.threshold.value) return null;
	if (model.threshold.far_estimate !== undefined) return model.threshold.far_estimate;
	// Zero false accepts among a handful of validation photos is not an estimate of anything.
	const far = model.metrics.far;
	return typeof far === 'number' && far > 0 ? far : null;
}

export function decide(model: ModelFile, embedding: Embedding, threshold = model.threshold.value) {
	const score = scoreEmbedding(model, embedding);
	return {
		score,
		threshold,
		isMe: score >= threshold,
		farEstimate: estimatedFar(model, threshold),
		mode: model.mode
	};
}
