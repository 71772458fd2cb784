import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CalibrationSample } from '../../lib/core/calibration';
import { createRng, shuffleInPlace } from '../../lib/core/random';
import { CommandError } from './run';

const IMAGE = /\.(jpe?g|png|webp)$/i;

/** Source and pose from the folder layout of ../shared/data/calibration (its README). */
function describe(folder: string, file: string): Pick<CalibrationSample, 'source' | 'pose'> {
	if (folder.startsWith('cfp_'))
		return { source: 'cfp', pose: file.startsWith('profile') ? 'profile' : 'frontal' };
	if (folder.startsWith('celeba_')) return { source: 'celeba', pose: 'wild' };
	return { source: 'other', pose: 'wild' };
}

/**
 * Every photo of the calibration set as (identity, source, pose, relative path), sorted. With
 * `identities`, a seeded subset of that many identities (the tests use one to stay fast).
 */
export async function listCalibrationSet(
	dir: string,
	options: { identities?: number; seed?: number } = {}
): Promise<CalibrationSample[]> {
	let folders: string[];
	try {
		folders = (await readdir(dir, { withFileTypes: true }))
			.filter((d) => d.isDirectory())
			.map((d) => d.name)
			.sort();
	} catch (error) {
		throw new CommandError(`cannot read calibration folder ${dir}: ${(error as Error).message}`);
	}
	if (options.identities !== undefined && options.identities < folders.length) {
		folders = shuffleInPlace(folders, createRng(options.seed ?? 7))
			.slice(0, options.identities)
			.sort();
	}
	const samples: CalibrationSample[] = [];
	for (const folder of folders) {
		const files = (await readdir(path.join(dir, folder))).filter((f) => IMAGE.test(f)).sort();
		for (const file of files) {
			samples.push({ identity: folder, file: `${folder}/${file}`, ...describe(folder, file) });
		}
	}
	if (samples.length === 0) throw new CommandError(`no photos in identity folders under ${dir}`);
	return samples;
}
