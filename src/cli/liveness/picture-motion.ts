import type { PixelImage } from '../../lib/core/types';

/** How a hand holds a flat picture (print or screen) in front of the camera at one moment. */
export interface PicturePose {
	/** Rotation about the picture's vertical axis, degrees (what a head turn would look like). */
	tiltX: number;
	/** Rotation about its horizontal axis, degrees (a nod). */
	tiltY: number;
	/** In-plane rotation, degrees. */
	roll: number;
	scale: number;
	/** Shift as a fraction of the image size. */
	dx: number;
	dy: number;
}

export const STILL_POSE: PicturePose = { tiltX: 0, tiltY: 0, roll: 0, scale: 1, dx: 0, dy: 0 };

type Mat3 = number[];

const mul = (a: Mat3, b: Mat3): Mat3 =>
	[0, 1, 2].flatMap((r) =>
		[0, 1, 2].map((c) => a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c])
	);

function invert(m: Mat3): Mat3 {
	const [a, b, c, d, e, f, g, h, i] = m;
	const A = e * i - f * h;
	const B = -(d * i - f * g);
	const C = d * h - e * g;
	const det = a * A + b * B + c * C;
	return [
		A,
		-(b * i - c * h),
		b * f - c * e,
		B,
		a * i - c * g,
		-(a * f - c * d),
		C,
		-(a * h - b * g),
		a * e - b * d
	].map((v) => v / det);
}

/**
 * Homography from picture pixels to camera pixels for a flat picture rotated in 3D and seen by a pinhole
 * camera (focal length 1.2 image widths, the field of view of a laptop camera).
 */
function homography(width: number, height: number, pose: PicturePose): Mat3 {
	const rad = Math.PI / 180;
	const f = 1.2 * width;
	const [cx, cy] = [width / 2, height / 2];
	const rx = pose.tiltY * rad;
	const ry = pose.tiltX * rad;
	const rz = pose.roll * rad;
	const Rx = [1, 0, 0, 0, Math.cos(rx), -Math.sin(rx), 0, Math.sin(rx), Math.cos(rx)];
	const Ry = [Math.cos(ry), 0, Math.sin(ry), 0, 1, 0, -Math.sin(ry), 0, Math.cos(ry)];
	const Rz = [Math.cos(rz), -Math.sin(rz), 0, Math.sin(rz), Math.cos(rz), 0, 0, 0, 1];
	const R = mul(Ry, mul(Rx, Rz));
	// Plane point (x - cx, y - cy, 0) scaled, rotated, placed at depth f, projected with intrinsics K.
	const s = pose.scale;
	const toPlane = [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1];
	const placed = [R[0], R[1], 0, R[3], R[4], 0, R[6], R[7], f];
	const K = [f, 0, cx + pose.dx * width, 0, f, cy + pose.dy * height, 0, 0, 1];
	return mul(K, mul(placed, toPlane));
}

/** The picture as the camera sees it in `pose`, on a grey background, by inverse bilinear mapping. */
export function renderPicture(source: PixelImage, pose: PicturePose): PixelImage {
	const { width, height, channels, data } = source;
	const inv = invert(homography(width, height, pose));
	const out = new Uint8Array(width * height * 3).fill(118);
	for (let v = 0; v < height; v++) {
		for (let u = 0; u < width; u++) {
			const w = inv[6] * u + inv[7] * v + inv[8];
			const x = (inv[0] * u + inv[1] * v + inv[2]) / w;
			const y = (inv[3] * u + inv[4] * v + inv[5]) / w;
			if (x < 0 || y < 0 || x >= width - 1 || y >= height - 1) continue;
			const x0 = Math.floor(x);
			const y0 = Math.floor(y);
			const fx = x - x0;
			const fy = y - y0;
			const o = (v * width + u) * 3;
			for (let c = 0; c < 3; c++) {
				const p = (yy: number, xx: number) => data[(yy * width + xx) * channels + c];
				const top = p(y0, x0) * (1 - fx) + p(y0, x0 + 1) * fx;
				const bottom = p(y0 + 1, x0) * (1 - fx) + p(y0 + 1, x0 + 1) * fx;
				out[o + c] = top * (1 - fy) + bottom * fy;
			}
		}
	}
	return { width, height, channels: 3, data: out };
}
