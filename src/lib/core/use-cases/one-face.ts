import type { FaceEngine } from '../face-engine';
import { CoreError } from '../errors';
import { isSoleFace, pickMainFace } from '../face-choice';
import { detectFaces } from '../pipeline';
import { assessQuality, type FaceQuality, type QualityThresholds } from '../quality';
import type { DetectedFace, Embedding, PixelImage } from '../types';

/**
 * "Exactly one usable face, then embed": the one rule every enrolment and face login applies, in the
 * browser, on the server and in the commands.
 */

export interface OneFaceOptions {
	/** Gates an enrolment photo must pass (face size, sharpness, head turn); probes (login) leave them out. */
	quality?: QualityThresholds;
	/** The face the user picked among faces of similar size: used as it is, without detecting again. */
	chosen?: DetectedFace;
}

export type OneFace =
	| {
			status: 'ok';
			face: DetectedFace;
			embedding: Embedding;
			faces: DetectedFace[];
			quality: FaceQuality | null;
	  }
	| { status: 'no_face'; faces: DetectedFace[] }
	/** Faces of similar size: the photo cannot say who it is of (a small face in the background can). */
	| { status: 'ambiguous'; faces: DetectedFace[] }
	| { status: 'low_quality'; face: DetectedFace; faces: DetectedFace[]; quality: FaceQuality };

export type OneFaceRefusal = Exclude<OneFace, { status: 'ok' }>;

export async function embedOneFace(
	engine: FaceEngine,
	image: PixelImage,
	options: OneFaceOptions = {}
): Promise<OneFace> {
	const faces = options.chosen ? [options.chosen] : await detectFaces(engine, image);
	if (faces.length === 0) return { status: 'no_face', faces };
	const face = options.chosen ?? pickMainFace(faces, image);
	if (!isSoleFace(face, faces)) return { status: 'ambiguous', faces };
	const quality = options.quality ? assessQuality(image, face, options.quality) : null;
	if (quality && !quality.ok) return { status: 'low_quality', face, faces, quality };
	return { status: 'ok', face, embedding: await engine.embed(image, face), faces, quality };
}

/** The typed error for a refusal: NO_FACE, MULTIPLE_FACES or LOW_QUALITY (with the failed gates). */
export function oneFaceError(refusal: OneFaceRefusal): CoreError {
	switch (refusal.status) {
		case 'no_face':
			return new CoreError('NO_FACE', 'No face was detected in the image.');
		case 'ambiguous':
			return new CoreError(
				'MULTIPLE_FACES',
				`${refusal.faces.length} faces of similar size: use a photo where this person is alone or clearly in front.`
			);
		case 'low_quality':
			return new CoreError(
				'LOW_QUALITY',
				`The face does not meet the quality limits: ${refusal.quality.issues.join(', ')}.`,
				{ public: { issues: refusal.quality.issues } }
			);
	}
}

/** embedOneFace, throwing the typed error when the photo is refused. */
export async function requireOneFace(
	engine: FaceEngine,
	image: PixelImage,
	options: OneFaceOptions = {}
): Promise<Extract<OneFace, { status: 'ok' }>> {
	const result = await embedOneFace(engine, image, options);
	if (result.status !== 'ok') throw oneFaceError(result);
	return result;
}
