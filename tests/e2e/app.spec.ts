import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page, Request } from '@playwright/test';
import { facePath } from '../helpers/faces';
import {
	PEOPLE_PAGE,
	downloadText,
	enroll,
	exportPlainBackup,
	open,
	url,
	verifyPhoto,
	waitForEngine
} from './lib/app';
import { expect, importBackup, screenshot, serviceWorkerReady, test } from './lib/fixtures';
import { ME, ME_HELD_OUT, NO_FACE, OTHERS, OTHER_HELD_OUT, TWO_FACES } from './lib/photos';
import { scanRawRecords } from './lib/vault';

/**
 * The main journey of the app, one step per test: enroll, train, verify, reload, export/import, parity with the
 * server, offline, language, erase, privacy. Each test starts from a fresh browser profile; those that need
 * enrolled photos or a trained model import a backup of the `trainedProfile` fixture (made once per worker in
 * the browser from the same real photos).
 */

const saved = (items: { status: string }[]) => items.every((i) => i.status === 'saved');

async function waitForSampleCounts(page: Page, text: string): Promise<void> {
	// The stored counts are re-read from the database after a save: wait for them, not for the item status.
	await expect(page.locator('[data-testid=sample-counts]')).toContainText(text);
}

test('enroll "me" and "not me" photos through the file input', async ({ page }) => {
	await open(page, '/enroll');
	expect(await waitForEngine(page), 'active backend').toBe('wasm');

	const me = await enroll(page, ME, 'me');
	expect(saved(me), `"me" photos not all saved: ${JSON.stringify(me)}`).toBe(true);
	const others = await enroll(page, OTHERS, 'not_me');
	expect(saved(others), `"not me" photos not all saved: ${JSON.stringify(others)}`).toBe(true);
	const counts = await page.locator('[data-testid=sample-counts]').textContent();
	expect(
		counts?.includes(`${ME.length} me`) && counts.includes(`${OTHERS.length} not me`),
		`counts: ${counts}`
	).toBe(true);
	await screenshot(page, 'enroll.png');
});

test('enroll explains rejected photos and lets the user pick a face in a group photo', async ({
	page,
	trainedProfile
}) => {
	await importBackup(page, trainedProfile.samplesBackup);
	await open(page, '/enroll');
	await waitForSampleCounts(page, `${OTHERS.length} not me`);
	const [noFace, group] = await enroll(page, [NO_FACE, TWO_FACES], 'not_me');
	expect(noFace.status, 'no-face photo status').toBe('rejected');
	expect(noFace.reasons.join(), 'no-face reason').toBe('NO_FACE');
	expect(group.status, 'group photo status').toBe('choose');
	const choices = page.locator('[data-testid=enroll-item][data-status=choose] [data-testid=choose-face]');
	expect(await choices.count(), 'faces offered in kit_with_rose.jpg').toBe(2);
	await choices.first().click();
	await page.locator('[data-testid=enroll-item]').last().and(page.locator('[data-status=saved]')).waitFor();
	await waitForSampleCounts(page, `${OTHERS.length + 1} not me`);

	// Sealed at rest (issue 12): what IndexedDB holds, read raw, shows none of the embeddings (the imported
	// ones, and the one just enrolled) nor their file names; the app itself reads them all back.
	await open(page, '/data');
	const samples = JSON.parse((await exportPlainBackup(page)).text).samples as {
		embedding: number[];
		source: string;
	}[];
	expect(samples.length, 'samples read back through the app').toBe(ME.length + OTHERS.length + 1);
	const scan = await scanRawRecords(
		page,
		samples.map((s) => s.embedding),
		[...new Set(samples.map((s) => s.source))]
	);
	expect(scan.controlFound, 'the search finds an embedding kept in clear').toBe(true);
	expect(scan.records, 'raw records read').toBeGreaterThanOrEqual(samples.length);
	expect(scan.float32Arrays, 'Float32Arrays stored as such').toBe(0);
	expect(scan.found, 'embeddings and file names found in clear').toEqual([]);
});

