import type { ChipTemplate } from '../align';

export interface VersionedTemplate extends ChipTemplate {
	version: string;
}

/** PLACEHOLDER, replaced by measured values below. */
export const DLIB_CHIP: VersionedTemplate = {
	version: 'align-v0',
	size: 150,
	points: [
		[100, 62],
		[50, 62],
		[75, 90],
		[98, 112],
		[52, 112]
	]
};

/** PLACEHOLDER */
export const FACERES_CHIP: VersionedTemplate = {
	version: 'crop-v0',
	size: 224,
	points: [
		[140, 95],
		[84, 95],
		[112, 125],
		[136, 155],
		[88, 155]
	]
};
