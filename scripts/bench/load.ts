/**
 * First visit and warm start of the production build in headless Chromium (issue 12, "a smaller first visit").
 *
 *   npm run bench:load -- [--runs=5]
 *
 * First visit: a fresh profile opens one page and stays until it works offline; the bytes are counted on the
 * wire by a relay in front of the server (headers and compressed bodies, the service worker's fetches included).
 * Warm start: a profile that made that first visit opens /enroll again, `--runs` times: milliseconds from navigation
 * to the page's mark that its engine is ready, the badge's switch (models from the service worker's cache; the engine
 * in its worker). Timed as a user waits (undriven.ts: a profile on disk, no automation attached to the page's
 * workers), and, in turns, driven by Playwright as the e2e tests are: Playwright pauses each new worker until it has
 * attached, which the second figure includes. Before and after the warm starts it measures the machine's speed
 * (machine-index.ts), to read the timings against. Results also in reports/bench-load.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../tests/helpers/faces';
import { startByteCounter } from '../../tests/helpers/byte-counter';
import { startBuiltServer } from '../../tests/helpers/server';
import { launch, launchProfile, newContext } from '../../tests/e2e/lib/browser';
import { launchUndriven } from './undriven';
import { ensureBuild } from '../../tests/e2e/lib/build';
import {
	engineReadyMs,
	engineStagesMs,
	firstVisit,
	type EngineStage,
	type FirstVisit
} from '../../tests/e2e/lib/first-visit';
import { machineIndex } from './machine-index';
import { summarize } from './stats';

const args = Object.fromEntries(
	process.argv.slice(2).map((a) => {
		const [k, v] = a.replace(/^--/, '').split('=');
		return [k, v ?? 'true'];
	})
);
const RUNS = Number(args.runs ?? 5);
/** The start page (no engine) and the first page of the journey, which starts the engine. */
const PAGES: [path: string, engine: boolean][] = [
	['/', false],
	['/enroll', true]
];

const log = (line: string) => console.error(`[bench:load] ${line}`);
const mb = (bytes: number | null) => (bytes === null ? '–' : (bytes / 1e6).toFixed(2));

/** The warm start cut into its steps (each from the previous mark), in the order they happen. */
const STEPS: [label: string, from: EngineStage | 'navigation', to: EngineStage | 'ready'][] = [
	['page starts, asks for the engine', 'navigation', 'requested'],
	['worker started (its own small script)', 'requested', 'workerScript'],
	["engine's modules imported (tfjs, Human)", 'workerScript', 'workerRunning'],
	['tfjs backend started', 'workerRunning', 'backendReady'],
	["Human's detector models loaded", 'backendReady', 'modelsLoaded'],
	["descriptor's weights loaded", 'modelsLoaded', 'embedderLoaded'],
	['warm-up: one detection (a grey image)', 'embedderLoaded', 'warmDetected'],
	['warm-up: one embedding (a grey chip)', 'warmDetected', 'warm'],
	['answer back to the page, badge', 'warm', 'ready'],
	// Not part of the warm start: queued once the engine has answered (a grey image gives FaceMesh no face).
	["FaceMesh's warm-up, after the engine said ready", 'warm', 'meshWarm']
];

function stepDurations(
	stages: Partial<Record<EngineStage, number>>[],
	ready: number[]
): [string, number[]][] {
	return STEPS.map(([label, from, to]) => [
		label,
		stages.flatMap((s, i) => {
			const start = from === 'navigation' ? 0 : s[from];
			const end = to === 'ready' ? ready[i] : s[to];
			return start === undefined || end === undefined ? [] : [end - start];
		})
	]);
}

/** The machine index the last `npm run audit` recorded (reports/lighthouse.json), to compare with; null if none. */
function lastAuditIndex(): number | null {
	try {
		const report = JSON.parse(readFileSync(path.join(REPO_ROOT, 'reports/lighthouse.json'), 'utf8'));
		return typeof report.benchmarkIndex === 'number' ? Math.round(report.benchmarkIndex) : null;
	} catch {
		return null;
	}
}

