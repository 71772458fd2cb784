import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/faces';

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

/** Runs `npm run build` when build/ is missing or older than src/ or static/. */
export function ensureBuild(log: (line: string) => void = console.log): void {
	const entry = path.join(REPO_ROOT, 'build/index.js');
	const sources = ['src', 'static'].map((dir) => newestMtime(path.join(REPO_ROOT, dir)));
	if (existsSync(entry) && statSync(entry).mtimeMs >= Math.max(...sources)) return;
	log('building the app (npm run build)…');
	const result = spawnSync('npm', ['run', 'build'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	if (result.status !== 0) throw new Error('npm run build failed');
}
