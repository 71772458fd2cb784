import type { FaceEngine } from '../../core/face-engine';
import { PROFILE } from '../../core/defaults';
import { isCoreError } from '../../core/errors';
import { requireOneFace } from '../../core/use-cases/one-face';
import type { ServerConfig } from '../config';
import type { NewEmbedding } from '../db';
import { decodeUpload } from '../decode';
import type { Upload } from '../http';

export interface Rejected {
	file: string;
	code: string;
	reason: string;
}

export interface EmbeddedUploads {
	accepted: NewEmbedding[];
	rejected: Rejected[];
}

/**
 * One embedding per photo that shows exactly one usable face (the enrolment quality gates included);
 * every other photo is listed with the reason. Photos are processed one after another (the engine is
 * serial anyway) and never stored.
 */
export async function embedEnrolmentPhotos(
	engine: FaceEngine,
	uploads: readonly Upload[],
	config: ServerConfig
): Promise<EmbeddedUploads> {
	const accepted: NewEmbedding[] = [];
	const rejected: Rejected[] = [];
	for (const upload of uploads) {
		try {
			const image = await decodeUpload(upload.bytes, config);
			const { face, embedding } = await requireOneFace(engine, image, { quality: PROFILE.quality });
			accepted.push({ vector: embedding, source: upload.name, detectorScore: face.score });
		} catch (error) {
			if (!isCoreError(error) || error.code === 'ENGINE_UNAVAILABLE' || error.code === 'INTERNAL')
				throw error;
			rejected.push({ file: upload.name, code: error.code, reason: error.message });
		}
	}
	return { accepted, rejected };
}
