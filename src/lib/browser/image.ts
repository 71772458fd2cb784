import { PROFILE } from '../core/defaults';
import type { Box, PixelImage } from '../core/types';

/** Same cap as the server (MAX_IMAGE_SIDE): bigger inputs grow the WASM heap and shift the embedding. */
export const MAX_IMAGE_SIDE = PROFILE.maxImageSide;

export class ImageDecodeError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ImageDecodeError';
	}
}

export function canvasOf(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
	if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
	const canvas = document.createElement('canvas');
	canvas.width = width;
	canvas.height = height;
	return canvas;
}

function context2d(canvas: OffscreenCanvas | HTMLCanvasElement) {
	const ctx = canvas.getContext('2d', { willReadFrequently: true }) as
		OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
	if (!ctx) throw new ImageDecodeError('2D canvas unavailable');
	return ctx;
}

/** Draws a source into an RGBA PixelImage, downscaled so its longer side is at most `maxSide`. */
export function toPixelImage(
	source: CanvasImageSource,
	width: number,
	height: number,
	maxSide = MAX_IMAGE_SIDE
): PixelImage {
	if (!width || !height) throw new ImageDecodeError('empty image');
	const scale = Math.min(1, maxSide / Math.max(width, height));
	const w = Math.max(1, Math.round(width * scale));
	const h = Math.max(1, Math.round(height * scale));
	const ctx = context2d(canvasOf(w, h));
	ctx.imageSmoothingQuality = 'high';
	ctx.drawImage(source, 0, 0, w, h);
	const { data } = ctx.getImageData(0, 0, w, h);
	return { width: w, height: h, channels: 4, data };
}

/** Decodes a file honouring EXIF orientation, without colour-profile conversion (like the server's sharp). */
export async function decodeFile(file: Blob): Promise<PixelImage> {
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, {
			imageOrientation: 'from-image',
			colorSpaceConversion: 'none',
			premultiplyAlpha: 'none'
		});
	} catch {
		throw new ImageDecodeError('not a readable image');
	}
	try {
		return toPixelImage(bitmap, bitmap.width, bitmap.height);
	} finally {
		bitmap.close();
	}
}

/** One camera frame; the video is not mirrored here (the overlay mirrors with CSS). */
export function grabFrame(video: HTMLVideoElement, maxSide = MAX_IMAGE_SIDE): PixelImage {
	return toPixelImage(video, video.videoWidth, video.videoHeight, maxSide);
}

/** An RGBA ImageData of any PixelImage (RGB ones get an opaque alpha channel). */
function imageData(image: PixelImage): ImageData {
	const pixels = image.width * image.height;
	const rgba = new Uint8ClampedArray(pixels * 4);
	if (image.channels === 4) rgba.set(image.data);
	else {
		for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
			rgba[i] = image.data[j];
			rgba[i + 1] = image.data[j + 1];
			rgba[i + 2] = image.data[j + 2];
			rgba[i + 3] = 255;
		}
	}
	return new ImageData(rgba, image.width, image.height);
}

function canvasWith(image: PixelImage): OffscreenCanvas | HTMLCanvasElement {
	const canvas = canvasOf(image.width, image.height);
	context2d(canvas).putImageData(imageData(image), 0, 0);
	return canvas;
}

function toJpeg(canvas: OffscreenCanvas | HTMLCanvasElement, quality: number): Promise<Blob> {
	if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality });
	return new Promise((resolve, reject) =>
		canvas.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new ImageDecodeError('JPEG encoding failed'))),
			'image/jpeg',
			quality
		)
	);
}

/** A decoded image (already downscaled by decodeFile/grabFrame) as JPEG: server mode sends exactly these pixels. */
export function pixelImageToJpeg(image: PixelImage, quality = 0.9): Promise<Blob> {
	return toJpeg(canvasWith(image), quality);
}

/** A square crop around the face box (with a margin), as a small JPEG blob for thumbnails. */
export async function faceThumbnail(image: PixelImage, box: Box, size = 96, margin = 0.25): Promise<Blob> {
	const [x, y, w, h] = box;
	const side = Math.max(w, h) * (1 + 2 * margin);
	const sx = x + w / 2 - side / 2;
	const sy = y + h / 2 - side / 2;
	const full = canvasWith(image);
	const out = canvasOf(size, size);
	const ctx = context2d(out);
	ctx.fillStyle = '#222';
	ctx.fillRect(0, 0, size, size);
	ctx.drawImage(full as CanvasImageSource, sx, sy, side, side, 0, 0, size, size);
	return toJpeg(out, 0.85);
}
