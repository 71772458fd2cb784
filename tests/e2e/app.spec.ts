import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { FACES_DIR, facePath } from '../helpers/faces';
import { downloadText, enroll, open, url, verifyPhoto, waitForEngine } from './lib/app';
import { newContext } from './lib/browser';
import { SCREENSHOT_DIR, state } from './lib/context';
import { assert, assertEqual, test } from './lib/harness';

/** The main journey in one browser profile: enroll, train, verify, reload, export/import, offline. */

const SCREENSHOTS = SCREENSHOT_DIR;
/** Every photo of one person in the shared set, in name order. */
const photosOf = (who: string) =>
	readdirSync(path.join(FACES_DIR, who))
		.filter((f) => /\.(jpe?g|png)$/i.test(f))
		.sort()
		.map((f) => facePath(`${who}/${f}`));

// "Me" is John Salley (10 colour photos enrolled, 1 held out); "not me" is four other Johns (one photo
// of John Simm held out) and seven Big Bang Theory characters (grey crops).
const SALLEY = photosOf('John_Salley');
const ME = SALLEY.slice(0, -1);
const ME_HELD_OUT = SALLEY.at(-1)!;
const SIMM = photosOf('John_Simm');
const OTHERS = [
	...['John_Savage', 'John_Schneider', 'John_Shimkus'].flatMap(photosOf),
	...SIMM.slice(0, -1),
	...['bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].flatMap((who) =>
		[1, 2, 3].map((i) => facePath(`${who}/${who}${i}.png`))
	)
];
const OTHER_HELD_OUT = SIMM.at(-1)!;

let context: BrowserContext;
let page: Page;

