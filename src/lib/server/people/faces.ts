import sharp from 'sharp';
import type { FaceEngine } from '../../core/engine';
import { isCoreError } from '../../core/errors';
import { analyzeImage, detectFaces, pickSoleFace, type FaceAnalysis } from '../../core/pipeline';
import type { Box, PixelImage } from '../../core/types';
import type { ServerConfig } from '../config';
import type { NewEmbedding } from '../db';
import { decodeImage } from '../decode';
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

export async function decodeUpload(bytes: Uint8Array, config: ServerConfig): Promise<PixelImage> {
	return decodeImage(bytes, { maxSide: config.maxImageSide, maxPixels: config.maxImagePixels });
}

/**
 * One embedding per photo that shows exactly one face; every other photo is listed with the reason.
 * Photos are processed one after another (the engine is serial anyway) and never stored.
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
			const faces = await detectFaces(engine, image);
			// NO_FACE, or MULTIPLE_FACES when faces of similar size leave it open who is enrolling.
			const face = pickSoleFace(faces, image);
			const vector = await engine.embed(image, face);
			accepted.push({ vector, source: upload.name, detectorScore: face.score });
		} catch (error) {
			if (!isCoreError(error) || error.code === 'ENGINE_UNAVAILABLE' || error.code === 'INTERNAL')
				throw error;
			rejected.push({ file: upload.name, code: error.code, reason: error.message });
		}
	}
	return { accepted, rejected };
}

export interface FrameFaces {
	faces: FaceAnalysis[];
	/** Multiply analysed-image coordinates by this to get the uploaded image's (it may have been downscaled). */
	scale: number;
}

/** Every face of a frame, with boxes mapped back to the uploaded image's pixel grid. */
export async function analyzeFrame(
	engine: FaceEngine,
	bytes: Uint8Array,
	config: ServerConfig
): Promise<FrameFaces> {
	const image = await decodeUpload(bytes, config);
	const faces = await analyzeImage(engine, image);
	const source = await sharp(bytes).metadata();
	const width = source.autoOrient?.width ?? source.width ?? image.width;
	return { faces, scale: width / image.width };
}

export function scaleBox(box: Box, scale: number): Box {
	return box.map((v) => Math.round(v * scale)) as Box;
}
