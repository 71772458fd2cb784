import { describe, expect, it } from 'vitest';
import { assessQuality, DEFAULT_QUALITY, estimateYaw, measureSharpness } from './quality';
import type { DetectedFace, FiveLandmarks, PixelImage } from './types';

/** Deterministic fine texture: sharp edges everywhere. */
function texture(width: number, height: number, channels: 3 | 4 = 3): PixelImage {
	const data = new Uint8Array(width * height * channels);
	let s = 12345;
	for (let i = 0; i < width * height; i++) {
		s = (s * 1103515245 + 12345) >>> 0;
		const v = (s >>> 16) & 255;
		for (let c = 0; c < 3; c++) data[i * channels + c] = v;
		if (channels === 4) data[i * channels + 3] = 255;
	}
	return { width, height, channels, data };
}

/** Box blur with the given radius, repeated: what a defocused photo looks like. */
function blur(image: PixelImage, radius: number, passes = 3): PixelImage {
	let src = Uint8Array.from(image.data);
	const { width, height, channels } = image;
	for (let p = 0; p < passes; p++) {
		const dst = new Uint8Array(src.length);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				for (let c = 0; c < channels; c++) {
					let acc = 0;
					let n = 0;
					for (let dy = -radius; dy <= radius; dy++) {
						for (let dx = -radius; dx <= radius; dx++) {
							const xx = Math.min(width - 1, Math.max(0, x + dx));
							const yy = Math.min(height - 1, Math.max(0, y + dy));
							acc += src[(yy * width + xx) * channels + c];
							n++;
						}
					}
					dst[(y * width + x) * channels + c] = Math.round(acc / n);
				}
			}
		}
		src = dst;
	}
	return { ...image, data: src };
}

const frontal: FiveLandmarks = {
	leftEye: [70, 40],
	rightEye: [30, 40],
	nose: [50, 60],
	mouthLeft: [65, 80],
	mouthRight: [35, 80]
};

function face(box: DetectedFace['box'], landmarks = frontal): DetectedFace {
	return { box, score: 0.99, landmarks };
}

describe('estimateYaw', () => {
	it('is zero for a frontal face and signed when the nose moves sideways', () => {
		expect(Math.abs(estimateYaw(frontal))).toBeLessThan(1e-9);
		const right = estimateYaw({ ...frontal, nose: [60, 60] });
		const left = estimateYaw({ ...frontal, nose: [40, 60] });
		expect(right).toBeGreaterThan(20);
		expect(left).toBeCloseTo(-right, 9);
	});

	it('ignores head roll', () => {
		const angle = (25 * Math.PI) / 180;
		const rotate = ([x, y]: [number, number]): [number, number] => [
			50 + (x - 50) * Math.cos(angle) - (y - 50) * Math.sin(angle),
			50 + (x - 50) * Math.sin(angle) + (y - 50) * Math.cos(angle)
		];
		const rolled: FiveLandmarks = {
			leftEye: rotate(frontal.leftEye),
			rightEye: rotate(frontal.rightEye),
			nose: rotate(frontal.nose),
			mouthLeft: rotate(frontal.mouthLeft),
			mouthRight: rotate(frontal.mouthRight)
		};
		expect(Math.abs(estimateYaw(rolled))).toBeLessThan(1e-6);
	});

	it('grows with the turn, approaching 90 degrees for a profile', () => {
		const a = Math.abs(estimateYaw({ ...frontal, nose: [55, 60] }));
		const b = Math.abs(estimateYaw({ ...frontal, nose: [65, 60] }));
		const c = Math.abs(estimateYaw({ ...frontal, nose: [100, 60] }));
		expect(a).toBeLessThan(b);
		expect(b).toBeLessThan(c);
		expect(c).toBeLessThan(90);
		expect(estimateYaw({ ...frontal, rightEye: frontal.leftEye })).toBe(90);
	});
});

describe('measureSharpness', () => {
	it('drops sharply when the same face region is blurred', () => {
		const sharp = texture(128, 128);
		const soft = blur(sharp, 2);
		const box: DetectedFace['box'] = [16, 16, 96, 96];
		const s = measureSharpness(sharp, box);
		const b = measureSharpness(soft, box);
		expect(s).toBeGreaterThan(DEFAULT_QUALITY.minSharpness);
		expect(b).toBeLessThan(DEFAULT_QUALITY.minSharpness);
		expect(s / b).toBeGreaterThan(10);
	});

	it('reads RGBA like RGB and survives a box that leaves the image', () => {
		const rgb = texture(64, 64, 3);
		const rgba = texture(64, 64, 4);
		expect(measureSharpness(rgba, [0, 0, 64, 64])).toBeCloseTo(measureSharpness(rgb, [0, 0, 64, 64]), 6);
		expect(Number.isFinite(measureSharpness(rgb, [-20, 40, 200, 200]))).toBe(true);
	});

	it('is zero for a flat image', () => {
		const flat: PixelImage = {
			width: 32,
			height: 32,
			channels: 3,
			data: new Uint8Array(32 * 32 * 3).fill(128)
		};
		expect(measureSharpness(flat, [0, 0, 32, 32])).toBe(0);
	});
});

describe('assessQuality', () => {
	const image = texture(200, 200);

	it('accepts a large, sharp, frontal face', () => {
		const q = assessQuality(image, face([20, 20, 120, 140]));
		expect(q).toMatchObject({ ok: true, issues: [], faceSize: 120 });
	});

	it('names every problem it finds', () => {
		const turned = { ...frontal, nose: [80, 60] as [number, number] };
		const q = assessQuality(blur(image, 3), face([10, 10, 30, 40], turned));
		expect(q.ok).toBe(false);
		expect(q.issues).toEqual(['FACE_TOO_SMALL', 'TOO_BLURRY', 'TURNED_AWAY']);
	});

	it("prefers the detector's own yaw when it has one", () => {
		const q = assessQuality(image, { ...face([20, 20, 120, 120]), yaw: -60 });
		expect(q.yaw).toBe(60);
		expect(q.issues).toEqual(['TURNED_AWAY']);
	});

	it('uses the thresholds it is given', () => {
		const q = assessQuality(image, face([20, 20, 60, 60]), { ...DEFAULT_QUALITY, minFaceSize: 100 });
		expect(q.issues).toEqual(['FACE_TOO_SMALL']);
	});
});
