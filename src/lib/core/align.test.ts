import { describe, expect, it } from 'vitest';
import {
	alignFace,
	applySimilarity,
	chipTransform,
	cropBox,
	estimateSimilarity,
	mirrorChip,
	mirrorTemplate,
	scaleTemplate,
	warpChip,
	type ChipTemplate
} from './align';
import type { FiveLandmarks, PixelImage, Point } from './types';

const TEMPLATE: ChipTemplate = {
	size: 100,
	points: [
		[65, 40],
		[35, 40],
		[50, 55],
		[62, 70],
		[38, 70]
	]
};

/** A gradient image where every pixel's colour encodes its position: R = x, G = y, B = 7. */
function gradient(width: number, height: number, channels: 3 | 4 = 3): PixelImage {
	const data = new Uint8Array(width * height * channels);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * channels;
			data[i] = x;
			data[i + 1] = y;
			data[i + 2] = 7;
			if (channels === 4) data[i + 3] = 255;
		}
	}
	return { width, height, channels, data };
}

describe('estimateSimilarity', () => {
	it('recovers a known rotation, scale and translation exactly', () => {
		const truth = { a: 1.5 * Math.cos(0.3), b: 1.5 * Math.sin(0.3), tx: 12, ty: -4 };
		const from: Point[] = TEMPLATE.points.map((p) => [p[0], p[1]]);
		const to = from.map((p) => applySimilarity(truth, p));
		const s = estimateSimilarity(from, to);
		expect(s.a).toBeCloseTo(truth.a, 10);
		expect(s.b).toBeCloseTo(truth.b, 10);
		expect(s.tx).toBeCloseTo(truth.tx, 8);
		expect(s.ty).toBeCloseTo(truth.ty, 8);
	});

	it('never reflects: mirrored points give the best rotation, not a flip', () => {
		const from: Point[] = [
			[0, 0],
			[10, 0],
			[0, 10]
		];
		const mirrored: Point[] = from.map(([x, y]) => [-x, y]);
		const s = estimateSimilarity(from, mirrored);
		expect(Math.hypot(s.a, s.b)).toBeLessThan(1); // a reflection cannot be fitted, so the scale shrinks
	});

	it('rejects degenerate input', () => {
		expect(() =>
			estimateSimilarity(
				[
					[1, 1],
					[1, 1]
				],
				[
					[0, 0],
					[1, 1]
				]
			)
		).toThrow(/degenerate/);
		expect(() => estimateSimilarity([[0, 0]], [[0, 0]])).toThrow(/two/);
	});
});

describe('warpChip', () => {
	it('reproduces the image under the identity transform', () => {
		const image = gradient(20, 10);
		const chip = warpChip(image, { a: 1, b: 0, tx: 0, ty: 0 }, 10);
		for (let y = 0; y < 10; y++) {
			for (let x = 0; x < 10; x++)
				expect([...chip.data.subarray((y * 10 + x) * 3, (y * 10 + x) * 3 + 3)]).toEqual([x, y, 7]);
		}
	});

	it('interpolates bilinearly between pixels and drops alpha', () => {
		const image = gradient(20, 20, 4);
		const chip = warpChip(image, { a: 1, b: 0, tx: 3.5, ty: 2.25 }, 4);
		expect(chip.channels).toBe(3);
		// Chip pixel (0,0) samples image index position (3.5, 2.25): R = 3.5 -> 4 (rounded), G = 2.25 -> 2.
		expect([...chip.data.subarray(0, 3)]).toEqual([4, 2, 7]);
	});

	it('repeats edge pixels outside the image, or paints them black', () => {
		const image = gradient(10, 10);
		const shifted = { a: 1, b: 0, tx: -5, ty: -5 };
		expect([...warpChip(image, shifted, 4, 'edge').data.subarray(0, 3)]).toEqual([0, 0, 7]);
		expect([...warpChip(image, shifted, 4, 'zero').data.subarray(0, 3)]).toEqual([0, 0, 0]);
	});
});

describe('alignFace', () => {
	it('puts the landmarks where the template says, whatever the pose in the image', () => {
		const image = gradient(200, 200);
		const pose = { a: 1.2 * Math.cos(-0.2), b: 1.2 * Math.sin(-0.2), tx: 40, ty: 60 };
		const [leftEye, rightEye, nose, mouthLeft, mouthRight] = TEMPLATE.points.map((p) =>
			applySimilarity(pose, p)
		);
		const landmarks: FiveLandmarks = { leftEye, rightEye, nose, mouthLeft, mouthRight };
		const chip = alignFace(image, landmarks, TEMPLATE);
		expect(chip.width).toBe(100);
		// The gradient encodes positions, so the chip pixel at the template's nose shows the nose's image coordinates.
		const [nx, ny] = TEMPLATE.points[2];
		const i = (Math.floor(ny) * 100 + Math.floor(nx)) * 3;
		const expected = applySimilarity(chipTransform(landmarks, TEMPLATE), [nx + 0.5, ny + 0.5]);
		expect(chip.data[i]).toBeCloseTo(expected[0] - 0.5, -0.5);
		expect(chip.data[i + 1]).toBeCloseTo(expected[1] - 0.5, -0.5);
	});

	it('is deterministic', () => {
		const image = gradient(120, 90);
		const landmarks: FiveLandmarks = {
			leftEye: [70, 30],
			rightEye: [40, 32],
			nose: [55, 48],
			mouthLeft: [68, 62],
			mouthRight: [43, 63]
		};
		expect(alignFace(image, landmarks, TEMPLATE).data).toEqual(alignFace(image, landmarks, TEMPLATE).data);
	});
});

describe('cropBox and scaleTemplate', () => {
	it('crops the square around the box centre', () => {
		const image = gradient(100, 100);
		const chip = cropBox(image, [20, 30, 40, 20], 40); // square side 40 centred on (40, 40): x 20..60, y 20..60
		expect([...chip.data.subarray(0, 3)]).toEqual([20, 20, 7]);
		const last = (40 * 40 - 1) * 3;
		expect([...chip.data.subarray(last, last + 3)]).toEqual([59, 59, 7]);
	});

	it('scales a template about its centre', () => {
		const t = scaleTemplate(TEMPLATE, 200, 0.5);
		expect(t.size).toBe(200);
		expect(t.points[0]).toEqual([115, 90]); // (65-50)*0.5+50 = 57.5, x2 = 115
	});
});

describe('mirroring', () => {
	it('mirrors a template with left and right swapped, and mirroring twice gives it back', () => {
		const t: ChipTemplate = {
			size: 100,
			points: [
				[70, 40],
				[30, 42],
				[51, 60],
				[66, 80],
				[35, 81]
			]
		};
		const m = mirrorTemplate(t);
		expect(m.points[0]).toEqual([70, 42]); // the subject's left eye sits where the right eye's mirror image is
		expect(m.points[2]).toEqual([49, 60]);
		expect(mirrorTemplate(m)).toEqual(t);
	});

	it('flips a chip left to right', () => {
		const chip: PixelImage = {
			width: 3,
			height: 1,
			channels: 3,
			data: Uint8Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3])
		};
		expect(Array.from(mirrorChip(chip).data)).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1]);
		expect(mirrorChip(mirrorChip(chip))).toEqual(chip);
	});
});
