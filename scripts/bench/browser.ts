/**
 * Browser benchmark: the production build in headless Chromium (Debian's /usr/bin/chromium).
 * Per backend: time to ready (cold profile, then warm reload), bytes downloaded on the first visit,
 * per-frame verify latency on the live camera page (a fake camera plays a face clip), and training
 * time for 1,000 embeddings. Runs unchanged on a GPU machine: `--backends=auto,webgpu,webgl,wasm`.
 *
 *   npm run bench:browser -- [--backends=auto,wasm] [--frames=40] [--train-runs=3] [--clip=face.y4m] [--prebuilt]
 * Extra Chromium flags (e.g. for a real GPU): BENCH_CHROMIUM_ARGS="--use-angle=vulkan ...".
 * `--clip` plays a ready .y4m (no ffmpeg needed); `--prebuilt` uses build/ as it is (a packaged copy without
 * sources, scripts/bench/gpu-bundle.sh). The report records the GPU the browser's WebGPU and WebGL report, and for a
 * webgpu row the adapter the engine's worker got. `--webgpu-compat` runs the webgpu row in WebGPU's compatibility
 * mode (a bench-only shim, webgpu-compat.ts; for a browser whose only real adapter is Dawn on OpenGL ES).
 * BENCH_HEADED=1 opens a headed window on $DISPLAY (tests/e2e/lib/browser.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { facePath, REPO_ROOT } from '../../tests/helpers/faces';
import { startBuiltServer, type RunningServer } from '../../tests/helpers/server';
import { downloadText, enroll, exportPlainBackup } from '../../tests/e2e/lib/app';
import { HEADED, launchWithCamera, newContext } from '../../tests/e2e/lib/browser';
import { ensureBuild } from '../../tests/e2e/lib/build';
import { GPU_FLAGS, gpuInfo, within } from './gpu-info';
import { engineAdapter, installWebGpuCompat } from './webgpu-compat';
import { summarize } from './stats';

const args = Object.fromEntries(
	process.argv.slice(2).map((a) => {
		const [k, v] = a.replace(/^--/, '').split('=');
		return [k, v ?? 'true'];
	})
);
const BACKENDS = (args.backends ?? 'auto,wasm').split(',');
const FRAMES = Number(args.frames ?? 40);
const TRAIN_RUNS = Number(args['train-runs'] ?? 3);
const CLIP = args.clip ? path.resolve(args.clip) : null;
const WEBGPU_COMPAT = args['webgpu-compat'] === 'true';
const TRAIN_SAMPLES = 1000;
const WARMUP_FRAMES = 3;

interface Row {
	requested: string;
	backend: string;
	/** WASM threads (the engine badge's count; more than one only when the page is cross-origin isolated). */
	threads: number | null;
	crossOriginIsolated: boolean | null;
	/** webgpu: the adapter the engine's worker got (vendor, architecture, description, feature level). */
	adapter?: unknown;
	readyColdMs: number;
	readyWarmMs: number;
	bytesUntilReady: number;
	bytesFirstVisit: number;
	frame: { n: number; p50: number; p95: number };
	trainMs: number[];
	error?: string;
}

const log = (line: string) => console.error(`[bench:browser] ${line}`);

