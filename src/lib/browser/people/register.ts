import type { FaceEngine } from '../../core/engine';
import { isCoreError } from '../../core/errors';
import { detectFaces, isSoleFace, pickMainFace } from '../../core/pipeline';
import type { Box, PixelImage } from '../../core/types';
import { ImageDecodeError } from '../image';

/** Registration photos: each must show exactly one face (the person), else it is refused with the reason. */

export type RegisterReason = 'NO_FACE' | 'MULTIPLE_FACES' | 'BAD_IMAGE' | 'ERROR';

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
		const faces = await detectFaces(engine, pixels);
		if (faces.length === 0) return { status: 'rejected', source, reason: 'NO_FACE', faces: 0 };
		// Faces of similar size: the photo cannot say who is being registered. A small one in the background can.
		const main = pickMainFace(faces, pixels);
		if (!isSoleFace(main, faces))
			return { status: 'rejected', source, reason: 'MULTIPLE_FACES', faces: faces.length };
		const embedding = await engine.embed(pixels, main);
		return { status: 'ok', source, embedding, box: main.box };
	} catch (error) {
		if (error instanceof ImageDecodeError || (isCoreError(error) && error.code === 'BAD_IMAGE')) {
			return { status: 'rejected', source, reason: 'BAD_IMAGE' };
		}
		const message = error instanceof Error ? error.message : String(error);
		return { status: 'rejected', source, reason: 'ERROR', message };
	}
}
