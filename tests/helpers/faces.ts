import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared real-photo set lives beside the checkout, never inside it. */
export const FACES_DIR = path.resolve(process.env.FACES_DIR ?? path.join(repoRoot, '../shared/data/faces'));

export function facePath(relative: string): string {
	const full = path.join(FACES_DIR, relative);
	if (!existsSync(full)) throw new Error(`test photo missing: ${full} (set FACES_DIR)`);
	return full;
}

export const REPO_ROOT = repoRoot;
