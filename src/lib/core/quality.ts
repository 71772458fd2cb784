import type { Box, DetectedFace, FiveLandmarks, PixelImage } from './types';

/** Limits a face must meet to be enrolled; shown to the user, so keep them in plain units. */
export interface QualityThresholds {
	/** Smallest accepted face box side, in pixels of the analysed image. */
	minFaceSize: number;
	/** Smallest accepted sharpness (variance of the Laplacian on a 64×64 grey face crop). */
	minSharpness: number;
	/** Largest accepted head turn left or right, in degrees. */
	maxYaw: number;
}

// Calibrated on the shared photo set: every real photo's face scored above 230 sharpness; blurring a face
// with a Gaussian of sigma 1.2 % of its width gave 167-192, of 2.5 % gave 39. Human's mesh yaw on the
// profile-ish dev photos (stuart5, bbt2) stayed under 31 degrees.
export const DEFAULT_QUALITY: QualityThresholds = { minFaceSize: 48, minSharpness: 100, maxYaw: 40 };

export type QualityIssue = 'FACE_TOO_SMALL' | 'TOO_BLURRY' | 'TURNED_AWAY';

export interface FaceQuality {
	/** Shorter side of the face box, px. */
	faceSize: number;
	sharpness: number;
	/** Absolute yaw in degrees (0 = frontal). */
	yaw: number;
	issues: QualityIssue[];
	ok: boolean;
}

/** Side of the square grey crop the sharpness is measured on: makes the figure independent of face size. */
const SHARPNESS_SIZE = 64;
/** Nose-tip depth in front of the eye plane, relative to half the distance between the eyes (anthropometry). */
const NOSE_DEPTH_RATIO = 0.7;

export function assessQuality(
	image: PixelImage,
	face: DetectedFace,
	thresholds: QualityThresholds = DEFAULT_QUALITY
): FaceQuality {
	const faceSize = Math.min(face.box[2], face.box[3]);
	const sharpness = measureSharpness(image, face.box);
	const yaw = Math.abs(face.yaw ?? estimateYaw(face.landmarks));
	const issues: QualityIssue[] = [];
	if (faceSize < thresholds.minFaceSize) issues.push('FACE_TOO_SMALL');
	if (sharpness < thresholds.minSharpness) issues.push('TOO_BLURRY');
	if (yaw > thresholds.maxYaw) issues.push('TURNED_AWAY');
	return { faceSize, sharpness, yaw, issues, ok: issues.length === 0 };
}

/**
 * Signed yaw in degrees from five landmarks. The eyes are brought level first (removes roll); then the
 * nose tip's sideways offset from the eye midpoint, over half the eye distance, equals
 * NOSE_DEPTH_RATIO·tan(yaw) for a head turning about its vertical axis.
 */
export function estimateYaw(landmarks: FiveLandmarks): number {
	const [lx, ly] = landmarks.leftEye;
	const [rx, ry] = landmarks.rightEye;
	const halfEyeDistance = Math.hypot(lx - rx, ly - ry) / 2;
	if (halfEyeDistance === 0) return 90;
	const ux = (lx - rx) / (2 * halfEyeDistance);
	const uy = (ly - ry) / (2 * halfEyeDistance);
	const midX = (lx + rx) / 2;
	const midY = (ly + ry) / 2;
	const offset = (landmarks.nose[0] - midX) * ux + (landmarks.nose[1] - midY) * uy;
	return (Math.atan(offset / halfEyeDistance / NOSE_DEPTH_RATIO) * 180) / Math.PI;
}

/** Variance of the 4-neighbour Laplacian over the face box, resampled to a fixed grey square. */
export function measureSharpness(image: PixelImage, box: Box): number {
	const grey = greyCrop(image, box, SHARPNESS_SIZE);
	const n = SHARPNESS_SIZE;
	let sum = 0;
	let sumSq = 0;
	let count = 0;
	for (let y = 1; y < n - 1; y++) {
		for (let x = 1; x < n - 1; x++) {
			const i = y * n + x;
			const lap = grey[i - 1] + grey[i + 1] + grey[i - n] + grey[i + n] - 4 * grey[i];
			sum += lap;
			sumSq += lap * lap;
			count++;
		}
	}
	const mean = sum / count;
	return sumSq / count - mean * mean;
}

/** Box-averaged grey (BT.601 luma) crop of size×size; the box is clipped to the image. */
function greyCrop(image: PixelImage, box: Box, size: number): Float32Array {
	const { width, height, channels, data } = image;
	const x0 = clamp(Math.floor(box[0]), 0, width - 1);
	const y0 = clamp(Math.floor(box[1]), 0, height - 1);
	const x1 = clamp(Math.ceil(box[0] + box[2]), x0 + 1, width);
	const y1 = clamp(Math.ceil(box[1] + box[3]), y0 + 1, height);
	const out = new Float32Array(size * size);
	const cellW = (x1 - x0) / size;
	const cellH = (y1 - y0) / size;
	for (let cy = 0; cy < size; cy++) {
		const sy0 = y0 + Math.floor(cy * cellH);
		const sy1 = Math.max(sy0 + 1, y0 + Math.floor((cy + 1) * cellH));
		for (let cx = 0; cx < size; cx++) {
			const sx0 = x0 + Math.floor(cx * cellW);
			const sx1 = Math.max(sx0 + 1, x0 + Math.floor((cx + 1) * cellW));
			let acc = 0;
			for (let y = sy0; y < sy1; y++) {
				for (let x = sx0; x < sx1; x++) {
					const p = (y * width + x) * channels;
					acc += 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
				}
			}
			out[cy * size + cx] = acc / ((sy1 - sy0) * (sx1 - sx0));
		}
	}
	return out;
}

function clamp(v: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, v));
}