test('train shows metrics, ROC/PR/histogram charts and a live threshold, then saves', async ({
	page,
	trainedProfile
}) => {
	await importBackup(page, trainedProfile.samplesBackup);
	await open(page, '/enroll');
	await page.click('a[href^="/train"]');
	await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
	await page.click('[data-testid=train-button]');
	await page.locator('[data-testid=train-report]').waitFor({ timeout: 120_000 });
	for (const chart of ['roc', 'pr', 'histogram']) {
		const box = await page.locator(`[data-testid=chart-${chart}]`).boundingBox();
		expect(box && box.width > 100 && box.height > 100, `chart ${chart} is drawn`).toBe(true);
	}
	expect(
		await page.locator('[data-testid=metrics] [data-metric=auc] td').textContent(),
		'AUC shown'
	).not.toBe('–');
	// The slider drives the live error rates: at 0.999 nearly every "me" is rejected.
	const frrBefore = await page.locator('[data-testid=live-frr]').textContent();
	await page.locator('[data-testid=threshold-slider]').fill('0.999');
	const frrHigh = await page.locator('[data-testid=live-frr]').textContent();
	expect(frrHigh, `FRR follows the slider (${frrBefore} -> ${frrHigh})`).not.toBe(frrBefore);
	await page.click('[data-testid=preset-default]');
	expect(await page.locator('[data-testid=threshold-value]').textContent(), 'preset 0.5').toBe('0.5');
	await screenshot(page, 'train.png');
	await page.click('[data-testid=save-model]');
	await page.locator('[data-testid=saved]').waitFor();
	await open(page, '/data');
	await expect(page.locator('[data-testid=model-row]'), 'the saved model is listed').toHaveCount(1);
});

/** A fresh profile with the trained profile's samples and model, on the verify page. */
async function trainedVerifyPage(page: Page, backup: string): Promise<void> {
	await importBackup(page, backup);
	await open(page, '/verify');
	await page.locator('[data-testid=model-info]').waitFor();
}

test('verify a held-out photo of me (me) and of someone else (not me)', async ({ page, trainedProfile }) => {
	await trainedVerifyPage(page, trainedProfile.trainedBackup);
	const mine = await verifyPhoto(page, ME_HELD_OUT);
	expect(mine.verdicts.length, 'faces in the held-out photo of John Salley').toBe(1);
	expect(mine.verdicts[0].isMe, `John Salley should be me, score ${mine.verdicts[0].score}`).toBe(true);
	await screenshot(page, 'verify.png');
	const theirs = await verifyPhoto(page, OTHER_HELD_OUT);
	expect(theirs.verdicts[0].isMe, `John Simm should not be me, score ${theirs.verdicts[0].score}`).toBe(
		false
	);
});

test('a group photo shows one box per face; a photo without a face says so', async ({
	page,
	trainedProfile
}) => {
	await trainedVerifyPage(page, trainedProfile.trainedBackup);
	const group = await verifyPhoto(page, facePath('multi/bbt4.jpg'));
	expect(group.boxes, 'boxes on bbt4.jpg (six people)').toBe(6);
	expect(group.verdicts.length, 'verdicts on bbt4.jpg').toBe(6);
	expect(group.verdicts.filter((v) => v.isMe).length, 'faces taken for John Salley in bbt4.jpg').toBe(0);
	await screenshot(page, 'verify-group.png');
	const none = await verifyPhoto(page, facePath('noface/rocket.jpg'));
	expect(none.noFace && none.boxes === 0, 'no-face message and no box').toBe(true);
	const message = await page.locator('[data-testid=no-face]').textContent();
	expect(message, 'clear message').toContain('No face');
});

