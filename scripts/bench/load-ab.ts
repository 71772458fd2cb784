/**
 * Warm starts of two or more production builds, interleaved: one server per build, the runs alternate between
 * them (in both orders), so the machine's drift in speed hits every build alike. `npm run bench:load` times one
 * build; this compares builds (copy each `build/` somewhere first).
 *
 *   tsx scripts/bench/load-ab.ts --runs=20 /tmp/build-a /tmp/build-b
 *
 * Prints the p50 of the warm start (navigation to the engine-ready mark) and of each step, per build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launch, newContext } from '../../tests/e2e/lib/browser';
import { engineReadyMs, engineStagesMs, type EngineStage } from '../../tests/e2e/lib/first-visit';
import { REPO_ROOT } from '../../tests/helpers/faces';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);
const builds = args.filter((a) => !a.startsWith('--')).map((b) => path.resolve(b));
if (builds.length < 2) throw new Error('usage: load-ab.ts [--runs=N] BUILD_DIR BUILD_DIR [...]');

const servers: ChildProcess[] = [];
const folders: string[] = [];
const stopAll = () => {
	servers.forEach((s) => process.kill(-s.pid!, 'SIGTERM'));
	folders.forEach((f) => rmSync(f, { recursive: true, force: true }));
};

/** Serves `build` from a throw-away folder shaped like the repo (serve.js reads ./build), on `port`. */
async function serve(build: string, port: number): Promise<string> {
	const dir = mkdtempSync(path.join(tmpdir(), 'load-ab-'));
	folders.push(dir);
	mkdirSync(path.join(dir, 'scripts'));
	cpSync(build, path.join(dir, 'build'), { recursive: true });
	symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	cpSync(path.join(REPO_ROOT, 'scripts/serve.js'), path.join(dir, 'scripts/serve.js'));
	cpSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		cwd: dir,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: String(port),
			WORKERS: '1',
			DB_PATH: path.join(dir, 'server.db'),
			MODEL_PATH: path.join(dir, 'none.json')
		},
		stdio: 'ignore',
		detached: true // its cluster's workers go with it
	});
	servers.push(child);
	const base = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 240; i++) {
		if (
			await fetch(`${base}/healthz`).then(
				() => true,
				() => false
			)
		)
			return base;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${build}: the server did not start`);
}

/** A profile that has opened /enroll (so everything is in its service worker's cache) and warmed up twice. */
async function warmProfile(browser: Awaited<ReturnType<typeof launch>>, base: string): Promise<Page> {
	const page = await (await newContext(browser)).newPage();
	await page.goto(`${base}/enroll`);
	await engineReadyMs(page);
	await page.waitForFunction(() => document.documentElement.dataset.modelsOffline === 'ready', null, {
		timeout: 60_000
	});
	for (let i = 0; i < 2; i++) {
		await page.goto(`${base}/enroll`);
		await engineReadyMs(page);
	}
	return page;
}

const STAGES: EngineStage[] = [
	'requested',
	'workerScript',
	'workerRunning',
	'backendReady',
	'modelsLoaded',
	'embedderLoaded',
	'warm'
];
const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
	const bases = await Promise.all(builds.map((b, i) => serve(b, 47300 + i)));
	const browser = await launch();
	const pages: Page[] = [];
	for (const base of bases) pages.push(await warmProfile(browser, base));
	const results = builds.map(() => ({
		ready: [] as number[],
		stages: [] as Partial<Record<EngineStage, number>>[]
	}));
	for (let run = 0; run < RUNS; run++) {
		const order = run % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
		for (const i of order) {
			await pages[i].goto(`${bases[i]}/enroll`);
			results[i].ready.push(await engineReadyMs(pages[i]));
			results[i].stages.push(await engineStagesMs(pages[i]));
		}
		console.error(`[load-ab] run ${run + 1}/${RUNS}`);
	}
	await browser.close();
	console.log(`| build | warm start p50 (min) | ${STAGES.join(' | ')} |`);
	console.log(`| --- | --- |${' --- |'.repeat(STAGES.length)}`);
	builds.forEach((build, i) => {
		const { ready, stages } = results[i];
		const steps = STAGES.map((stage, j) =>
			Math.round(p50(stages.map((s) => (s[stage] ?? NaN) - (j ? (s[STAGES[j - 1]] ?? NaN) : 0))))
		);
		console.log(
			`| ${build} | ${Math.round(p50(ready))} ms (${Math.round(Math.min(...ready))}) | ${steps.join(' | ')} |`
		);
	});
} finally {
	stopAll();
}
