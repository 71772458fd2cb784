import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions the crop and embed steps read, compared case-insensitively. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp'] as const;

export function isImageFile(file: string): boolean {
	return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase());
}

export interface DirectoryListing {
	/** Paths relative to the listed folder, '/'-separated, sorted so runs are reproducible. */
	images: string[];
	/** Files that are not images by extension: the caller logs them as skipped. */
	others: string[];
}

/**
 * Every file under `root`, sub-folders included (symbolic links followed once), split into images and the
 * rest. Folders in `exclude` are left out: an output folder inside the input must not be read back.
 */
export async function listDataset(root: string, exclude: string[] = []): Promise<DirectoryListing> {
	const images: string[] = [];
	const others: string[] = [];
	const skip = new Set(await Promise.all(exclude.map((dir) => realpath(dir).catch(() => path.resolve(dir)))));
	const visited = new Set<string>();
	const walk = async (relative: string) => {
		const real = await realpath(path.join(root, relative));
		if (visited.has(real) || skip.has(real)) return;
		visited.add(real);
		const entries = await readdir(path.join(root, relative), { withFileTypes: true });
		for (const entry of entries) {
			const child = relative ? `${relative}/${entry.name}` : entry.name;
			const isDirectory =
				entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectoryPath(root, child)));
			if (isDirectory) await walk(child);
			else if (isImageFile(entry.name)) images.push(child);
			else others.push(child);
		}
	};
	await walk('');
	const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
	return { images: images.sort(byName), others: others.sort(byName) };
}

async function isDirectoryPath(root: string, relative: string): Promise<boolean> {
	try {
		return (await stat(path.join(root, relative))).isDirectory();
	} catch {
		return false;
	}
}

export async function directoryExists(dir: string): Promise<boolean> {
	try {
		return (await stat(dir)).isDirectory();
	} catch {
		return false;
	}
}
