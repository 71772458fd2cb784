import { describe, expect, it } from 'vitest';
import type { FaceEngine } from './face-engine';
import { detectWithRetry, isSoleFace, padImage, pickMainFace } from './pipeline';
import type { DetectedFace, PixelImage } from './types';

const image = { width: 1000, height: 800 };

function face(x: number, y: number, size: number): DetectedFace {
	const p = (dx: number, dy: number): [number, number] => [x + dx * size, y + dy * size];
	return {
		box: [x, y, size, size],
		score: 0.9,
		landmarks: {
			leftEye: p(0.7, 0.35),
			rightEye: p(0.3, 0.35),
			nose: p(0.5, 0.55),
			mouthLeft: p(0.65, 0.75),
			mouthRight: p(0.35, 0.75)
		}
	};
}

describe('choosing the face a request is about', () => {
	it('prefers the most central of faces of similar size, and the largest when sizes differ', () => {
		const central = face(440, 340, 120);
		const corner = face(20, 20, 130);
		expect(pickMainFace([corner, central], image)).toBe(central);
		const big = face(20, 20, 300);
		expect(pickMainFace([big, central], image)).toBe(big);
		expect(() => pickMainFace([], image)).toThrow(/No face/);
	});

	it('accepts a passer-by in the background but refuses two faces of similar size', () => {
		const main = face(400, 300, 240);
		const passerBy = face(50, 50, 90);
		expect(pickMainFace([main, passerBy], image)).toBe(main);
		expect(isSoleFace(main, [main, passerBy])).toBe(true);
		const rival = face(700, 300, 200);
		expect(isSoleFace(main, [main, rival])).toBe(false);
	});
});

describe('tight face chips', () => {
	const chip: PixelImage = { width: 4, height: 2, channels: 3, data: new Uint8Array(24).fill(200) };

	it('pads an image onto a grey canvas, keeping its pixels', () => {
		const { image: padded, offset } = padImage(chip, 2);
		expect([padded.width, padded.height, offset]).toEqual([8, 4, [2, 1]]);
		const at = (x: number, y: number) => padded.data[(y * 8 + x) * 3];
		expect(at(0, 0)).toBe(128);
		expect(at(2, 1)).toBe(200);
		expect(at(5, 2)).toBe(200);
		expect(at(6, 2)).toBe(128);
	});

	it('retries a small image with no face on the padded canvas and maps the face back', async () => {
		const seen: number[] = [];
		const engine = {
			detect: async (img: PixelImage) => {
				seen.push(img.width);
				return img.width === 8 ? [face(3, 1, 2)] : [];
			}
		} as unknown as FaceEngine;
		const { faces, padded } = await detectWithRetry(engine, chip);
		expect(seen).toEqual([4, 8]);
		expect(padded).toBe(true);
		expect(faces[0].box).toEqual([1, 0, 2, 2]);
		expect(faces[0].landmarks.nose).toEqual([1 + 0.5 * 2, 0 + 0.55 * 2]);
		// A large photo with no face is not retried: it is not a chip.
		seen.length = 0;
		const photo: PixelImage = { width: 800, height: 600, channels: 3, data: new Uint8Array(800 * 600 * 3) };
		expect((await detectWithRetry(engine, photo)).faces).toEqual([]);
		expect(seen).toEqual([800]);
	});
});