/** Deterministic normal noise (Box-Muller on a small LCG): the same 1,000 samples every run. */
function noise(seed: number): () => number {
	let s = seed >>> 0;
	const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
	return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface BackupSample {
	label: 'me' | 'not_me';
	embedding: number[];
	[key: string]: unknown;
}

/** 1,000 samples around real embeddings (30 % "me"), written as a backup file the app imports. */
function syntheticBackup(real: { samples: BackupSample[] }, file: string): void {
	const gauss = noise(20240601);
	const me = real.samples.filter((s) => s.label === 'me');
	const others = real.samples.filter((s) => s.label === 'not_me');
	const samples = Array.from({ length: TRAIN_SAMPLES }, (_, i) => {
		const pool = i % 10 < 3 ? me : others;
		const base = pool[i % pool.length];
		const v = base.embedding.map((x) => x + 0.02 * gauss());
		const norm = Math.hypot(...v);
		return { ...base, embedding: v.map((x) => x / norm), source: `synthetic-${i}`, addedAt: Date.now() };
	});
	writeFileSync(file, JSON.stringify({ ...real, samples, models: [] }));
}

function makeClip(photo: string, out: string): void {
	execFileSync('ffmpeg', [
		...['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', photo, '-t', '3', '-r', '15'],
		...[
			'-vf',
			'scale=-2:480,crop=min(iw\\,640):480,pad=640:480:(ow-iw)/2:0,format=yuv420p',
			'-f',
			'yuv4mpegpipe',
			out
		]
	]);
}

const page = (base: string, p: string, backend: string) =>
	backend === 'auto' ? `${base}${p}` : `${base}${p}?backend=${backend}`;

async function readyTime(p: Page): Promise<{ ms: number; backend: string; threads: number | null }> {
	await p.waitForFunction(
		() => document.querySelector('[data-testid=engine-badge].ready, [data-testid=engine-badge].error'),
		null,
		{
			polling: 'raf',
			timeout: 300_000
		}
	);
	const ms = await p.evaluate(() => performance.now());
	const badge = p.locator('[data-testid=engine-badge]');
	if (!(await badge.evaluate((el) => el.classList.contains('ready'))))
		throw new Error('engine failed to load');
	const threads = await badge.getAttribute('data-threads');
	return {
		ms,
		backend: (await badge.getAttribute('data-backend')) ?? '?',
		threads: threads ? Number(threads) : null
	};
}

/** Waits until no request has finished for `quietMs` (the service worker's precache is done). */
async function networkIdle(counter: () => number, quietMs = 1500, maxMs = 120_000): Promise<void> {
	const start = Date.now();
	let last = counter();
	let since = Date.now();
	while (Date.now() - start < maxMs) {
		await new Promise((r) => setTimeout(r, 250));
		if (counter() !== last) {
			last = counter();
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

async function prepareData(
	browser: Browser,
	base: string,
	tmp: string
): Promise<{ model: string; backup: string }> {
	log('preparing data: enrolling 8 photos, training a model');
	const context = await newContext(browser, ['camera']);
	try {
		const p = await context.newPage();
		await p.goto(page(base, '/enroll', 'wasm'));
		await enroll(
			p,
			[1, 2, 3, 4].map((i) => facePath(`amy/amy${i}.png`)),
			'me'
		);
		await enroll(
			p,
			['penny', 'raj', 'sheldon', 'howard'].map((w) => facePath(`${w}/${w}1.png`)),
			'not_me'
		);
		await p.goto(page(base, '/train', 'wasm'));
		await p.click('[data-testid=train-button]:not([disabled])');
		await p.locator('[data-testid=train-report]').waitFor({ timeout: 120_000 });
		await p.click('[data-testid=save-model]');
		await p.locator('[data-testid=saved]').waitFor();
		await p.goto(page(base, '/data', 'wasm'));
		const model = path.join(tmp, 'model.json');
		writeFileSync(model, (await downloadText(p, '[data-testid=export-model]')).text);
		const backup = path.join(tmp, 'backup-1000.json');
		syntheticBackup(JSON.parse((await exportPlainBackup(p)).text), backup);
		return { model, backup };
	} finally {
		await context.close();
	}
}

async function frameLatencies(p: Page, base: string, backend: string, model: string): Promise<number[]> {
	await p.goto(page(base, '/data', backend));
	await p.setInputFiles('[data-testid=import-model]', model);
	await p.locator('[data-testid=data-message].ok').waitFor();
	// Per-frame verification is what is measured: with liveness on, the live loop only detects faces.
	await p.evaluate(() => {
		const key = 'me-verifier.settings';
		localStorage.setItem(
			key,
			JSON.stringify({ ...JSON.parse(localStorage.getItem(key) ?? '{}'), liveness: false })
		);
	});
	await p.goto(page(base, '/verify', backend));
	await readyTime(p);
	await p.evaluate(() => {
		const w = window as unknown as { __frames: number[] };
		w.__frames = [];
		let seen = 0;
		// Every analysed frame bumps data-frame; its exact time is in data-ms.
		new MutationObserver(() => {
			const el = document.querySelector<HTMLElement>('[data-testid=timing]');
			const frame = Number(el?.dataset.frame ?? 0);
			if (el && frame > seen) {
				seen = frame;
				w.__frames.push(Number(el.dataset.ms));
			}
		}).observe(document.body, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['data-frame']
		});
	});
	await p.click('[data-testid=camera-start]');
	await p.waitForFunction(
		(n) => (window as unknown as { __frames: number[] }).__frames.length >= n,
		FRAMES + WARMUP_FRAMES,
		{
			timeout: 600_000,
			polling: 500
		}
	);
	const frames = await p.evaluate(() => (window as unknown as { __frames: number[] }).__frames);
	await p.click('[data-testid=camera-stop]');
	return frames.slice(WARMUP_FRAMES, WARMUP_FRAMES + FRAMES);
}

async function trainingTimes(p: Page, base: string, backend: string, backup: string): Promise<number[]> {
	await p.goto(page(base, '/data', backend));
	await p.setInputFiles('[data-testid=import-backup]', backup);
	await p.locator('[data-testid=data-message].ok').waitFor({ timeout: 120_000 });
	await p.goto(page(base, '/train', backend));
	const times: number[] = [];
	for (let run = 0; run < TRAIN_RUNS; run++) {
		// The previous run's time stays on screen until this run starts: wait for a new element (the page renders one
		// per finished run), not just for one to be there.
		const previous = await p.$('[data-testid=train-time]');
		await p.click('[data-testid=train-button]:not([disabled])');
		const current = await p.waitForFunction(
			(old) => {
				const el = document.querySelector('[data-testid=train-time]');
				return el !== null && el !== old ? el : null;
			},
			previous,
			{ timeout: 600_000 }
		);
		const text = (await current.evaluate((el) => (el as Element).textContent)) ?? '';
		times.push(Number(text.replace(/^\D*([\d.,]+).*$/s, '$1').replace(/,/g, '')));
		await p.locator('[data-testid=train-button]:not([disabled])').waitFor();
	}
	return times;
}

async function measure(
	browser: Browser,
	server: RunningServer,
	requested: string,
	data: { model: string; backup: string }
): Promise<Row> {
	const context: BrowserContext = await newContext(browser, ['camera']);
	if (requested === 'webgpu' && WEBGPU_COMPAT) await installWebGpuCompat(context);
	let bytes = 0;
	let finished = 0;
	context.on('requestfinished', (request) => {
		finished++;
		void request.sizes().then(
			(s) => (bytes += s.responseBodySize + s.responseHeadersSize),
			() => undefined
		);
	});
	const row: Row = {
		requested,
		backend: '?',
		threads: null,
		crossOriginIsolated: null,
		readyColdMs: NaN,
		readyWarmMs: NaN,
		bytesUntilReady: NaN,
		bytesFirstVisit: NaN,
		frame: { n: 0, p50: NaN, p95: NaN },
		trainMs: []
	};
	try {
		const p = await context.newPage();
		await p.goto(page(server.base, '/enroll', requested));
		const cold = await readyTime(p);
		row.readyColdMs = cold.ms;
		row.backend = cold.backend;
		row.threads = cold.threads;
		row.crossOriginIsolated = await p.evaluate(() => crossOriginIsolated);
		if (row.backend === 'webgpu') {
			row.adapter = await within(20_000, engineAdapter(p)).catch((error: unknown) => String(error));
			log(`webgpu adapter in the engine's worker: ${JSON.stringify(row.adapter)}`);
		}
		row.bytesUntilReady = bytes;
		await p.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await networkIdle(() => finished);
		row.bytesFirstVisit = bytes;
		log(
			`${requested} -> ${row.backend} (${row.threads ?? '-'} threads, isolated ${row.crossOriginIsolated}): cold ready ${Math.round(cold.ms)} ms, ${(bytes / 1e6).toFixed(1)} MB`
		);
		await p.reload();
		row.readyWarmMs = (await readyTime(p)).ms;
		log(`${requested}: warm ready ${Math.round(row.readyWarmMs)} ms; measuring ${FRAMES} camera frames`);
		row.frame = summarize(await frameLatencies(p, server.base, requested, data.model));
		log(
			`${requested}: frame p50 ${Math.round(row.frame.p50)} ms; training ${TRAIN_SAMPLES} embeddings x${TRAIN_RUNS}`
		);
		row.trainMs = await trainingTimes(p, server.base, requested, data.backup);
	} catch (error) {
		row.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
		log(`${requested}: ${row.error}`);
	} finally {
		await context.close();
	}
	return row;
}

function table(rows: Row[]): string {
	const n = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '–');
	const mbs = (v: number) => (Number.isFinite(v) ? (v / 1e6).toFixed(1) : '–');
	const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] : NaN);
	const lines = [
		'| backend | threads | ready, cold (ms) | ready, warm (ms) | MB until ready | MB first visit (with offline cache) | frame p50 (ms) | frame p95 (ms) | train 1,000 (ms, median) |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...rows.map(
			(r) =>
				`| ${r.backend}${r.requested === 'auto' ? ' (auto)' : ''}${r.backend === 'webgpu' && WEBGPU_COMPAT ? ' (compatibility mode)' : ''} | ${r.threads ?? '–'} | ${n(r.readyColdMs)} | ${n(r.readyWarmMs)} | ${mbs(r.bytesUntilReady)} | ${mbs(r.bytesFirstVisit)} | ${n(r.frame.p50)} | ${n(r.frame.p95)} | ${n(median(r.trainMs))} |` +
				(r.error ? ` error: ${r.error}` : '')
		)
	];
	return lines.join('\n');
}

