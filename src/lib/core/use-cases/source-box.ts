import type { Box, PixelImage } from '../types';

/**
 * A box in the analysed image's pixels, in the pixels of the image as it was given: uploads are
 * downscaled before detection (PixelImage.sourceScale), and answers speak of the upload.
 */
export function toSourceBox(box: Box, image: Pick<PixelImage, 'sourceScale'>): Box {
	const scale = image.sourceScale ?? 1;
	return box.map((v) => Math.round(v * scale)) as Box;
}
