import type { PixelImage } from '../../core/types';
import { canvasOf } from '../image';

/** JPEG frames for server mode, drawn on a canvas so the server sees exactly the pixels shown here. */

const JPEG_QUALITY = 0.9;

function toJpeg(canvas: OffscreenCanvas | HTMLCanvasElement): Promise<Blob> {
	if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
	return new Promise((resolve, reject) =>
		canvas.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new Error('JPEG encoding failed'))),
			'image/jpeg',
			JPEG_QUALITY
		)
	);
}

/** Encodes a decoded image (already downscaled by decodeFile/grabFrame) as JPEG. */
export function pixelImageToJpeg(image: PixelImage): Promise<Blob> {
	const canvas = canvasOf(image.width, image.height);
	const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
	if (!ctx) throw new Error('2D canvas unavailable');
	const rgba = new Uint8ClampedArray(image.width * image.height * 4);
	if (image.channels === 4) rgba.set(image.data);
	else {
		for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
			rgba[i] = image.data[j];
			rgba[i + 1] = image.data[j + 1];
			rgba[i + 2] = image.data[j + 2];
			rgba[i + 3] = 255;
		}
	}
	ctx.putImageData(new ImageData(rgba, image.width, image.height), 0, 0);
	return toJpeg(canvas);
}
