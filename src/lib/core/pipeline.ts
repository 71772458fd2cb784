import type { ModelFile } from './classifier/model-file';
import { predictProba } from './classifier/logistic';
import type { FaceEngine } from './engine';
import { CoreError } from './errors';
import type { Box, DetectedFace, Embedding, PixelImage } from './types';

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

export function boxArea(box: Box): number {
	return Math.max(0, box[2]) * Math.max(0, box[3]);
}

/** The face a single-person request is about: the largest, ties broken by closeness to the centre. */
export function pickMainFace(
	faces: DetectedFace[],
	image: Pick<PixelImage, 'width' | 'height'>
): DetectedFace {
	if (faces.length === 0) throw new CoreError('NO_FACE', 'No face was detected in the image.');
	const centre = (f: DetectedFace) =>
		Math.hypot(f.box[0] + f.box[2] / 2 - image.width / 2, f.box[1] + f.box[3] / 2 - image.height / 2);
	return [...faces].sort((a, b) => boxArea(b.box) - boxArea(a.box) || centre(a) - centre(b))[0];
}

export async function detectFaces(
	engine: FaceEngine,
	image: PixelImage,
	options: AnalyzeOptions = {}
): Promise<DetectedFace[]> {
	const minSize = options.minFaceSize ?? 0;
	const faces = await engine.detect(image);
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

export interface Verification {
	is_me: boolean;
	score: number;
	threshold: number;
	box: Box;
	faces_count: number;
}

export function decide(model: ModelFile, embedding: Embedding, threshold = model.threshold.value) {
	const score = predictProba(model, embedding);
	return { score, threshold, is_me: score >= threshold };
}

/** "Is this me?" for the main face of an image. */
export async function verifyImage(
	engine: FaceEngine,
	model: ModelFile,
	image: PixelImage,
	options: { threshold?: number } & AnalyzeOptions = {}
): Promise<Verification> {
	assertModelMatchesEngine(model, engine);
	const main = await embedMainFace(engine, image, options);
	const decision = decide(model, main.embedding, options.threshold ?? model.threshold.value);
	return { ...decision, box: main.face.box, faces_count: main.facesFound };
}