async function screenshot(name: string) {
	await mkdir(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

test('enroll "me" and "not me" photos through the file input', async () => {
	context = await newContext(state.browser);
	context.on('request', (r) =>
		state.requests.push({
			method: r.method(),
			url: r.url(),
			postData: r.postData(),
			resourceType: r.resourceType()
		})
	);
	page = await context.newPage();
	await open(page, state.server.base, '/enroll');
	assertEqual(await waitForEngine(page), 'wasm', 'active backend');

	const me = await enroll(page, ME, 'me');
	assert(
		me.every((i) => i.status === 'saved'),
		`"me" photos not all saved: ${JSON.stringify(me)}`
	);
	const others = await enroll(page, OTHERS, 'not_me');
	assert(
		others.every((i) => i.status === 'saved'),
		`"not me" photos not all saved: ${JSON.stringify(others)}`
	);
	const counts = await page.locator('[data-testid=sample-counts]').textContent();
	assert(
		counts?.includes(`${ME.length} me`) && counts.includes(`${OTHERS.length} not me`),
		`counts: ${counts}`
	);
	await screenshot('enroll.png');
});

test('enroll explains rejected photos and lets the user pick a face in a group photo', async () => {
	const [noFace, group] = await enroll(
		page,
		[facePath('noface/coffee.png'), facePath('multi/kit_with_rose.jpg')],
		'not_me'
	);
	assertEqual(noFace.status, 'rejected', 'no-face photo status');
	assertEqual(noFace.reasons.join(), 'NO_FACE', 'no-face reason');
	assertEqual(group.status, 'choose', 'group photo status');
	const choices = page.locator('[data-testid=enroll-item][data-status=choose] [data-testid=choose-face]');
	assertEqual(await choices.count(), 2, 'faces offered in kit_with_rose.jpg');
	await choices.first().click();
	await page.locator('[data-testid=enroll-item]').last().and(page.locator('[data-status=saved]')).waitFor();
	// The stored counts are re-read from the database after the save: wait for them, not for the status.
	const counts = page.locator('[data-testid=sample-counts]');
	await counts
		.filter({ hasText: `${OTHERS.length + 1} not me` })
		.waitFor({ timeout: 10_000 })
		.catch(() => undefined);
	const text = await counts.textContent();
	assert(text?.includes(`${OTHERS.length + 1} not me`), `the chosen face was stored: ${text}`);
});

test('train shows metrics, ROC/PR/histogram charts and a live threshold, then saves', async () => {
	await page.click('a[href^="/train"]');
	await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
	await page.click('[data-testid=train-button]');
	await page.locator('[data-testid=train-report]').waitFor({ timeout: 120_000 });
	for (const chart of ['roc', 'pr', 'histogram']) {
		const box = await page.locator(`[data-testid=chart-${chart}]`).boundingBox();
		assert(box && box.width > 100 && box.height > 100, `chart ${chart} is drawn`);
	}
	assert(
		(await page.locator('[data-testid=metrics] [data-metric=auc] td').textContent()) !== '–',
		'AUC shown'
	);
	// The slider drives the live error rates: at 0.999 nearly every "me" is rejected.
	const frrBefore = await page.locator('[data-testid=live-frr]').textContent();
	await page.locator('[data-testid=threshold-slider]').fill('0.999');
	const frrHigh = await page.locator('[data-testid=live-frr]').textContent();
	assert(frrHigh !== frrBefore, `FRR follows the slider (${frrBefore} -> ${frrHigh})`);
	await page.click('[data-testid=preset-default]');
	assertEqual(await page.locator('[data-testid=threshold-value]').textContent(), '0.5', 'preset 0.5');
	await screenshot('train.png');
	await page.click('[data-testid=save-model]');
	await page.locator('[data-testid=saved]').waitFor();
});

test('verify a held-out photo of me (me) and of someone else (not me)', async () => {
	await open(page, state.server.base, '/verify');
	await page.locator('[data-testid=model-info]').waitFor();
	const mine = await verifyPhoto(page, ME_HELD_OUT);
	assertEqual(mine.verdicts.length, 1, 'faces in the held-out photo of John Salley');
	assert(mine.verdicts[0].isMe, `John Salley should be me, score ${mine.verdicts[0].score}`);
	await screenshot('verify.png');
	const theirs = await verifyPhoto(page, OTHER_HELD_OUT);
	assert(!theirs.verdicts[0].isMe, `John Simm should not be me, score ${theirs.verdicts[0].score}`);
	state.browserScores.set(ME_HELD_OUT, mine.verdicts[0].score);
	state.browserScores.set(OTHER_HELD_OUT, theirs.verdicts[0].score);
});

test('a group photo shows one box per face; a photo without a face says so', async () => {
	const group = await verifyPhoto(page, facePath('multi/bbt4.jpg'));
	assertEqual(group.boxes, 6, 'boxes on bbt4.jpg (six people)');
	assertEqual(group.verdicts.length, 6, 'verdicts on bbt4.jpg');
	assertEqual(group.verdicts.filter((v) => v.isMe).length, 0, 'faces taken for John Salley in bbt4.jpg');
	await screenshot('verify-group.png');
	const none = await verifyPhoto(page, facePath('noface/rocket.jpg'));
	assert(none.noFace && none.boxes === 0, 'no-face message and no box');
	const message = await page.locator('[data-testid=no-face]').textContent();
	assert(message?.includes('No face'), `clear message: ${message}`);
});

test('after a reload the samples and the model are still there', async () => {
	await open(page, state.server.base, '/data');
	await page.reload();
	const counts = await page.locator('[data-testid=data-counts]').textContent();
	assertEqual(counts, `Stored: ${ME.length} me · ${OTHERS.length + 1} not me`, 'samples after reload');
	assertEqual(await page.locator('[data-testid=model-row]').count(), 1, 'models after reload');
	await open(page, state.server.base, '/verify');
	const again = await verifyPhoto(page, ME_HELD_OUT);
	assertEqual(again.verdicts[0].score, state.browserScores.get(ME_HELD_OUT), 'same score after reload');
});

test('export, then import into a fresh profile: identical model and embeddings', async () => {
	await open(page, state.server.base, '/data');
	const model = await downloadText(page, '[data-testid=export-model]');
	assertEqual(model.name, 'model.json', 'model file name');
	state.exportedModel = model.text;
	const backup = await downloadText(page, '[data-testid=export-backup]');
	const backupFile = path.join(state.tmp, 'backup.json');
	await writeFile(backupFile, backup.text);

	const fresh = await newContext(state.browser);
	try {
		const other = await fresh.newPage();
		await open(other, state.server.base, '/data');
		await other.locator('[data-testid=data-counts]').waitFor();
		assertEqual(await other.locator('[data-testid=model-row]').count(), 0, 'fresh profile has no model');
		await other.setInputFiles('[data-testid=import-backup]', backupFile);
		await other.locator('[data-testid=data-message].ok').waitFor();
		const imported = await downloadText(other, '[data-testid=export-model]');
		assert(imported.text === model.text, 'the imported model file is byte-identical to the exported one');
		const reexported = JSON.parse((await downloadText(other, '[data-testid=export-backup]')).text);
		const original = JSON.parse(backup.text);
		assertEqual(JSON.stringify(reexported.samples), JSON.stringify(original.samples), 'samples after import');
	} finally {
		await fresh.close();
	}
});

test('parity: the browser-exported model gives the same score at POST /verify', async () => {
	assert(state.exportedModel, 'a model was exported');
	assert(state.browserScores.size >= 2, 'the verify test recorded browser scores');
	await writeFile(state.modelPath, state.exportedModel);
	for (const [photo, browserScore] of state.browserScores) {
		const form = new FormData();
		const bytes = await readFile(photo);
		const type = photo.endsWith('.png') ? 'image/png' : 'image/jpeg';
		form.append('image', new Blob([bytes], { type }), path.basename(photo));
		const response = await fetch(`${state.server.base}/verify`, {
			method: 'POST',
			body: form,
			headers: { 'x-api-key': state.server.apiKey! }
		});
		const body = (await response.json()) as { score: number; is_me: boolean; model_version: string };
		assertEqual(response.status, 200, `POST /verify status (${JSON.stringify(body)})`);
		assertEqual(
			body.model_version,
			JSON.parse(state.exportedModel).model_version,
			'server uses the exported model'
		);
		const diff = Math.abs(body.score - browserScore);
		console.log(
			`  ${path.basename(photo)}: browser ${browserScore.toFixed(6)}, server ${body.score} (diff ${diff.toExponential(1)})`
		);
		assert(
			diff <= 1e-3,
			`${path.basename(photo)}: server ${body.score} vs browser ${browserScore} (diff ${diff})`
		);
	}
});

test('offline: with the network off a reload still loads the app and verifies', async () => {
	await open(page, state.server.base, '/verify');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true })
			);
		}
	});
	await context.setOffline(true);
	try {
		await page.reload();
		await page.locator('[data-testid=model-info]').waitFor({ timeout: 60_000 });
		const offline = await verifyPhoto(page, ME_HELD_OUT);
		assert(offline.verdicts[0]?.isMe, 'John Salley is still me offline');
		assertEqual(offline.verdicts[0].score, state.browserScores.get(ME_HELD_OUT), 'same score offline');
		const failed = await page.evaluate(() => navigator.onLine);
		assertEqual(failed, false, 'the page saw itself offline');
	} finally {
		await context.setOffline(false);
	}
});

