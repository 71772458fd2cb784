import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PixelImage } from '../../lib/core/types';
import { cropGeometry, cutSquare, encodeFaceCrop } from './face-crop';

/** 4x3 RGB image whose red channel holds the pixel index, so copies can be traced. */
function indexedImage(): PixelImage {
	const data = new Uint8Array(4 * 3 * 3);
	for (let i = 0; i < 12; i++) data[i * 3] = i + 1;
	return { width: 4, height: 3, channels: 3, data };
}

describe('face crop', () => {
	it('centres a square of margin x the longer box side on the box', () => {
		expect(cropGeometry([10, 20, 40, 50], 1.6)).toEqual({ side: 80, left: -10, top: 5 });
	});

	it('copies the square and leaves the part outside the image black', () => {
		const square = cutSquare(indexedImage(), { side: 3, left: -1, top: 1 });
		const red = Array.from({ length: 9 }, (_, i) => square.data[i * 3]);
		// rows 1..2 of the source (pixels 5..12), column -1 is outside, row 3 is outside
		expect(red).toEqual([0, 5, 6, 0, 9, 10, 0, 0, 0]);
	});

	it('encodes a square crop of the requested size', async () => {
		const image: PixelImage = {
			width: 64,
			height: 48,
			channels: 3,
			data: new Uint8Array(64 * 48 * 3).fill(128)
		};
		const bytes = await encodeFaceCrop(image, [20, 10, 20, 24], { margin: 1.5, size: 40, format: 'png' });
		const meta = await sharp(bytes).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 40, 40]);
	});
});
