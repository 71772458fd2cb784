import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type BrowserContextOptions, type Page } from '@playwright/test';
import { REPO_ROOT } from '../../helpers/faces';
import { startBuiltServer, type RunningServer } from '../../helpers/server';
import { downloadText, enroll, exportPlainBackup, open, waitForEngine } from './app';
import { CHROMIUM, CHROMIUM_ARGS, CONTEXT_OPTIONS, cameraArgs } from './browser';
import { ME, NO_FACE, OTHERS, TWO_FACES } from './photos';

/**
 * The fixtures every spec uses. Worker-scoped (built once per worker, and again after a failure, since Playwright
 * then starts a fresh worker): the production server on a fresh database, and a profile trained in the browser
 * from the real photos. Test-scoped: fresh browser profiles (the built-in `page`, `newProfile`, `cameraPage`) and
 * a temporary folder. No test depends on what another test did.
 */

export interface E2EServer extends RunningServer {
	/** The server reads its model from here (MODEL_PATH); no file at start. */
	modelPath: string;
	/** A folder of the worker's, removed when the worker ends. */
	tmp: string;
}

/** What the browser made from the app journey's photos (photos.ts), in a profile of its own. */
export interface TrainedProfile {
	/** Backup of a profile with ME ("me") and OTHERS ("not me") enrolled, no model. */
	samplesBackup: string;
	/** Backup of the same profile once the first face of TWO_FACES is enrolled too and a model is trained (threshold 0.5). */
	trainedBackup: string;
	/** The trained profile's export: file name and text. */
	model: { name: string; text: string };
}

interface WorkerFixtures {
	server: E2EServer;
	trainedProfile: TrainedProfile;
}

interface TestFixtures {
	/** A fresh folder for this test (clips, downloads), removed after it. */
	tmp: string;
	/** Another fresh profile in the test's browser, on the worker's server (closed after the test). */
	newProfile: (options?: BrowserContextOptions) => Promise<Page>;
	/** A page in a browser of its own whose fake camera plays `clip` (a .y4m file), camera allowed. */
	cameraPage: (clip: string) => Promise<Page>;
	/** Attaches the end of the server's output to a failed test (shown by the list and HTML reporters). */
	serverLog: void;
}

/**
 * Where the tests write their screenshots: the README's docs/screenshots/ only when asked
 * (UPDATE_SCREENSHOTS=1 npm run test:e2e), so an ordinary test run leaves the tree clean.
 */
export const SCREENSHOT_DIR = path.join(
	REPO_ROOT,
	process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots'
);

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
	await mkdir(SCREENSHOT_DIR, { recursive: true });
	await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage });
}

/** Restores a backup (samples and models) through the data page, as a user would. */
export async function importBackup(page: Page, file: string): Promise<void> {
	await open(page, '/data');
	await page.locator('[data-testid=data-counts]').waitFor();
	await page.setInputFiles('[data-testid=import-backup]', file);
	await page.locator('[data-testid=data-message].ok').waitFor();
}

/** Imports a model file (model.json text) through the data page. */
export async function importModel(page: Page, dir: string, model: string): Promise<void> {
	const file = path.join(dir, `model-${Date.now()}.json`);
	await writeFile(file, model);
	await open(page, '/data');
	await page.setInputFiles('[data-testid=import-model]', file);
	await page.locator('[data-testid=data-message].ok').waitFor();
}

/**
 * Waits until the service worker controls the page (it activates, and claims the page, once its install has
 * cached the app) and, where the page loaded the face engine, has kept the engine's files offline (they are
 * cached on first use, not on install: src/lib/browser/offline-models.ts). Polled, so no event can be missed.
 */
export async function serviceWorkerReady(page: Page): Promise<void> {
	await page
		.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 })
		.catch(async (error: unknown) => {
			const state = await page.evaluate(async () => {
				const r = await navigator.serviceWorker.getRegistration();
				return JSON.stringify({
					installing: r?.installing?.state,
					waiting: r?.waiting?.state,
					active: r?.active?.state
				});
			});
			throw new Error(`the service worker did not take control of the page (registration ${state})`, {
				cause: error
			});
		});
	const models = await page.waitForFunction(
		() => {
			const engineLoaded = document.querySelector('[data-testid=engine-badge].ready') !== null;
			const state = document.documentElement.dataset.modelsOffline;
			return !engineLoaded ? 'no engine' : state === 'ready' || state === 'failed' ? state : null;
		},
		null,
		{ timeout: 60_000 }
	);
	expect(await models.jsonValue(), "the engine's files kept offline").not.toBe('failed');
}