test('after a reload the samples and the model are still there', async ({ page, trainedProfile }) => {
	await trainedVerifyPage(page, trainedProfile.trainedBackup);
	const before = await verifyPhoto(page, ME_HELD_OUT);
	await open(page, '/data');
	await page.reload();
	const counts = await page.locator('[data-testid=data-counts]').textContent();
	expect(counts, 'samples after reload').toBe(`Stored: ${ME.length} me · ${OTHERS.length + 1} not me`);
	expect(await page.locator('[data-testid=model-row]').count(), 'models after reload').toBe(1);
	await open(page, '/verify');
	const again = await verifyPhoto(page, ME_HELD_OUT);
	expect(again.verdicts[0].score, 'same score after reload').toBe(before.verdicts[0].score);
});

test('export, then import into a fresh profile: identical model and embeddings', async ({
	page,
	trainedProfile
}) => {
	// The trained profile exported its model and a backup (the fixture); this fresh profile imports the backup.
	expect(trainedProfile.model.name, 'model file name').toBe('model.json');
	await open(page, '/data');
	await page.locator('[data-testid=data-counts]').waitFor();
	expect(await page.locator('[data-testid=model-row]').count(), 'fresh profile has no model').toBe(0);
	await importBackup(page, trainedProfile.trainedBackup);
	const imported = await downloadText(page, '[data-testid=export-model]');
	expect(imported.name, 'model file name').toBe('model.json');
	expect(
		imported.text === trainedProfile.model.text,
		'the imported model file is byte-identical to the exported one'
	).toBe(true);
	const reexported = JSON.parse((await exportPlainBackup(page)).text);
	const original = JSON.parse(await readFile(trainedProfile.trainedBackup, 'utf8'));
	expect(JSON.stringify(reexported.samples), 'samples after import').toBe(JSON.stringify(original.samples));
});

test('parity: the browser-exported model gives the same score at POST /verify', async ({
	page,
	server,
	trainedProfile
}) => {
	await trainedVerifyPage(page, trainedProfile.trainedBackup);
	const browserScores = new Map<string, number>();
	for (const photo of [ME_HELD_OUT, OTHER_HELD_OUT]) {
		browserScores.set(photo, (await verifyPhoto(page, photo)).verdicts[0].score);
	}
	const model = trainedProfile.model.text;
	await writeFile(server.modelPath, model);
	try {
		for (const [photo, browserScore] of browserScores) {
			const form = new FormData();
			const bytes = await readFile(photo);
			const type = photo.endsWith('.png') ? 'image/png' : 'image/jpeg';
			form.append('image', new Blob([bytes], { type }), path.basename(photo));
			const response = await fetch(`${server.base}/verify`, {
				method: 'POST',
				body: form,
				headers: { 'x-api-key': server.apiKey! }
			});
			const body = (await response.json()) as { score: number; is_me: boolean; model_version: string };
			expect(response.status, `POST /verify status (${JSON.stringify(body)})`).toBe(200);
			expect(body.model_version, 'server uses the exported model').toBe(JSON.parse(model).model_version);
			const diff = Math.abs(body.score - browserScore);
			console.log(
				`  ${path.basename(photo)}: browser ${browserScore.toFixed(6)}, server ${body.score} (diff ${diff.toExponential(1)})`
			);
			expect(
				diff,
				`${path.basename(photo)}: server ${body.score} vs browser ${browserScore} (diff ${diff})`
			).toBeLessThanOrEqual(1e-3);
		}
	} finally {
		// The worker's server goes back to having no model.
		await rm(server.modelPath, { force: true });
	}
});

/**
 * Cross-origin isolation (issue 12): the page may share memory with workers, so the WASM backend runs on
 * threads, one per core; the badge says how many. Returns the thread count shown.
 */
async function expectIsolatedOnAllCores(page: Page, when: string): Promise<number> {
	expect(await page.evaluate(() => crossOriginIsolated), `${when}: crossOriginIsolated`).toBe(true);
	expect(await waitForEngine(page), `${when}: backend`).toBe('wasm');
	const badge = page.locator('[data-testid=engine-badge]');
	const threads = Number(await badge.getAttribute('data-threads'));
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	expect(threads, `${when}: WASM threads (${cores} cores)`).toBe(cores);
	expect(threads, `${when}: more than one thread on this ${cores}-core machine`).toBeGreaterThanOrEqual(
		Math.min(2, cores)
	);
	expect(await badge.textContent(), `${when}: the badge shows the thread count`).toMatch(
		new RegExp(`· ${threads} threads?\\b`)
	);
	return threads;
}

