import sharp from 'sharp';
import type { Box, PixelImage } from '../../lib/core/types';

export interface CropGeometry {
	/** Square side in source pixels before resizing. */
	side: number;
	left: number;
	top: number;
}

/** A square around the box centre, `margin` times the box's longer side, so the next step can detect again. */
export function cropGeometry(box: Box, margin: number): CropGeometry {
	const side = Math.max(1, Math.round(Math.max(box[2], box[3]) * margin));
	const cx = box[0] + box[2] / 2;
	const cy = box[1] + box[3] / 2;
	return { side, left: Math.round(cx - side / 2), top: Math.round(cy - side / 2) };
}

/** Copies the square out of the image; parts outside it stay black (faces near the border keep their place). */
export function cutSquare(image: PixelImage, geometry: CropGeometry): PixelImage {
	const { side, left, top } = geometry;
	const channels = image.channels;
	const out = new Uint8Array(side * side * channels);
	const x0 = Math.max(0, left);
	const x1 = Math.min(image.width, left + side);
	for (let row = 0; row < side; row++) {
		const sy = top + row;
		if (sy < 0 || sy >= image.height || x1 <= x0) continue;
		const from = (sy * image.width + x0) * channels;
		const to = (sy * image.width + x1) * channels;
		out.set(image.data.subarray(from, to), (row * side + (x0 - left)) * channels);
	}
	return { width: side, height: side, channels, data: out };
}

export type CropFormat = 'jpeg' | 'png';

/** The crop resized to `size` px square and encoded; JPEG at quality 95 leaves embeddings practically unchanged. */
export async function encodeFaceCrop(
	image: PixelImage,
	box: Box,
	options: { margin: number; size: number; format: CropFormat }
): Promise<Uint8Array> {
	const square = cutSquare(image, cropGeometry(box, options.margin));
	const pipeline = sharp(Buffer.from(square.data.buffer, square.data.byteOffset, square.data.byteLength), {
		raw: { width: square.width, height: square.height, channels: square.channels }
	}).resize(options.size, options.size, { kernel: 'lanczos3' });
	const encoded =
		options.format === 'png' ? pipeline.png() : pipeline.jpeg({ quality: 95, chromaSubsampling: '4:4:4' });
	return new Uint8Array(await encoded.toBuffer());
}
