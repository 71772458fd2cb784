import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page, Request } from '@playwright/test';
import { facePath } from '../helpers/faces';
import { enroll, open, setLiveness, verifyPhoto, waitForEngine } from './lib/app';
import { expect, test } from './lib/fixtures';
import { photosOf } from './lib/photos';

/** Issue 7: a verifier from "me" photos alone (template mode), from files and from ten camera frames. */

async function trainTemplate(page: Page): Promise<void> {
	// Training needs tfjs, not the face models (issue 12): the page fetches no model and the engine stays idle.
	const models: string[] = [];
	const onRequest = (request: Request) => {
		if (new URL(request.url()).pathname.startsWith('/models/')) models.push(request.url());
	};
	page.on('request', onRequest);
	await open(page, '/train');
	await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
	await page.click('[data-testid=train-button]');
	await page.locator('[data-testid=template-report]').waitFor({ timeout: 60_000 });
	page.off('request', onRequest);
	expect(models, 'face models fetched on /train').toEqual([]);
	await expect(page.locator('[data-testid=engine-badge]'), 'the engine was not started').toHaveClass(
		/\bidle\b/
	);
	expect(await page.locator('[data-testid=train-time]').textContent(), 'trained on tfjs WASM').toContain(
		'wasm'
	);
	expect(await page.locator('[data-testid=template-preset]').count(), 'three FAR presets').toBe(3);
	const checked = await page.locator('[data-testid=template-preset] input:checked').getAttribute('value');
	expect(Number(checked), 'FAR 1e-3 chosen by default').toBe(1e-3);
	await page.click('[data-testid=save-model]');
	await page.locator('[data-testid=saved]').waitFor();
}

test('no "not me" photos: nine photos of "me" train a calibrated template that verifies', async ({
	page
}) => {
	const salley = photosOf('John_Salley');
	await open(page, '/enroll');
	await waitForEngine(page);
	const saved = await enroll(page, salley.slice(0, 9), 'me');
	expect(
		saved.every((i) => i.status === 'saved'),
		`"me" photos saved: ${JSON.stringify(saved)}`
	).toBe(true);
	await trainTemplate(page);

	await open(page, '/verify');
	await waitForEngine(page);
	const far = await page.locator('[data-testid=model-far]').textContent();
	expect(far, 'the FAR of the threshold is stated').toMatch(/1[,.]?000/);
	const me = await verifyPhoto(page, salley.at(-1)!);
	expect(me.verdicts[0]?.isMe, `held-out photo of "me" accepted: ${JSON.stringify(me)}`).toBe(true);
	for (const other of [photosOf('John_Simm')[0], facePath('Barack_Obama/obama.jpg')]) {
		const r = await verifyPhoto(page, other);
		expect(r.verdicts[0]?.isMe, `${path.basename(other)} refused: ${JSON.stringify(r)}`).toBe(false);
	}
});

test('ten camera frames, then ready: a burst enrols "me" and the live camera says "me"', async ({
	cameraPage,
	tmp
}) => {
	const clip = path.join(tmp, 'template-face.y4m');
	execFileSync(
		'ffmpeg',
		[
			...['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1'],
			...['-i', facePath('John_Salley/000200_02159354.jpg'), '-t', '2', '-r', '15'],
			...['-vf', 'scale=-2:280,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p', '-f', 'yuv4mpegpipe', clip]
		],
		{ stdio: 'inherit' }
	);
	const page = await cameraPage(clip);
	await open(page, '/enroll');
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
	expect(saved, `burst frames enrolled: ${saved} of 10`).toBeGreaterThanOrEqual(8);
	await page.click('[data-testid=camera-stop]');
	await trainTemplate(page);

	await open(page, '/verify');
	await waitForEngine(page);
	await page.click('[data-testid=camera-start]');
	// The feed is a photo: with liveness on (the default) the camera does not say "me" on its own.
	const box = page.locator('.stage [data-testid=face-box]').first();
	await box.waitFor({ timeout: 60_000 });
	expect(await box.getAttribute('data-label'), 'the box asks for the check').toBe('liveness check needed');
	expect(await page.locator('[data-testid=verdict]').count(), 'no "me" without a live check').toBe(0);
	await page.click('[data-testid=camera-stop]');
	await setLiveness(page, false);
	await open(page, '/verify');
	await waitForEngine(page);
	await page.click('[data-testid=camera-start]');
	const verdict = page.locator('.card [data-testid=verdict]').first();
	await verdict.waitFor({ timeout: 60_000 });
	expect(await verdict.getAttribute('data-is-me'), 'with liveness off, the live camera says "me"').toBe(
		'true'
	);
});