const saved = (items: { status: string }[]) => items.every((i) => i.status === 'saved');

export const test = base.extend<TestFixtures, WorkerFixtures>({
	server: [
		// eslint-disable-next-line no-empty-pattern
		async ({}, use) => {
			const tmp = mkdtempSync(path.join(tmpdir(), 'me-verifier-e2e-'));
			const modelPath = path.join(tmp, 'model.json');
			const server = await startBuiltServer({ MODEL_PATH: modelPath, DB_PATH: path.join(tmp, 'people.db') });
			try {
				await use({ ...server, modelPath, tmp });
			} finally {
				await server.stop();
				rmSync(tmp, { recursive: true, force: true });
			}
		},
		{ scope: 'worker', timeout: 120_000 }
	],

	trainedProfile: [
		async ({ browser, server }, use) => {
			const context = await browser.newContext({ ...CONTEXT_OPTIONS, baseURL: server.base });
			const files = {
				samplesBackup: path.join(server.tmp, 'samples-backup.json'),
				trainedBackup: path.join(server.tmp, 'trained-backup.json')
			};
			let model: TrainedProfile['model'];
			try {
				const page = await context.newPage();
				await open(page, '/enroll');
				expect(await waitForEngine(page), 'active backend').toBe('wasm');
				const me = await enroll(page, ME, 'me');
				expect(saved(me), `"me" photos saved: ${JSON.stringify(me)}`).toBe(true);
				const others = await enroll(page, OTHERS, 'not_me');
				expect(saved(others), `"not me" photos saved: ${JSON.stringify(others)}`).toBe(true);
				await open(page, '/data');
				await writeFile(files.samplesBackup, (await exportPlainBackup(page)).text);

				await open(page, '/enroll');
				const [, group] = await enroll(page, [NO_FACE, TWO_FACES], 'not_me');
				expect(group.status, 'group photo status').toBe('choose');
				await page
					.locator('[data-testid=enroll-item][data-status=choose] [data-testid=choose-face]')
					.first()
					.click();
				await expect(page.locator('[data-testid=sample-counts]')).toContainText(
					`${OTHERS.length + 1} not me`
				);

				await open(page, '/train');
				await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
				await page.click('[data-testid=train-button]');
				await page.locator('[data-testid=train-report]').waitFor({ timeout: 120_000 });
				await page.click('[data-testid=preset-default]');
				await page.click('[data-testid=save-model]');
				await page.locator('[data-testid=saved]').waitFor();

				await open(page, '/data');
				model = await downloadText(page, '[data-testid=export-model]');
				await writeFile(files.trainedBackup, (await exportPlainBackup(page)).text);
			} finally {
				await context.close();
			}
			await use({ ...files, model });
		},
		{ scope: 'worker', timeout: 300_000 }
	],

	baseURL: async ({ server }, use) => {
		await use(server.base);
	},

	// eslint-disable-next-line no-empty-pattern
	tmp: async ({}, use) => {
		const dir = mkdtempSync(path.join(tmpdir(), 'me-verifier-e2e-test-'));
		try {
			await use(dir);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	},

	newProfile: async ({ browser, baseURL }, use) => {
		const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
		await use(async (options = {}) => {
			const context = await browser.newContext({ ...CONTEXT_OPTIONS, baseURL, ...options });
			contexts.push(context);
			return context.newPage();
		});
		for (const context of contexts) await context.close();
	},

	cameraPage: async ({ playwright, baseURL }, use) => {
		const browsers: Awaited<ReturnType<typeof playwright.chromium.launch>>[] = [];
		await use(async (clip) => {
			const browser = await playwright.chromium.launch({
				executablePath: CHROMIUM,
				args: [...CHROMIUM_ARGS, ...cameraArgs(clip)]
			});
			browsers.push(browser);
			const context = await browser.newContext({ ...CONTEXT_OPTIONS, baseURL, permissions: ['camera'] });
			return context.newPage();
		});
		for (const browser of browsers) await browser.close();
	},

	serverLog: [
		async ({ server }, use, testInfo) => {
			await use();
			const log = server.output().slice(-20_000);
			if (testInfo.status !== testInfo.expectedStatus && log) {
				await testInfo.attach('server.log', { body: log, contentType: 'text/plain' });
			}
		},
		{ auto: true }
	]
});

export { expect };