async function main(): Promise<void> {
	if (!args.prebuilt) ensureBuild(log);
	const tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-bench-'));
	const clip = CLIP ?? path.join(tmp, 'face.y4m');
	if (!CLIP) makeClip(facePath('Barack_Obama/obama.jpg'), clip);
	const server = await startBuiltServer({
		MODEL_PATH: path.join(tmp, 'none.json'),
		DB_PATH: path.join(tmp, 'people.db')
	});
	const extra = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);
	const browser = await launchWithCamera(clip, [...GPU_FLAGS, ...extra]);
	try {
		const gpu = await within(60_000, gpuInfo(browser, `${server.base}/healthz`)).catch((error: unknown) => {
			const message = `no answer: ${String(error)}`;
			return { webgpu: message, webgl: message };
		});
		log(`GPU: WebGPU ${JSON.stringify(gpu.webgpu)}; WebGL ${JSON.stringify(gpu.webgl)}`);
		const data = await prepareData(browser, server.base, tmp);
		const rows: Row[] = [];
		for (const requested of BACKENDS) {
			if (requested !== 'auto' && rows.some((r) => r.requested === 'auto' && r.backend === requested)) {
				log(`${requested}: already measured as the automatic choice`);
				continue;
			}
			rows.push(await measure(browser, server, requested, data));
		}
		const report = {
			date: new Date().toISOString(),
			chromium: browser.version(),
			chromiumArgs: [...GPU_FLAGS, ...extra],
			headed: HEADED,
			webgpuCompat: WEBGPU_COMPAT,
			gpu,
			frames: FRAMES,
			trainSamples: TRAIN_SAMPLES,
			clip: CLIP ? path.basename(CLIP) : 'Barack_Obama/obama.jpg, 640x480, one face',
			rows
		};
		mkdirSync(path.join(REPO_ROOT, 'reports'), { recursive: true });
		writeFileSync(
			path.join(REPO_ROOT, 'reports/bench-browser.json'),
			JSON.stringify(report, null, '\t') + '\n'
		);
		console.log(
			`Chromium ${report.chromium}, ${FRAMES} frames per backend, training on ${TRAIN_SAMPLES} embeddings`
		);
		console.log(`WebGPU adapter: ${JSON.stringify(gpu.webgpu)}\nWebGL: ${JSON.stringify(gpu.webgl)}`);
		console.log(table(rows));
		console.log('(also written to reports/bench-browser.json)');
	} finally {
		await browser.close();
		await server.stop();
		rmSync(tmp, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
