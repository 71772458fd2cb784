import type { ChipTemplate } from '../align';

export interface VersionedTemplate extends ChipTemplate {
	version: string;
}

/*
 * Templates are measured, not guessed (scratch/derive-templates.ts): our FaceMesh five points averaged
 * over reference crops, so any bias of the mesh's landmark definitions cancels out.
 */

/**
 * dlib's 150x150 face chip (get_face_chip_details, padding 0.25), the input its ResNet was trained on:
 * mean landmarks over the 54 dlib-aligned John_* chips in the shared photo set (spread 1.3-4 px).
 */
export const DLIB_CHIP: VersionedTemplate = {
	version: 'align-v1',
	size: 150,
	points: [
		[99.9, 47.1],
		[46.6, 46.1],
		[73.3, 80.5],
		[98.2, 100.9],
		[48.9, 101.1]
	]
};

/**
 * Human's faceres crop (BlazeFace box enlarged 1.4x and squared, resized to 224): mean landmarks inside
 * that crop over the 105 pair images where it was found. Same framing, but rotated upright.
 */
export const FACERES_CHIP: VersionedTemplate = {
	version: 'align-v1',
	size: 224,
	points: [
		[148.6, 69.9],
		[70.2, 69.4],
		[108.3, 120.2],
		[145.7, 149.2],
		[74.9, 149.6]
	]
};
