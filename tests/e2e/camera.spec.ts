import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { facePath } from '../helpers/faces';
import { open, setLiveness, waitForEngine } from './lib/app';
import { expect, importModel, screenshot, test } from './lib/fixtures';

/** Chromium's fake camera plays a clip made from a face photo (the FIELD-NOTES recipe), face in the middle. */

function makeClip(photo: string, out: string): void {
	execFileSync(
		'ffmpeg',
		[
			...['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', photo, '-t', '2', '-r', '15'],
			...['-vf', 'scale=-2:280,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p', '-f', 'yuv4mpegpipe', out]
		],
		{ stdio: 'inherit' }
	);
}

test('live camera: a fake camera feed shows a face box and a decision', async ({
	cameraPage,
	tmp,
	trainedProfile
}) => {
	const clip = path.join(tmp, 'face.y4m');
	makeClip(facePath('John_Salley/000200_02159354.jpg'), clip);
	const page = await cameraPage(clip);
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			console.log(`  [camera page ${m.type()}] ${m.text().slice(0, 300)}`);
	});
	// The model the app journey trained in the browser (the trainedProfile fixture).
	await importModel(page, tmp, trainedProfile.model.text);

	// Liveness is on by default: a photo in front of the camera gets a box but no decision, only a request
	// for the live check (liveness.spec.ts runs the check itself).
	await open(page, '/verify');
	await waitForEngine(page);
	await page.click('[data-testid=camera-start]');
	const waiting = page.locator('.stage [data-testid=face-box]').first();
	await waiting.waitFor({ timeout: 60_000 });
	expect(await waiting.getAttribute('data-label'), 'the box asks for the check').toBe(
		'liveness check needed'
	);
	await page.locator('[data-testid=liveness-needed]').waitFor();
	expect(await page.locator('[data-testid=verdict]').count(), 'no "me" without a live check').toBe(0);
	expect(await page.locator('[data-testid=liveness-start]').isEnabled(), 'the live check can start').toBe(
		true
	);
	await page.click('[data-testid=camera-stop]');

	// With liveness off (Settings), the live camera decides on every frame, as before issue 9.
	await setLiveness(page, false);
	await open(page, '/verify');
	await waitForEngine(page);
	await page.click('[data-testid=camera-start]');
	const box = page.locator('.stage [data-testid=face-box]').first();
	await box.waitFor({ timeout: 60_000 });
	const verdict = page.locator('.card [data-testid=verdict]').first();
	await verdict.waitFor();
	const score = Number(await verdict.getAttribute('data-score'));
	expect(score >= 0 && score <= 1, `a score in [0, 1]: ${score}`).toBe(true);
	expect(await page.locator('[data-testid=timing]').textContent(), 'time per frame shown').toContain('ms');
	await screenshot(page, 'verify-camera.png', false);

	// The camera also enrolls: a captured frame goes through the same checks.
	await page.click('[data-testid=camera-stop]');
	await open(page, '/enroll');
	await page.locator('details summary').click();
	await page.click('[data-testid=camera-start]');
	await page.locator('[data-testid=camera-capture]').waitFor();
	await page.waitForFunction(() => (document.querySelector('video') as HTMLVideoElement).readyState >= 2);
	await page.click('[data-testid=camera-capture]');
	await page.locator('[data-testid=enroll-item][data-status=saved]').waitFor({ timeout: 60_000 });
	expect(await page.locator('[data-testid=enroll-item]').count(), 'one captured frame').toBe(1);
	// Burst mode: several frames in a row, each enrolled on its own.
	await page.click('[data-testid=camera-burst]');
	await page.waitForFunction(
		() => {
			const items = [...document.querySelectorAll<HTMLElement>('[data-testid=enroll-item]')];
			return (
				items.length >= 4 &&
				items.every((e) => e.dataset.status === 'saved' || e.dataset.status === 'rejected')
			);
		},
		null,
		{ timeout: 120_000 }
	);
	await page.locator('[data-testid=camera-burst]:not([disabled])').waitFor({ timeout: 60_000 });
	const saved = await page.locator('[data-testid=enroll-item][data-status=saved]').count();
	expect(saved, `burst frames enrolled: ${saved}`).toBeGreaterThanOrEqual(4);
});
