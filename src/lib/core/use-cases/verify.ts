import type { ModelFile } from '../classifier/model-file';
import { MAX_FACES_PER_FRAME } from '../defaults';
import type { FaceEngine } from '../face-engine';
import { pickMainFace } from '../face-choice';
import { assertModelMatchesEngine, decide, detectFaces } from '../pipeline';
import type { Box, DetectedFace, PixelImage } from '../types';
import { toSourceBox } from './source-box';

/**
 * "Is this me?" for an image: the server's POST /verify, the browser's verify page and the commands all
 * call this, so the main face, the cap on faces and the box coordinates are the same everywhere.
 */

export interface FaceVerdict {
	face: DetectedFace;
	/** The face in the pixels of the image as it was given (before any downscaling). */
	box: Box;
	score: number;
	threshold: number;
	isMe: boolean;
	farEstimate: number | null;
	mode: ModelFile['mode'];
	/** The face a one-person answer is about (pickMainFace): the server answers for this one. */
	main: boolean;
}

export interface ImageVerification {
	/** The main face first, then the others largest first, at most `maxFaces` in all. */
	verdicts: FaceVerdict[];
	/** Faces detected, including any beyond the cap. */
	facesFound: number;
}

export interface VerifyOptions {
	threshold?: number;
	/** Score only the main face (the server's one-person answer); otherwise every face up to the cap. */
	mainOnly?: boolean;
	maxFaces?: number;
}

/** NO_FACE when there is no face; MODEL_INCOMPATIBLE when the model was trained with another embedder. */
export async function verifyImage(
	engine: FaceEngine,
	model: ModelFile,
	image: PixelImage,
	options: VerifyOptions = {}
): Promise<ImageVerification> {
	assertModelMatchesEngine(model, engine);
	const faces = await detectFaces(engine, image);
	const main = pickMainFace(faces, image);
	const others = options.mainOnly ? [] : faces.filter((f) => f !== main).sort((a, b) => area(b) - area(a));
	const scored = [main, ...others].slice(0, Math.max(1, options.maxFaces ?? MAX_FACES_PER_FRAME));
	const verdicts: FaceVerdict[] = [];
	for (const face of scored) {
		const decision = decide(model, await engine.embed(image, face), options.threshold);
		verdicts.push({ face, box: toSourceBox(face.box, image), ...decision, main: face === main });
	}
	return { verdicts, facesFound: faces.length };
}

function area(face: DetectedFace): number {
	return face.box[2] * face.box[3];
}
