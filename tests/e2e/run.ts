import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/faces';
import { startBuiltServer } from '../helpers/server';
import { launch } from './lib/browser';
import { ensureBuild } from './lib/build';
import { state } from './lib/context';
import { registry, withTimeout } from './lib/harness';

/**
 * End-to-end tests: the production build in Debian's Chromium (playwright-core), WASM backend, real
 * models, real photos. Builds first when the build is missing or older than the sources.
 * Usage: npm run test:e2e [-- 'regex on test names']
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** For scripts/run-tests.js, which prints one closing line for every suite. */
function writeSummary(passed: number, failed: number): void {
	mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
	writeFileSync(path.join(REPO_ROOT, 'test-results/e2e-summary.json'), JSON.stringify({ passed, failed }));
}

/** Screenshots of every open page into test-results/e2e/, to see what a failed test saw. */
async function snapshotPages(testName: string): Promise<void> {
	const dir = path.join(REPO_ROOT, 'test-results/e2e');
	mkdirSync(dir, { recursive: true });
	const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
	const pages = state.browser.contexts().flatMap((c) => c.pages());
	for (const [i, page] of pages.entries()) {
		const file = path.join(dir, `${slug}-${i}.png`);
		await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
		console.log(`  page ${i}: ${page.url()} -> ${path.relative(REPO_ROOT, file)}`);
	}
}

async function main(): Promise<number> {
	ensureBuild((line) => console.log(`e2e: ${line}`));
	const filter = process.argv[2] ? new RegExp(process.argv[2], 'i') : null;
	// Specs register their tests in this order; later tests use what earlier ones produced (the app
	// spec trains and exports the model the camera spec uses). Other *.spec.ts files follow by name.
	const first = ['app.spec.ts', 'camera.spec.ts', 'backends.spec.ts'];
	const rest = readdirSync(HERE)
		.filter((f) => f.endsWith('.spec.ts') && !first.includes(f))
		.sort();
	for (const spec of [...first, ...rest]) await import(pathToFileURL(path.join(HERE, spec)).href);

	state.tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-e2e-'));
	state.modelPath = path.join(state.tmp, 'model.json');
	state.browserScores = new Map();
	state.requests = [];
	state.server = await startBuiltServer({
		MODEL_PATH: state.modelPath,
		DB_PATH: path.join(state.tmp, 'people.db')
	});
	state.browser = await launch();
	let passed = 0;
	let failed = 0;
	try {
		for (const t of registry) {
			// The enroll and train tests set up what the others use: they always run.
			if (filter && !filter.test(t.name) && !/^(enroll|train)/.test(t.name)) {
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
				console.log(
					`  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`.replace(
						/\n/g,
						'\n  '
					)
				);
				await snapshotPages(t.name);
			}
		}
	} finally {
		await state.browser.close();
		await state.server.stop();
		if (failed > 0) console.log(`server log:\n${state.server.output().slice(-3000)}`);
		rmSync(state.tmp, { recursive: true, force: true });
	}
	console.log(`${passed} passed, ${failed} failed`);
	writeSummary(passed, failed);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		console.log('0 passed, 1 failed');
		writeSummary(0, 1);
		process.exit(1);
	}
);