test('offline: with the network off a reload still loads the app, cross-origin isolated on every core, and verifies', async ({
	page,
	context,
	trainedProfile
}) => {
	await trainedVerifyPage(page, trainedProfile.trainedBackup);
	const online = await verifyPhoto(page, ME_HELD_OUT);
	const threads = await expectIsolatedOnAllCores(page, 'online');
	await serviceWorkerReady(page);
	await context.setOffline(true);
	try {
		await page.reload();
		await page.locator('[data-testid=model-info]').waitFor({ timeout: 60_000 });
		// The page and the engine's files now come from the service worker's cache: still isolated.
		expect(await expectIsolatedOnAllCores(page, 'offline'), 'same threads offline').toBe(threads);
		const offline = await verifyPhoto(page, ME_HELD_OUT);
		expect(offline.verdicts[0]?.isMe, 'John Salley is still me offline').toBe(true);
		expect(offline.verdicts[0].score, 'same score offline').toBe(online.verdicts[0].score);
		expect(await page.evaluate(() => navigator.onLine), 'the page saw itself offline').toBe(false);
		expect(
			await page.evaluate(() => '_tfengine' in globalThis),
			"the verify page runs no tfjs: the engine's worker does"
		).toBe(false);
	} finally {
		await context.setOffline(false);
	}
});

test('the UI switches to Spanish and remembers it', async ({ page }) => {
	await page.goto(url('/'));
	await page.selectOption('[data-testid=language]', 'es');
	await page.locator('nav a[href^="/enroll"]', { hasText: 'Registrar' }).waitFor();
	await page.reload();
	await page.locator('nav a[href^="/enroll"]', { hasText: 'Registrar' }).waitFor();
	expect(await page.evaluate(() => document.documentElement.lang), 'html lang').toBe('es');
	await page.selectOption('[data-testid=language]', 'en');
	await page.locator('nav a[href^="/enroll"]', { hasText: 'Enroll' }).waitFor();
});

test('"erase everything" leaves no stored face, model, setting or cache behind', async ({
	page,
	trainedProfile
}) => {
	await importBackup(page, trainedProfile.trainedBackup);
	await page.selectOption('[data-testid=language]', 'es');
	await page.selectOption('[data-testid=language]', 'en');
	// The People page keeps its faces in a database of its own: open it so that there is one to erase.
	await open(page, PEOPLE_PAGE);
	await page.locator('[data-testid=people-empty], [data-testid=person]').first().waitFor();
	await serviceWorkerReady(page);
	const before = await page.evaluate(async () => ({
		caches: (await caches.keys()).length,
		databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
		localStorage: localStorage.length
	}));
	expect(
		before.databases.length,
		'the samples and the people databases exist before the erase'
	).toBeGreaterThanOrEqual(2);
	expect(before.databases, 'the wrapped data key exists before the erase').toContain('me-verifier-keys');
	expect(before.caches, 'the service worker cached the app before the erase').toBeGreaterThan(0);
	expect(before.localStorage, 'a setting is stored before the erase').toBeGreaterThan(0);
	await open(page, '/data');
	await expect(page.locator('[data-testid=data-counts]')).toHaveText(
		`Stored: ${ME.length} me · ${OTHERS.length + 1} not me`
	);
	page.once('dialog', (dialog) => void dialog.accept());
	await page.click('[data-testid=erase-everything]');
	await page.locator('[data-testid=data-message].ok').waitFor();
	const left = await page.evaluate(async () => ({
		caches: (await caches.keys()).length,
		databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
		localStorage: localStorage.length
	}));
	expect(left.caches, 'Cache Storage entries after erase').toBe(0);
	expect(left.databases.join(', '), 'IndexedDB databases after erase').toBe('');
	expect(left.localStorage, 'localStorage entries after erase').toBe(0);
	expect(await page.locator('[data-testid=data-counts]').textContent(), 'samples after erase').toBe(
		'Stored: 0 me · 0 not me'
	);
	expect(await page.locator('[data-testid=model-row]').count(), 'models after erase').toBe(0);
	await page.reload();
	expect(await page.locator('[data-testid=data-counts]').textContent(), 'samples after a reload').toBe(
		'Stored: 0 me · 0 not me'
	);
});

