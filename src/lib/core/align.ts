import { CoreError } from './errors';
import type { Box, FiveLandmarks, PixelImage, Point } from './types';

/**
 * Face alignment in plain JavaScript (no tensors): a similarity transform from five landmarks to a
 * canonical template, then a bilinear warp into a square RGB chip. Deterministic and about 1 ms.
 */

/** Where the five landmarks should land in a square chip of `size` pixels. */
export interface ChipTemplate {
	size: number;
	/** leftEye, rightEye, nose, mouthLeft, mouthRight, in chip pixels. */
	points: readonly [Point, Point, Point, Point, Point];
}

/** Maps chip pixel (u, v) to image pixel: x = a*u - b*v + tx, y = b*u + a*v + ty. */
export interface Similarity {
	a: number;
	b: number;
	tx: number;
	ty: number;
}

export function landmarkPoints(landmarks: FiveLandmarks): [Point, Point, Point, Point, Point] {
	return [landmarks.leftEye, landmarks.rightEye, landmarks.nose, landmarks.mouthLeft, landmarks.mouthRight];
}

/**
 * Least-squares similarity (rotation, uniform scale, translation; no reflection) taking `from` onto `to`
 * (Umeyama's closed form restricted to 2-D).
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
	if (from.length !== to.length || from.length < 2) {
		throw new CoreError('BAD_REQUEST', 'similarity needs at least two matching points');
	}
	const n = from.length;
	let fx = 0;
	let fy = 0;
	let tx = 0;
	let ty = 0;
	for (let i = 0; i < n; i++) {
		fx += from[i][0];
		fy += from[i][1];
		tx += to[i][0];
		ty += to[i][1];
	}
	fx /= n;
	fy /= n;
	tx /= n;
	ty /= n;
	let dot = 0;
	let cross = 0;
	let norm = 0;
	for (let i = 0; i < n; i++) {
		const ux = from[i][0] - fx;
		const uy = from[i][1] - fy;
		const vx = to[i][0] - tx;
		const vy = to[i][1] - ty;
		dot += ux * vx + uy * vy;
		cross += ux * vy - uy * vx;
		norm += ux * ux + uy * uy;
	}
	if (norm === 0) throw new CoreError('BAD_REQUEST', 'landmarks are degenerate (all points equal)');
	const a = dot / norm;
	const b = cross / norm;
	return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(s: Similarity, p: Point): Point {
	return [s.a * p[0] - s.b * p[1] + s.tx, s.b * p[0] + s.a * p[1] + s.ty];
}

/** Outside the image: repeat the nearest edge pixel, or black as dlib's extract_image_chip does. */
export type Border = 'edge' | 'zero';

/** Samples a size x size RGB chip (bilinear); chip pixel centres map through `chipToImage`. */
export function warpChip(
	image: PixelImage,
	chipToImage: Similarity,
	size: number,
	border: Border = 'edge'
): PixelImage {
	const { width, height, channels, data } = image;
	const out = new Uint8Array(size * size * 3);
	const { a, b, tx, ty } = chipToImage;
	const maxX = width - 1;
	const maxY = height - 1;
	let o = 0;
	for (let v = 0; v < size; v++) {
		for (let u = 0; u < size; u++) {
			// Pixel centres: chip (u+0.5, v+0.5) -> image continuous coords -> index space (minus 0.5).
			const cu = u + 0.5;
			const cv = v + 0.5;
			let x = a * cu - b * cv + tx - 0.5;
			let y = b * cu + a * cv + ty - 0.5;
			if (border === 'zero' && (x < -0.5 || y < -0.5 || x > maxX + 0.5 || y > maxY + 0.5)) {
				o += 3; // the buffer starts zeroed
				continue;
			}
			x = x < 0 ? 0 : x > maxX ? maxX : x;
			y = y < 0 ? 0 : y > maxY ? maxY : y;
			const x0 = Math.floor(x);
			const y0 = Math.floor(y);
			const x1 = x0 < maxX ? x0 + 1 : x0;
			const y1 = y0 < maxY ? y0 + 1 : y0;
			const wx = x - x0;
			const wy = y - y0;
			const i00 = (y0 * width + x0) * channels;
			const i01 = (y0 * width + x1) * channels;
			const i10 = (y1 * width + x0) * channels;
			const i11 = (y1 * width + x1) * channels;
			for (let c = 0; c < 3; c++) {
				const top = data[i00 + c] + (data[i01 + c] - data[i00 + c]) * wx;
				const bottom = data[i10 + c] + (data[i11 + c] - data[i10 + c]) * wx;
				out[o++] = Math.round(top + (bottom - top) * wy);
			}
		}
	}
	return { width: size, height: size, channels: 3, data: out };
}

/** Similarity that puts the face's landmarks onto the template (chip -> image direction). */
export function chipTransform(landmarks: FiveLandmarks, template: ChipTemplate): Similarity {
	return estimateSimilarity(template.points, landmarkPoints(landmarks));
}

export function alignFace(
	image: PixelImage,
	landmarks: FiveLandmarks,
	template: ChipTemplate,
	border: Border = 'edge'
): PixelImage {
	return warpChip(image, chipTransform(landmarks, template), template.size, border);
}

/**
 * Fallback without landmarks: the box's centre square, enlarged by `scale`, resized to the chip
 * (no rotation), like the crop face-api and Human feed their networks.
 */
export function cropBox(image: PixelImage, box: Box, size: number, scale = 1): PixelImage {
	const [x, y, w, h] = box;
	const side = Math.max(w, h) * scale;
	const left = x + w / 2 - side / 2;
	const top = y + h / 2 - side / 2;
	const k = side / size;
	return warpChip(image, { a: k, b: 0, tx: left, ty: top }, size);
}

/** The template scaled about the chip centre and re-sized: same geometry, different margin or resolution. */
export function scaleTemplate(template: ChipTemplate, size: number, zoom = 1): ChipTemplate {
	const half = template.size / 2;
	const k = size / template.size;
	const map = (p: Point): Point => [((p[0] - half) * zoom + half) * k, ((p[1] - half) * zoom + half) * k];
	const [p0, p1, p2, p3, p4] = template.points;
	return { size, points: [map(p0), map(p1), map(p2), map(p3), map(p4)] };
}

/**
 * The template seen in a mirror: every point reflected about the chip's vertical centre line, and the
 * left/right labels swapped so that "left eye" still names the subject's left eye.
 */
export function mirrorTemplate(template: ChipTemplate): ChipTemplate {
	const [le, re, nose, ml, mr] = template.points;
	const m = (p: Point): Point => [template.size - p[0], p[1]];
	return { size: template.size, points: [m(re), m(le), m(nose), m(mr), m(ml)] };
}

/** The chip flipped left to right. */
export function mirrorChip(chip: PixelImage): PixelImage {
	const { width, height, channels, data } = chip;
	const out = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const from = (y * width + (width - 1 - x)) * channels;
			const to = (y * width + x) * 3;
			out[to] = data[from];
			out[to + 1] = data[from + 1];
			out[to + 2] = data[from + 2];
		}
	}
	return { width, height, channels: 3, data: out };
}
