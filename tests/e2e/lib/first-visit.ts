import type { BrowserContext, Page } from 'playwright-core';
import { ENGINE_READY_MARK, ENGINE_STAGE_MARKS } from '../../../src/lib/browser/engine-ready-mark';
import type { ByteCounter } from '../../helpers/byte-counter';

/**
 * What a first visit costs (issue 12): the bytes the server sends to a fresh profile that opens one page and
 * stays until it is usable offline: the page, its scripts, the service worker's install and, on a page that
 * starts the face engine, the engine's files and their copy into the offline cache. Shared by the budget test
 * (tests/e2e/load.spec.ts) and `npm run bench:load`.
 */

/** Until no byte has gone out for `quietMs`: the service worker's caching has finished. */
async function quiet(counter: ByteCounter, quietMs = 1500, maxMs = 120_000): Promise<void> {
	const start = Date.now();
	let last = counter.bytes();
	let since = Date.now();
	while (Date.now() - start < maxMs) {
		await new Promise((r) => setTimeout(r, 250));
		if (counter.bytes() !== last) {
			last = counter.bytes();
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

/**
 * Milliseconds from the navigation's start until the page marked its engine ready (throws if the badge says error).
 * The page's own mark, not the time this driver notices the badge: the driver attaches to every new worker before
 * it runs, and its polling lags, which a user's browser does not.
 */
export async function engineReadyMs(page: Page): Promise<number> {
	const badge = page.locator('[data-testid=engine-badge].ready, [data-testid=engine-badge].error');
	await badge.waitFor({ timeout: 120_000 });
	if (!(await badge.evaluate((el) => el.classList.contains('ready'))))
		throw new Error('engine failed to load');
	const mark = await page.evaluate(
		(name) => performance.getEntriesByName(name, 'mark')[0]?.startTime,
		ENGINE_READY_MARK
	);
	if (mark === undefined) throw new Error(`the page set no ${ENGINE_READY_MARK} mark`);
	return mark;
}

export type EngineStage = keyof typeof ENGINE_STAGE_MARKS;

/**
 * When each step of the engine's start happened, in milliseconds on the page's clock (navigation start = 0): the
 * worker's marks are moved from its own time origin to the page's. Missing marks are left out.
 */
export async function engineStagesMs(page: Page): Promise<Partial<Record<EngineStage, number>>> {
	const read = (names: string[]) => ({
		origin: performance.timeOrigin,
		marks: names.map((name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null)
	});
	const names = Object.values(ENGINE_STAGE_MARKS) as string[];
	const timelines = await Promise.all([
		page.evaluate(read, names),
		...engineWorkers(page).map((w) => w.evaluate(read, names))
	]);
	return stagesOnPageClock(timelines);
}

/** Each timeline's marks (in ENGINE_STAGE_MARKS order) moved onto the first one's clock (the page's). */
export function stagesOnPageClock(
	timelines: { origin: number; marks: (number | null)[] }[]
): Partial<Record<EngineStage, number>> {
	const stages: Partial<Record<EngineStage, number>> = {};
	for (const { origin, marks } of timelines)
		(Object.keys(ENGINE_STAGE_MARKS) as EngineStage[]).forEach((stage, i) => {
			const at = marks[i];
			if (at !== null) stages[stage] = origin + at - timelines[0].origin;
		});
	return stages;
}

/** The face engine's worker script (not the WASM backend's threads, which wait on shared memory and answer nothing). */
export const isEngineWorkerUrl = (url: string) => /\/engine-worker[^/]*\.js$/.test(url);

const engineWorkers = (page: Page) => page.workers().filter((w) => isEngineWorkerUrl(w.url()));

/** The model and .wasm files the page and its engine's worker fetched (the face engine runs in a worker). */
export async function engineFilesFetched(page: Page): Promise<string[]> {
	const listed = () =>
		performance
			.getEntriesByType('resource')
			.map((e) => new URL(e.name).pathname)
			.filter((p) => /^\/(models|wasm)\//.test(p));
	const lists = await Promise.all([
		page.evaluate(listed),
		...engineWorkers(page).map((w) => w.evaluate(listed))
	]);
	return [...new Set(lists.flat())].sort();
}

export interface FirstVisit {
	path: string;
	/** Everything the server sent until the page was usable offline. */
	bytes: number;
	/** Of which before the engine was ready (engine pages only). */
	bytesUntilReady: number | null;
	/** The model and .wasm files the page fetched. */
	files: string[];
	/** The service worker's offline cache of models afterwards. */
	offlineModels: string[];
	/** tfjs started on the page's main thread, and in the engine's worker (its engine is a global of each). */
	tfjsOnPage: boolean;
	tfjsInWorker: boolean;
}

/**
 * A first visit to `path` in `context` (a fresh profile) through `counter`. `engine`: the page starts the face
 * engine (wait for it, and for its files to be kept offline).
 */
export async function firstVisit(
	context: BrowserContext,
	counter: ByteCounter,
	path: string,
	engine: boolean
): Promise<FirstVisit> {
	const page = await context.newPage();
	counter.reset();
	await page.goto(`${counter.base}${path}`);
	let bytesUntilReady: number | null = null;
	if (engine) {
		await engineReadyMs(page);
		bytesUntilReady = counter.bytes();
	}
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
	if (engine)
		await page.waitForFunction(
			() => ['ready', 'failed'].includes(document.documentElement.dataset.modelsOffline ?? ''),
			null,
			{
				timeout: 60_000
			}
		);
	await quiet(counter);
	const files = await engineFilesFetched(page);
	const hasTfjs = () => '_tfengine' in globalThis;
	const tfjsOnPage = await page.evaluate(hasTfjs);
	const tfjsInWorker = (await Promise.all(engineWorkers(page).map((w) => w.evaluate(hasTfjs)))).includes(
		true
	);
	const offlineModels = await page.evaluate(async () =>
		(await (await caches.open('models-v1')).keys()).map((r) => new URL(r.url).pathname).sort()
	);
	await page.close();
	return { path, bytes: counter.bytes(), bytesUntilReady, files, offlineModels, tfjsOnPage, tfjsInWorker };
}
