import type { FaceEngine } from '../../core/face-engine';
import { isCoreError } from '../../core/errors';
import { PROFILE } from '../../core/defaults';
import { embedOneFace, type OneFaceRefusal } from '../../core/use-cases/one-face';
import type { Box, PixelImage } from '../../core/types';
import { ImageDecodeError } from '../image';

/** Registration photos: each must show exactly one face (the person), else it is refused with the reason. */

export type RegisterReason = 'NO_FACE' | 'MULTIPLE_FACES' | 'LOW_QUALITY' | 'BAD_IMAGE' | 'ERROR';

const REASONS: Record<OneFaceRefusal['status'], RegisterReason> = {
	no_face: 'NO_FACE',
	ambiguous: 'MULTIPLE_FACES',
	low_quality: 'LOW_QUALITY'
};

export type PhotoCheck =
	| { status: 'ok'; source: string; embedding: Float32Array; box: Box }
	| { status: 'rejected'; source: string; reason: RegisterReason; faces?: number; message?: string };

/** Detects and embeds the single face of a registration photo. */
export async function checkPhoto(
	engine: FaceEngine,
	source: string,
	image: () => Promise<PixelImage>
): Promise<PhotoCheck> {
	try {
		const pixels = await image();
		// The same rule as the server's enrolment: one usable face (a small one in the background is fine).
		const result = await embedOneFace(engine, pixels, { quality: PROFILE.quality });
		if (result.status === 'ok')
			return { status: 'ok', source, embedding: result.embedding, box: result.face.box };
		const reason = REASONS[result.status];
		return { status: 'rejected', source, reason, faces: result.faces.length };
	} catch (error) {
		if (error instanceof ImageDecodeError || (isCoreError(error) && error.code === 'BAD_IMAGE')) {
			return { status: 'rejected', source, reason: 'BAD_IMAGE' };
		}
		const message = error instanceof Error ? error.message : String(error);
		return { status: 'rejected', source, reason: 'ERROR', message };
	}
}
