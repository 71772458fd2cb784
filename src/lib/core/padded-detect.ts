import type { FaceEngine } from './face-engine';
import type { DetectedFace, PixelImage, Point } from './types';

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
