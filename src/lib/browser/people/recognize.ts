import type { FaceEngine } from '../../core/engine';
import { matchFrame, type MatchPolicy, type PersonTemplate, type UnknownReason } from '../../core/gallery';
import { analyzeImage } from '../../core/pipeline';
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

/** Every face of the image matched 1:N against the gallery, with the gallery core's per-frame rules. */
export async function recognizeOnDevice(
	engine: FaceEngine,
	policy: MatchPolicy,
	gallery: readonly PersonTemplate[],
	image: PixelImage
): Promise<RecognizedFace[]> {
	const analyses = await analyzeImage(engine, image);
	const matches = matchFrame(
		analyses.map((a) => a.embedding),
		gallery,
		policy
	);
	return matches.map((match, i) => {
		const box = analyses[i].face.box;
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
