import type { ModelFile } from '../core/classifier/model-file';
import type { FaceEngine } from '../core/engine';
import { analyzeImage, assertModelMatchesEngine, decide } from '../core/pipeline';
import type { DetectedFace, PixelImage } from '../core/types';

/** Every face in the image gets its own decision (the server's /verify answers for the main face only). */
export interface FaceVerdict {
	face: DetectedFace;
	score: number;
	threshold: number;
	is_me: boolean;
	far_estimate: number | null;
}

export async function verifyFaces(
	engine: FaceEngine,
	model: ModelFile,
	image: PixelImage,
	threshold = model.threshold.value
): Promise<FaceVerdict[]> {
	assertModelMatchesEngine(model, engine);
	const analyses = await analyzeImage(engine, image);
	return analyses.map(({ face, embedding }) => ({ face, ...decide(model, embedding, threshold) }));
}
