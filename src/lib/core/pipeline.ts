import type { ModelFile } from './classifier/model-file';
import { calibrationFor, farAtThreshold } from './calibration/operating-points';
import { scoreEmbedding } from './classifier/score';
import type { FaceEngine } from './engine';
import { CoreError } from './errors';
import type { Box, DetectedFace, Embedding, PixelImage, Point } from './types';

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

/**
 * Faces at least this fraction of the largest face's area count as "similar in size": among them the
 * one nearest the image centre is the main face (a 6,000-pair benchmark gained 0.1-0.4 points over
 * "largest" alone; issue 7). Half the area is about 70 % of the side.
 */
export const SIMILAR_AREA_RATIO = 0.5;
/** A second face above this fraction of the main face's area makes a one-person photo ambiguous. */
export const AMBIGUOUS_AREA_RATIO = 0.36;

function distanceToCentre(face: DetectedFace, image: Pick<PixelImage, 'width' | 'height'>): number {
	return Math.hypot(
		face.box[0] + face.box[2] / 2 - image.width / 2,
		face.box[1] + face.box[3] / 2 - image.height / 2
	);
}

/** The face a single-person request is about: of the faces similar in size to the largest, the most central. */
export function pickMainFace(
	faces: DetectedFace[],
	image: Pick<PixelImage, 'width' | 'height'>
): DetectedFace {
	if (faces.length === 0) throw new CoreError('NO_FACE', 'No face was detected in the image.');
	const largest = Math.max(...faces.map((f) => boxArea(f.box)));
	return faces
		.filter((f) => boxArea(f.box) >= SIMILAR_AREA_RATIO * largest)
		.sort(
			(a, b) => distanceToCentre(a, image) - distanceToCentre(b, image) || boxArea(b.box) - boxArea(a.box)
		)[0];
}

/**
 * The one person a photo for enrolment or login shows: the main face when every other face is clearly
 * smaller (a passer-by in the background); MULTIPLE_FACES only when it is ambiguous who the photo is of.
 */
export function pickSoleFace(
	faces: DetectedFace[],
	image: Pick<PixelImage, 'width' | 'height'>
): DetectedFace {
	const main = pickMainFace(faces, image);
	if (!isSoleFace(main, faces)) {
		throw new CoreError(
			'MULTIPLE_FACES',
			`${faces.length} faces of similar size: use a photo where this person is alone or clearly in front.`
		);
	}
	return main;
}

/** True when every other face is clearly smaller than `main` (AMBIGUOUS_AREA_RATIO). */
export function isSoleFace(main: DetectedFace, faces: readonly DetectedFace[]): boolean {
	return faces.every((f) => f === main || boxArea(f.box) <= AMBIGUOUS_AREA_RATIO * boxArea(main.box));
}

/** Small images with no face found are retried on a larger canvas (tight, pre-aligned face chips). */
export const PAD_RETRY_FACTOR = 2;
/** Only images up to this many pixels on the long side are retried: a face chip, not a photo without a face. */
export const PAD_RETRY_MAX_SIDE = 400;

/** The image centred on a mid-grey canvas `factor` times its size (BlazeFace misses faces that fill the frame). */
export function padImage(image: PixelImage, factor: number): { image: PixelImage; offset: [number, number] } {
	const width = Math.round(image.width * factor);
	const height = Math.round(image.height * factor);
	const left = Math.floor((width - image.width) / 2);
	const top = Math.floor((height - image.height) / 2);
	const data = new Uint8Array(width * height * 3).fill(128);
	const c = image.channels;
	for (let y = 0; y < image.height; y++) {
		for (let x = 0; x < image.width; x++) {
			const from = (y * image.width + x) * c;
			const to = ((y + top) * width + x + left) * 3;
			data[to] = image.data[from];
			data[to + 1] = image.data[from + 1];
			data[to + 2] = image.data[from + 2];
		}
	}
	return { image: { width, height, channels: 3, data }, offset: [left, top] };
}

function shiftFace(face: DetectedFace, [dx, dy]: [number, number]): DetectedFace {
	const p = (q: Point): Point => [q[0] - dx, q[1] - dy];
	const l = face.landmarks;
	return {
		...face,
		box: [face.box[0] - dx, face.box[1] - dy, face.box[2], face.box[3]],
		landmarks: {
			leftEye: p(l.leftEye),
			rightEye: p(l.rightEye),
			nose: p(l.nose),
			mouthLeft: p(l.mouthLeft),
			mouthRight: p(l.mouthRight)
		}
	};
}

/** Faces as the detector sees them, retried on a padded canvas for small images where it found none. */
export async function detectWithRetry(
	engine: FaceEngine,
	image: PixelImage
): Promise<{ faces: DetectedFace[]; padded: boolean }> {
	const faces = await engine.detect(image);
	if (faces.length > 0 || Math.max(image.width, image.height) > PAD_RETRY_MAX_SIDE) {
		return { faces, padded: false };
	}
	// Coordinates come back in the original image's grid: alignment then samples the original pixels.
	const padded = padImage(image, PAD_RETRY_FACTOR);
	const found = await engine.detect(padded.image);
	return { faces: found.map((f) => shiftFace(f, padded.offset)), padded: found.length > 0 };
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

export interface Verification {
	is_me: boolean;
	score: number;
	threshold: number;
	/** The false-accept rate expected at this threshold (null when nobody measured it). */
	far_estimate: number | null;
	mode: ModelFile['mode'];
	box: Box;
	faces_count: number;
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
	return typeof model.metrics.far === 'number' ? model.metrics.far : null;
}

export function decide(model: ModelFile, embedding: Embedding, threshold = model.threshold.value) {
	const score = scoreEmbedding(model, embedding);
	return {
		score,
		threshold,
		is_me: score >= threshold,
		far_estimate: estimatedFar(model, threshold),
		mode: model.mode
	};
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
