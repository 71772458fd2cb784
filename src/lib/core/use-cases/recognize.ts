import { MAX_FACES_PER_FRAME } from '../defaults';
import type { FaceEngine } from '../face-engine';
import { matchFrame, type FaceMatch, type Gallery, type MatchPolicy } from '../gallery';
import { analyzeImage } from '../pipeline';
import type { Box, DetectedFace, Embedding, PixelImage } from '../types';
import { toSourceBox } from './source-box';

/** "Who is this?" for every face of a frame: POST /process_frame and the browser's people page. */

export interface FaceRecognition {
	face: DetectedFace;
	/** The face in the pixels of the image as it was given (before any downscaling). */
	box: Box;
	/** Known (with the person and score) or unknown (with the reason), by the gallery's per-frame rules. */
	match: FaceMatch;
}

/**
 * `gallery` may also be a function of the frame's embeddings that gives the gallery to match them against (the
 * server's pgvector index returns only the people nearest them); the decision is the same matchFrame either way.
 */
export async function recognizeFaces(
	engine: FaceEngine,
	image: PixelImage,
	gallery: Gallery | ((embeddings: Embedding[]) => Promise<Gallery>),
	policy: MatchPolicy,
	maxFaces = MAX_FACES_PER_FRAME
): Promise<FaceRecognition[]> {
	const analyses = await analyzeImage(engine, image, { maxFaces });
	const embeddings = analyses.map((a) => a.embedding);
	const matches = matchFrame(
		embeddings,
		typeof gallery === 'function' ? await gallery(embeddings) : gallery,
		policy
	);
	return analyses.map(({ face }, i) => ({ face, box: toSourceBox(face.box, image), match: matches[i] }));
}