test('privacy: no request of the whole flow uploads image bytes or embeddings', async ({
	page,
	context,
	server
}) => {
	const requests: { method: string; url: string; postData: string | null }[] = [];
	const log = (r: Request) => requests.push({ method: r.method(), url: r.url(), postData: r.postData() });
	context.on('request', log);

	// The whole journey in this one profile: enroll, pick a face, train, verify, reload, export, offline,
	// language, the People page, erase.
	await open(page, '/enroll');
	await waitForEngine(page);
	expect(saved(await enroll(page, ME, 'me')), '"me" photos saved').toBe(true);
	expect(saved(await enroll(page, OTHERS, 'not_me')), '"not me" photos saved').toBe(true);
	await enroll(page, [NO_FACE, TWO_FACES], 'not_me');
	await page
		.locator('[data-testid=enroll-item][data-status=choose] [data-testid=choose-face]')
		.first()
		.click();
	await waitForSampleCounts(page, `${OTHERS.length + 1} not me`);
	await page.click('a[href^="/train"]');
	await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
	await page.click('[data-testid=train-button]');
	await page.locator('[data-testid=train-report]').waitFor({ timeout: 120_000 });
	await page.click('[data-testid=save-model]');
	await page.locator('[data-testid=saved]').waitFor();
	await open(page, '/verify');
	await page.locator('[data-testid=model-info]').waitFor();
	for (const photo of [
		ME_HELD_OUT,
		OTHER_HELD_OUT,
		facePath('multi/bbt4.jpg'),
		facePath('noface/rocket.jpg')
	])
		await verifyPhoto(page, photo);
	await open(page, '/data');
	await page.reload();
	await downloadText(page, '[data-testid=export-model]');
	await page.fill('[data-testid=backup-passphrase]', 'a backup passphrase');
	await downloadText(page, '[data-testid=export-backup]');
	await open(page, '/verify');
	await serviceWorkerReady(page);
	await context.setOffline(true);
	await page.reload();
	await page.locator('[data-testid=model-info]').waitFor({ timeout: 60_000 });
	expect((await verifyPhoto(page, ME_HELD_OUT)).verdicts[0]?.isMe, 'me, offline').toBe(true);
	await context.setOffline(false);
	await page.selectOption('[data-testid=language]', 'es');
	await page.selectOption('[data-testid=language]', 'en');
	await open(page, PEOPLE_PAGE);
	await page.locator('[data-testid=people-empty], [data-testid=person]').first().waitFor();
	await open(page, '/data');
	page.once('dialog', (dialog) => void dialog.accept());
	await page.click('[data-testid=erase-everything]');
	await page.locator('[data-testid=data-message].ok').waitFor();
	await context.close();

	const origin = new URL(server.base).origin;
	const foreign = requests.filter((r) => !r.url.startsWith(origin) && !/^(data|blob):/.test(r.url));
	expect(foreign.length, `requests to other origins: ${foreign.map((r) => r.url).join(', ')}`).toBe(0);
	const withBody = requests.filter((r) => !['GET', 'HEAD'].includes(r.method) || r.postData);
	expect(
		withBody.length,
		`requests with a body: ${withBody.map((r) => `${r.method} ${r.url} (${r.postData?.length ?? 0} bytes)`).join(', ')}`
	).toBe(0);
	expect(requests.length, `the log recorded the flow (${requests.length} requests)`).toBeGreaterThan(20);
});
