import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FACES_DIR, facePath } from '../helpers/faces';
import { enroll, open, setLiveness, verifyPhoto, waitForEngine } from './lib/app';
import { launchWithCamera, newContext } from './lib/browser';
import { state } from './lib/context';
import { assert, assertEqual, test } from './lib/harness';

/** Issue 7: a verifier from "me" photos alone (template mode), from files and from ten camera frames. */

const photosOf = (who: string) =>
	readdirSync(path.join(FACES_DIR, who))
		.filter((f) => /\.(jpe?g|png)$/i.test(f))
		.sort()
		.map((f) => facePath(`${who}/${f}`));

async function trainTemplate(page: Page): Promise<void> {
	await open(page, state.server.base, '/train');
	await waitForEngine(page);
	await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
	await page.click('[data-testid=train-button]');
	await page.locator('[data-testid=template-report]').waitFor({ timeout: 60_000 });
	assertEqual(await page.locator('[data-testid=template-preset]').count(), 3, 'three FAR presets');
	const checked = await page.locator('[data-testid=template-preset] input:checked').getAttribute('value');
	assertEqual(Number(checked), 1e-3, 'FAR 1e-3 chosen by default');
	await page.click('[data-testid=save-model]');
	await page.locator('[data-testid=saved]').waitFor();
}

test('no "not me" photos: nine photos of "me" train a calibrated template that verifies', async () => {
	const context = await newContext(state.browser);
	const page = await context.newPage();
	const salley = photosOf('John_Salley');
	await open(page, state.server.base, '/enroll');
	await waitForEngine(page);
	const saved = await enroll(page, salley.slice(0, 9), 'me');
	assert(
		saved.every((i) => i.status === 'saved'),
		`"me" photos saved: ${JSON.stringify(saved)}`
	);
	await trainTemplate(page);

	await open(page, state.server.base, '/verify');
	await waitForEngine(page);
	const far = await page.locator('[data-testid=model-far]').textContent();
	assert(/1[,.]?000/.test(far ?? ''), `the FAR of the threshold is stated: ${far}`);
	const me = await verifyPhoto(page, salley.at(-1)!);
	assert(me.verdicts[0]?.isMe, `held-out photo of "me" accepted: ${JSON.stringify(me)}`);
	for (const other of [photosOf('John_Simm')[0], facePath('Barack_Obama/obama.jpg')]) {
		const r = await verifyPhoto(page, other);
		assert(!r.verdicts[0]?.isMe, `${path.basename(other)} refused: ${JSON.stringify(r)}`);
	}
	await context.close();
});

test('ten camera frames, then ready: a burst enrols "me" and the live camera says "me"', async () => {
	const clip = path.join(state.tmp, 'template-face.y4m');
	execFileSync(
		'ffmpeg',
		[
			...['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1'],
			...['-i', facePath('John_Salley/000200_02159354.jpg'), '-t', '2', '-r', '15'],
			...['-vf', 'scale=-2:280,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p', '-f', 'yuv4mpegpipe', clip]
		],
		{ stdio: 'inherit' }
	);
	let browser: Browser | null = null;
	try {
		browser = await launchWithCamera(clip);
		const context = await newContext(browser, ['camera']);
		const page = await context.newPage();
		await open(page, state.server.base, '/enroll');
		await waitForEngine(page);
		await page.locator('details summary').click();
		await page.click('[data-testid=camera-start]');
		await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).readyState >= 2);
		await page.click('[data-testid=camera-burst]');
		await page.locator('[data-testid=camera-burst]:not([disabled])').waitFor({ timeout: 120_000 });
		await page.waitForFunction(
			() =>
				[...document.querySelectorAll<HTMLElement>('[data-testid=enroll-item]')].every(
					(e) => e.dataset.status === 'saved' || e.dataset.status === 'rejected'
				),
			null,
			{ timeout: 120_000 }
		);
		const saved = await page.locator('[data-testid=enroll-item][data-status=saved]').count();
		assert(saved >= 8, `burst frames enrolled: ${saved} of 10`);
		await page.click('[data-testid=camera-stop]');
		await trainTemplate(page);

		await open(page, state.server.base, '/verify');
		await waitForEngine(page);
		await page.click('[data-testid=camera-start]');
		// The feed is a photo: with liveness on (the default) the camera does not say "me" on its own.
		const box = page.locator('.stage [data-testid=face-box]').first();
		await box.waitFor({ timeout: 60_000 });
		assertEqual(await box.getAttribute('data-label'), 'liveness check needed', 'the box asks for the check');
		assertEqual(await page.locator('[data-testid=verdict]').count(), 0, 'no "me" without a live check');
		await page.click('[data-testid=camera-stop]');
		await setLiveness(page, state.server.base, false);
		await open(page, state.server.base, '/verify');
		await waitForEngine(page);
		await page.click('[data-testid=camera-start]');
		const verdict = page.locator('.card [data-testid=verdict]').first();
		await verdict.waitFor({ timeout: 60_000 });
		assertEqual(
			await verdict.getAttribute('data-is-me'),
			'true',
			'with liveness off, the live camera says "me"'
		);
		await context.close();
	} finally {
		await browser?.close();
	}
});
