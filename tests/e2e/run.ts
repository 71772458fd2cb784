import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/faces';
import { startBuiltServer } from '../helpers/server';
import { launch } from './lib/browser';
import { state } from './lib/context';
import { registry, withTimeout } from './lib/harness';

/**
 * End-to-end tests: the production build in Debian's Chromium (playwright-core), WASM backend, real
 * models, real photos. Builds first when the build is missing or older than the sources.
 * Usage: npm run test:e2e [-- name-filter]
 */

function newestMtime(dir: string): number {
	let newest = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

function ensureBuild(): void {
	const entry = path.join(REPO_ROOT, 'build/index.js');
	const stale =
		!existsSync(entry) ||
		statSync(entry).mtimeMs < Math.max(newestMtime(path.join(REPO_ROOT, 'src')), newestMtime(path.join(REPO_ROOT, 'static')));
	if (!stale) return;
	console.log('e2e: building the app (npm run build)…');
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	if (result.status !== 0) throw new Error('npm run build failed');
}

async function main(): Promise<number> {
	ensureBuild();
	const filter = process.argv[2]?.toLowerCase();
	// Specs register their tests in this order; later tests use what earlier ones produced.
	await import('./app.spec');
	await import('./camera.spec');

	state.tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-e2e-'));
	state.modelPath = path.join(state.tmp, 'model.json');
	state.browserScores = new Map();
	state.requests = [];
	state.server = await startBuiltServer({
		MODEL_PATH: state.modelPath,
		DB_PATH: path.join(state.tmp, 'people.db'),
		JWT_SECRET: 'e2e-only-secret-e2e-only-secret-0123'
	});
	state.browser = await launch();
	let passed = 0;
	let failed = 0;
	try {
		for (const t of registry) {
			if (filter && !t.name.toLowerCase().includes(filter) && !['enroll', 'train'].some((w) => t.name.startsWith(w))) {
				continue;
			}
			const started = performance.now();
			try {
				await withTimeout(t.fn(), t.timeoutMs, t.name);
				passed++;
				console.log(`✓ ${t.name} (${Math.round(performance.now() - started)} ms)`);
			} catch (error) {
				failed++;
				console.log(`✗ ${t.name} (${Math.round(performance.now() - started)} ms)`);
				console.log(`  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`.replace(/\n/g, '\n  '));
			}
		}
	} finally {
		await state.browser.close();
		await state.server.stop();
		if (failed > 0) console.log(`server log:\n${state.server.output().slice(-3000)}`);
		rmSync(state.tmp, { recursive: true, force: true });
	}
	console.log(`${passed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		console.log('0 passed, 1 failed');
		process.exit(1);
	}
);
