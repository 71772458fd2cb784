import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { PROFILE } from '../core/defaults';
import { CoreError } from '../core/errors';
import type { PixelImage } from '../core/types';
import type { ServerConfig } from './config';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface DecodeOptions {
	/** Longest side after downscaling: big tensors grow the WASM heap for good and shift embeddings. */
	maxSide?: number;
	/** Refuse images above this many pixels before decoding them. */
	maxPixels?: number;
	/** The header as `checkImage` already read it (with these limits): not read again. */
	checked?: CheckedImage;
}

const DEFAULT_MAX_SIDE = PROFILE.maxImageSide;
const DEFAULT_MAX_PIXELS = 50_000_000;
/** Longest side accepted at all (a 50 MP photo is about 8,700 x 5,800). */
export const MAX_SIDE_PIXELS = 20_000;

/** Format from the magic bytes; the file name and the declared type are never trusted. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
	const b = bytes;
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
	const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
	if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
	return null;
}

export interface CheckedImage {
	format: ImageFormat;
	width: number;
	height: number;
}

/**
 * The format and size from the file's header, without decoding it: refuses an empty, unknown, corrupt or too large
 * file. Cheap, so a request with many images can check them all before decoding any.
 */
export async function checkImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Promise<CheckedImage> {
	if (bytes.length === 0) throw new CoreError('BAD_IMAGE', 'The file is empty.');
	const format = sniffFormat(bytes);
	if (!format)
		throw new CoreError('UNSUPPORTED_FORMAT', 'Not a supported image: send a JPEG, PNG or WebP file.');
	let width: number | undefined;
	let height: number | undefined;
	try {
		({ width, height } = await sharp(asBuffer(bytes), { limitInputPixels: false }).metadata());
	} catch {
		throw new CoreError('BAD_IMAGE', `The ${format.toUpperCase()} file is corrupt or truncated.`);
	}
	if (!width || !height) throw new CoreError('BAD_IMAGE', 'The image has no size.');
	// A strip of 1 x 40 million pixels passes the pixel limit but costs seconds to decode: no photo is that thin.
	if (Math.max(width, height) > MAX_SIDE_PIXELS) {
		throw new CoreError(
			'IMAGE_TOO_LARGE',
			`The image is ${width}x${height}; no side may exceed ${MAX_SIDE_PIXELS} pixels.`
		);
	}
	if (width * height > maxPixels) {
		throw new CoreError(
			'IMAGE_TOO_LARGE',
			`The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP); the limit is ${(maxPixels / 1e6).toFixed(1)} MP.`
		);
	}
	return { format, width, height };
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<PixelImage> {
	const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
	const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
	const { format, width, height } = options.checked ?? (await checkImage(bytes, maxPixels));
	const input = asBuffer(bytes);
	try {
		// failOn 'warning' keeps truncated files an error instead of a silently grey image.
		const { data, info } = await sharp(input, { failOn: 'warning', limitInputPixels: maxPixels })
			.rotate()
			.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
			.toColourspace('srgb')
			.removeAlpha()
			.raw()
			.toBuffer({ resolveWithObject: true });
		if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
		const image: PixelImage = {
			width: info.width,
			height: info.height,
			channels: 3,
			data: new Uint8Array(data)
		};
		// EXIF orientation may swap the sides: compare the longer sides.
		const sourceScale = Math.max(width, height) / Math.max(info.width, info.height);
		return sourceScale === 1 ? image : { ...image, sourceScale };
	} catch {
		throw new CoreError('BAD_IMAGE', `The ${format.toUpperCase()} file is corrupt or truncated.`);
	}
}

/** An uploaded image under the server's configured limits (MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS). */
export function decodeUpload(
	bytes: Uint8Array,
	config: Pick<ServerConfig, 'maxImageSide' | 'maxImagePixels'>
): Promise<PixelImage> {
	return decodeImage(bytes, { maxSide: config.maxImageSide, maxPixels: config.maxImagePixels });
}

export async function decodeImageFile(path: string, options?: DecodeOptions): Promise<PixelImage> {
	return decodeImage(new Uint8Array(await readFile(path)), options);
}

export async function encodeImage(image: PixelImage, format: 'jpeg' | 'png'): Promise<Uint8Array> {
	const pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
		raw: { width: image.width, height: image.height, channels: image.channels }
	});
	const out = format === 'jpeg' ? pipeline.jpeg({ quality: 92 }) : pipeline.png();
	return new Uint8Array(await out.toBuffer());
}
