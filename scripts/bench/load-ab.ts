/**
 * Warm starts of two or more production builds, interleaved: one server per build, the runs alternate between
 * them (in both orders), so the machine's drift in speed hits every build alike. Each build's warm starts are timed
 * as bench:load times them: a profile on disk, no automation on the page's workers (undriven.ts). `npm run
 * bench:load` times one build; this compares builds (copy each `build/` somewhere first).
 *
 *   tsx scripts/bench/load-ab.ts --runs=20 /tmp/build-a /tmp/build-b
 *
 * Prints the p50 of the warm start (navigation to the engine-ready mark) and of each step, per build.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENGINE_STAGE_MARKS } from '../../src/lib/browser/engine-ready-mark';
import { launchProfile } from '../../tests/e2e/lib/browser';
import { firstVisit, type EngineStage } from '../../tests/e2e/lib/first-visit';
import { startByteCounter, type ByteCounter } from '../../tests/helpers/byte-counter';
import { REPO_ROOT } from '../../tests/helpers/faces';
import { startBuiltServer, type RunningServer } from '../../tests/helpers/server';
import { summarize } from './stats';
import { launchUndriven, type UndrivenBrowser } from './undriven';

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);
const builds = args.filter((a) => !a.startsWith('--')).map((b) => path.resolve(b));
if (builds.length < 2) throw new Error('usage: load-ab.ts [--runs=N] BUILD_DIR BUILD_DIR [...]');

/** A throw-away folder shaped like the repo around a copy of `build`, for startBuiltServer. */
function repoAround(build: string): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'load-ab-'));
	mkdirSync(path.join(dir, 'scripts'));
	cpSync(build, path.join(dir, 'build'), { recursive: true });
	symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	cpSync(path.join(REPO_ROOT, 'scripts/serve.js'), path.join(dir, 'scripts/serve.js'));
	cpSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
	return dir;
}

const STAGES = Object.keys(ENGINE_STAGE_MARKS) as EngineStage[];
const p50 = (values: number[]) => Math.round(summarize(values).p50);

const folders = builds.map(repoAround);
const servers: RunningServer[] = [];
const counters: ByteCounter[] = [];
const browsers: UndrivenBrowser[] = [];
try {
	for (const dir of folders) {
		servers.push(await startBuiltServer({ MODEL_PATH: path.join(dir, 'none.json') }, dir));
		counters.push(await startByteCounter(servers.at(-1)!.base));
	}
	// One profile on disk per build: a first visit (everything then in its service worker's cache), then its warm
	// starts with no automation on the page's workers (undriven.ts), as bench:load times them.
	for (const [i, counter] of counters.entries()) {
		const first = await launchProfile(path.join(folders[i], 'profile'));
		try {
			await firstVisit(first, counter, '/enroll', true);
		} finally {
			await first.close();
		}
		browsers.push(await launchUndriven(path.join(folders[i], 'profile')));
	}
	const results = builds.map(() => ({
		ready: [] as number[],
		stages: [] as Partial<Record<EngineStage, number>>[]
	}));
	for (let run = 0; run < RUNS; run++) {
		const order = run % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
		for (const i of order) {
			const { ready, stages } = await browsers[i].warmStart(`${counters[i].base}/enroll`);
			results[i].ready.push(ready);
			results[i].stages.push(stages);
		}
		console.error(`[load-ab] run ${run + 1}/${RUNS}`);
	}
	console.log(`| build | warm start p50 (min) | ${STAGES.join(' | ')} |`);
	console.log(`| --- | --- |${' --- |'.repeat(STAGES.length)}`);
	builds.forEach((build, i) => {
		const { ready, stages } = results[i];
		const steps = STAGES.map((stage, j) =>
			p50(stages.map((s) => (s[stage] ?? NaN) - (j ? (s[STAGES[j - 1]] ?? NaN) : 0)))
		);
		console.log(`| ${build} | ${p50(ready)} ms (${Math.round(Math.min(...ready))}) | ${steps.join(' | ')} |`);
	});
} finally {
	for (const browser of browsers) await browser.close();
	for (const counter of counters) await counter.stop();
	for (const server of servers) await server.stop();
	for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}