async function main(): Promise<void> {
	ensureBuild(log);
	const tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-load-'));
	const server = await startBuiltServer({
		MODEL_PATH: path.join(tmp, 'none.json'),
		DB_PATH: path.join(tmp, 'people.db')
	});
	const counter = await startByteCounter(server.base);
	const browser = await launch();
	try {
		const visits: FirstVisit[] = [];
		for (const [page, engine] of PAGES) {
			const context = await newContext(browser);
			try {
				visits.push(await firstVisit(context, counter, page, engine));
				log(`first visit ${page}: ${mb(visits.at(-1)!.bytes)} MB`);
			} finally {
				await context.close();
			}
		}
		// Warm starts two ways, in turns: undriven (the time a user waits: no automation attached to the page's
		// workers; undriven.ts) on a profile on disk, and driven by Playwright as the e2e tests are (its own profile).
		const profile = path.join(tmp, 'profile');
		const first = await launchProfile(profile);
		try {
			await firstVisit(first, counter, '/enroll', true);
		} finally {
			await first.close();
		}
		const undriven = await launchUndriven(profile);
		let context: BrowserContext | null = null;
		const warm: number[] = [];
		const stages: Partial<Record<EngineStage, number>>[] = [];
		const driven: number[] = [];
		const drivenStages: Partial<Record<EngineStage, number>>[] = [];
		const machine: number[] = [];
		try {
			context = await newContext(browser);
			await firstVisit(context, counter, '/enroll', true);
			const page = await context.newPage();
			machine.push(await machineIndex(context));
			const runUndriven = async () => {
				const run = await undriven.warmStart(`${counter.base}/enroll`);
				warm.push(run.ready);
				stages.push(run.stages);
			};
			const runDriven = async () => {
				await page.goto(`${counter.base}/enroll`);
				driven.push(await engineReadyMs(page));
				drivenStages.push(await engineStagesMs(page));
			};
			for (let run = 0; run < RUNS; run++) {
				for (const one of run % 2 ? [runDriven, runUndriven] : [runUndriven, runDriven]) await one();
				log(
					`warm start ${run + 1}/${RUNS}: ${Math.round(warm.at(-1)!)} ms (driven ${Math.round(driven.at(-1)!)} ms)`
				);
			}
			machine.push(await machineIndex(context));
		} finally {
			await context?.close();
			await undriven.close();
		}
		const stats = summarize(warm);
		const steps = stepDurations(stages, warm);
		const drivenSteps = stepDurations(drivenStages, driven);
		const report = {
			date: new Date().toISOString(),
			chromium: browser.version(),
			visits,
			warmStartMs: warm,
			warmStartStagesMs: stages,
			drivenWarmStartMs: driven,
			drivenWarmStartStagesMs: drivenStages,
			machineIndexBeforeAfter: machine
		};
		mkdirSync(path.join(REPO_ROOT, 'reports'), { recursive: true });
		writeFileSync(path.join(REPO_ROOT, 'reports/bench-load.json'), JSON.stringify(report, null, '\t') + '\n');
		console.log(`Chromium ${report.chromium}`);
		console.log(
			'| first visit | MB until the engine is ready | MB until usable offline | model and wasm files |'
		);
		console.log('| --- | --- | --- | --- |');
		for (const v of visits)
			console.log(
				`| ${v.path} | ${mb(v.bytesUntilReady)} | ${mb(v.bytes)} | ${v.files.join(', ') || 'none'} |`
			);
		const p50 = (ms: number[]) => Math.round(summarize(ms).p50);
		console.log(
			`warm start (/enroll, navigation to the engine-ready mark, ${RUNS} runs, no automation on the page's workers): p50 ${Math.round(stats.p50)} ms, min ${Math.round(Math.min(...warm))} ms, max ${Math.round(Math.max(...warm))} ms; driven by Playwright, in turns: p50 ${p50(driven)} ms`
		);
		console.log('| warm start, step | p50 ms | min | max | driven p50 |');
		console.log('| --- | --- | --- | --- | --- |');
		steps.forEach(([step, ms], i) => {
			const sorted = [...ms].sort((a, b) => a - b);
			console.log(
				`| ${step} | ${p50(ms)} | ${Math.round(sorted[0])} | ${Math.round(sorted.at(-1)!)} | ${p50(drivenSteps[i][1])} |`
			);
		});
		const audited = lastAuditIndex();
		console.log(
			`machine: Lighthouse's CPU benchmark index ${machine.join(' before the warm starts, ')} after (higher is faster${audited ? `; the last \`npm run audit\` here measured ${audited}` : ''})`
		);
		console.log('(also written to reports/bench-load.json)');
	} finally {
		await browser.close();
		await counter.stop();
		await server.stop();
		rmSync(tmp, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