test('the UI switches to Spanish and remembers it', async () => {
	await page.goto(url(state.server.base, '/'));
	await page.selectOption('[data-testid=language]', 'es');
	await page.locator('nav a[href^="/enroll"]', { hasText: 'Registrar' }).waitFor();
	await page.reload();
	await page.locator('nav a[href^="/enroll"]', { hasText: 'Registrar' }).waitFor();
	assertEqual(await page.evaluate(() => document.documentElement.lang), 'es', 'html lang');
	await page.selectOption('[data-testid=language]', 'en');
});

test('"erase everything" leaves no stored face, model, setting or cache behind', async () => {
	// The People page keeps its faces in a database of its own: open it so that there is one to erase.
	await open(page, state.server.base, '/people-app');
	await page.locator('[data-testid=people-empty], [data-testid=person]').first().waitFor();
	assert(
		(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).length >= 2,
		'the samples and the people databases exist before the erase'
	);
	await open(page, state.server.base, '/data');
	await page.locator('[data-testid=data-counts]').waitFor();
	page.once('dialog', (dialog) => void dialog.accept());
	await page.click('[data-testid=erase-everything]');
	await page.locator('[data-testid=data-message].ok').waitFor();
	const left = await page.evaluate(async () => ({
		caches: (await caches.keys()).length,
		databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
		localStorage: localStorage.length
	}));
	assertEqual(left.caches, 0, 'Cache Storage entries after erase');
	assertEqual(left.databases.join(', '), '', 'IndexedDB databases after erase');
	assertEqual(left.localStorage, 0, 'localStorage entries after erase');
	assertEqual(
		await page.locator('[data-testid=data-counts]').textContent(),
		'Stored: 0 me · 0 not me',
		'samples after erase'
	);
	assertEqual(await page.locator('[data-testid=model-row]').count(), 0, 'models after erase');
	await page.reload();
	assertEqual(
		await page.locator('[data-testid=data-counts]').textContent(),
		'Stored: 0 me · 0 not me',
		'samples after a reload'
	);
});

test('privacy: no request of the whole flow uploads image bytes or embeddings', async () => {
	await context.close();
	const origin = new URL(state.server.base).origin;
	const foreign = state.requests.filter((r) => !r.url.startsWith(origin) && !/^(data|blob):/.test(r.url));
	assertEqual(foreign.length, 0, `requests to other origins: ${foreign.map((r) => r.url).join(', ')}`);
	const withBody = state.requests.filter((r) => !['GET', 'HEAD'].includes(r.method) || r.postData);
	assertEqual(
		withBody.length,
		0,
		`requests with a body: ${withBody.map((r) => `${r.method} ${r.url} (${r.postData?.length ?? 0} bytes)`).join(', ')}`
	);
	assert(state.requests.length > 20, `the log recorded the flow (${state.requests.length} requests)`);
});
