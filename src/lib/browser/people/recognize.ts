import type { FaceEngine } from '../../core/face-engine';
import type { MatchPolicy, PersonTemplate, UnknownReason } from '../../core/gallery';
import { recognizeFaces } from '../../core/use-cases/recognize';
import type { Box, PixelImage } from '../../core/types';

/** One face of a frame as both modes report it; boxes are in the pixels of the analysed image. */
export interface RecognizedFace {
	box: Box;
	personId: string | null;
	name: string | null;
	/** Cosine similarity to the named person; null for unknown faces. */
	confidence: number | null;
	/** On the device only: why an unknown face was not named, and its nearest person. */
	unknown?: { reason: UnknownReason; nearest: string | null; score: number | null };
}

export interface Recognition {
	mode: 'device' | 'server';
	faces: RecognizedFace[];
	width: number;
	height: number;
	/** Wall time of the whole step (the server's own time is in `serverMs`). */
	ms: number;
	serverMs?: number;
}

/** Every face of the image matched 1:N against the gallery: the core use-case /process_frame also calls. */
export async function recognizeOnDevice(
	engine: FaceEngine,
	policy: MatchPolicy,
	gallery: readonly PersonTemplate[],
	image: PixelImage
): Promise<RecognizedFace[]> {
	const faces = await recognizeFaces(engine, image, gallery, policy);
	return faces.map(({ box, match }) => {
		if (match.status === 'known') {
			const { id, name, score } = match.person;
			return { box, personId: id, name, confidence: score };
		}
		return {
			box,
			personId: null,
			name: null,
			confidence: null,
			unknown: { reason: match.reason, nearest: match.best?.name ?? null, score: match.best?.score ?? null }
		};
	});
}
