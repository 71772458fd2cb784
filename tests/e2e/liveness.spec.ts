import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { REPO_ROOT } from '../helpers/faces';
import { LIVENESS_ACTIONS, POSE_ACTIONS, type LivenessAction } from '../../src/lib/core/liveness/actions';
import { downloadText, enroll, open, waitForEngine } from './lib/app';
import { CONTEXT_OPTIONS } from './lib/browser';
import { test as base, expect, importModel, screenshot, serviceWorkerReady } from './lib/fixtures';

/**
 * Issue 9 in the browser: the fake camera plays clips made at test time from ../shared/data/liveness (never
 * copied into the repository). A still print and a replayed video fail the live check; a real person's clip
 * that performs its challenge passes and is then verified as "me". The challenge is drawn by the page's own
 * createChallenge; for the clips that must face a known challenge, the test answers the page's
 * crypto.getRandomValues calls of one word from a plan it sets just before clicking (nothing in the app
 * reads a test hook).
 */

const MEDIA = path.resolve(REPO_ROOT, '../shared/data/liveness');
const FIT =
	'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p';

function ffmpeg(args: string[]): void {
	execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
}

/**
 * tv_real.mp4 (one person, a deliberate turn left ~2-5.4 s, a turn right, down ~11.7-13.8 s, up ~14.5-16 s):
 * the turn right (too small to count either way) is cut out and the rest played at 1/0.7 speed, so left,
 * down and up each come 1.5-3 s after the previous one, inside the 4 s steps.
 */
function bonaFideClip(out: string): void {
	ffmpeg([
		...['-i', path.join(MEDIA, 'bona_fide/tv_real.mp4'), '-an'],
		...['-vf', `select='not(between(t,5.9,11.4))',setpts=0.7*(N/30)/TB,fps=15,${FIT}`],
		...['-f', 'yuv4mpegpipe', out]
	]);
}

/** The word each draw of drawActions must get so that it picks `actions` from `allowed`. */
function wordsFor(actions: LivenessAction[], allowed: readonly LivenessAction[]): number[] {
	return actions.map((action, i) => {
		const choices = allowed.filter((a) => a !== actions[i - 1]);
		const index = choices.indexOf(action);
		expect(index, `${action} can follow ${actions[i - 1]}`).toBeGreaterThanOrEqual(0);
		return index;
	});
}

/** Installed before any page script: one-word requests are answered from window.__plan while it lasts. */
function planRandomWords(): void {
	const w = window as unknown as { __plan: number[] };
	w.__plan = [];
	const original = crypto.getRandomValues.bind(crypto);
	crypto.getRandomValues = (<T extends ArrayBufferView | null>(array: T): T => {
		if (array instanceof Uint32Array && array.length === 1 && w.__plan.length > 0) {
			array[0] = w.__plan.shift()!;
			return array;
		}
		return original(array as never) as T;
	}) as typeof crypto.getRandomValues;
}

/** The model of the person in tv_real, built once per worker (see the `tvRealModel` fixture). */
const test = base.extend<{ withCamera: WithCamera }, { tvRealModel: string }>({
	/** A template model of the person in tv_real, from five of its frames enrolled as files (no camera). */
	tvRealModel: [
		async ({ browser, server }, use) => {
			const frames = [0.3, 1.0, 6.6, 17, 19.5].map((s, i) => {
				const file = path.join(server.tmp, `tv_real-${i}.png`);
				ffmpeg(['-ss', String(s), '-i', path.join(MEDIA, 'bona_fide/tv_real.mp4'), '-frames:v', '1', file]);
				return file;
			});
			const context = await browser.newContext({ ...CONTEXT_OPTIONS, baseURL: server.base });
			let model: string;
			try {
				const page = await context.newPage();
				await open(page, '/enroll');
				await waitForEngine(page);
				const saved = await enroll(page, frames, 'me');
				expect(
					saved.filter((s) => s.status === 'saved').length,
					`tv_real frames enrolled: ${JSON.stringify(saved)}`
				).toBeGreaterThanOrEqual(3);
				await open(page, '/train');
				await page.locator('[data-testid=train-button]:not([disabled])').waitFor({ timeout: 60_000 });
				await page.click('[data-testid=train-button]');
				await page.locator('[data-testid=template-report]').waitFor({ timeout: 60_000 });
				await page.click('[data-testid=save-model]');
				await page.locator('[data-testid=saved]').waitFor();
				await open(page, '/data');
				model = (await downloadText(page, '[data-testid=export-model]')).text;
			} finally {
				await context.close();
			}
			await use(model);
		},
		{ scope: 'worker', timeout: 180_000 }
	],

	withCamera: async ({ cameraPage, tmp, tvRealModel }, use) => {
		await use(async (clip, fn) => {
			const page = await cameraPage(clip);
			await page.context().addInitScript(planRandomWords);
			page.on('console', (m) => {
				if (m.type() === 'error') console.log(`  [liveness page error] ${m.text().slice(0, 300)}`);
			});
			await importModel(page, tmp, tvRealModel);
			// Let the service worker finish caching the app and its models before the pages under test load them.
			await serviceWorkerReady(page);
			await fn(page);
		});
	}
});

/** Runs `fn` on a page whose camera plays `clip`, with the tv_real model imported. */
type WithCamera = (clip: string, fn: (page: Page) => Promise<void>) => Promise<void>;

interface CheckOutcome {
	phase: string;
	failure: string;
	actions: string[];
	message: string;
}

/** Starts a check (which opens the camera, so the clip plays from its start) and waits for the verdict. */
async function runCheck(
	page: Page,
	plan: number[] = [],
	duringRun?: () => Promise<void>
): Promise<CheckOutcome> {
	if (await page.locator('[data-testid=camera-stop]').isVisible())
		await page.click('[data-testid=camera-stop]');
	await page.evaluate((words) => ((window as unknown as { __plan: number[] }).__plan = words), plan);
	const panel = page.locator('[data-testid=liveness-panel]');
	await page.click('[data-testid=liveness-start]');
	// The previous verdict stays on the panel until this check has started.
	await page
		.locator('[data-testid=liveness-panel]:not([data-phase=passed]):not([data-phase=failed])')
		.waitFor({ timeout: 60_000 });
	await duringRun?.();
	await page
		.locator(
			'[data-testid=liveness-panel][data-phase=passed], [data-testid=liveness-panel][data-phase=failed]'
		)
		.waitFor({
			timeout: 120_000
		});
	return {
		phase: (await panel.getAttribute('data-phase')) ?? '',
		failure: (await panel.getAttribute('data-failure')) ?? '',
		actions: await page
			.locator('[data-testid=liveness-steps] li')
			.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.action ?? '')),
		message: (await page.locator('[data-testid=liveness-message]').textContent())?.trim() ?? ''
	};
}

test('liveness: a real person doing the challenge on time passes, then the frame is verified as "me"', async ({
	withCamera,
	tmp
}) => {
	const clip = path.join(tmp, 'tv_real-cut.y4m');
	bonaFideClip(clip);
	// The clip turns left, looks down, then up: a head-movements-only challenge, a setting the user can choose.
	const wanted: LivenessAction[] = ['turn_left', 'look_down', 'look_up'];
	await withCamera(clip, async (page) => {
		await open(page, '/settings');
		await page.check('[data-testid=liveness-head-only]');
		await open(page, '/verify');
		await waitForEngine(page);
		let outcome: CheckOutcome | null = null;
		// The clip restarts when the camera opens; one retry covers a slow start on a busy machine.
		for (let attempt = 1; attempt <= 2 && outcome?.phase !== 'passed'; attempt++) {
			outcome = await runCheck(page, wordsFor(wanted, POSE_ACTIONS), async () => {
				// The guide points the way on the mirrored selfie view: the user's left is the screen's left.
				await page
					.locator('[data-testid=liveness-guide] [data-direction=left]')
					.waitFor({ state: 'attached', timeout: 30_000 });
				expect(
					(await page.locator('[role=status][aria-live=polite]').count()) > 0,
					'an aria-live status'
				).toBe(true);
			});
			console.log(`  attempt ${attempt}: ${JSON.stringify(outcome)}`);
		}
		if (!outcome) throw new Error('no check ran');
		expect(outcome.actions.join(','), 'the page drew the planned challenge').toBe(wanted.join(','));
		expect(outcome.phase, `the live check (${outcome.message})`).toBe('passed');
		const verdict = page.locator('[data-testid=liveness-verdict] [data-testid=verdict]');
		await verdict.waitFor();
		expect(await verdict.getAttribute('data-is-me'), 'the person of the model is "me"').toBe('true');
		await screenshot(page, 'verify-liveness.png', false);
	});
});

test('liveness: offline, a replayed video of the same person fails a challenge it does not follow, and never says "me"', async ({
	withCamera,
	tmp
}) => {
	const clip = path.join(tmp, 'tv_fake.y4m');
	ffmpeg([
		'-i',
		path.join(MEDIA, 'attack_replay/tv_fake.mp4'),
		'-an',
		'-t',
		'16',
		'-vf',
		`fps=15,${FIT}`,
		'-f',
		'yuv4mpegpipe',
		clip
	]);
	// One draw of the default policy (head and face actions), fixed so the run repeats.
	const wanted: LivenessAction[] = ['turn_right', 'open_mouth', 'look_up'];
	await withCamera(clip, async (page) => {
		await open(page, '/verify');
		await waitForEngine(page);
		// Offline, as the app is meant to run once installed: the check needs nothing from the network.
		await page.context().setOffline(true);
		await page.reload();
		await waitForEngine(page);
		const outcome = await runCheck(page, wordsFor(wanted, LIVENESS_ACTIONS));
		console.log(`  ${JSON.stringify(outcome)}`);
		expect(outcome.actions.join(','), 'the page drew the planned challenge').toBe(wanted.join(','));
		expect(outcome.phase, 'the replay fails the live check').toBe('failed');
		expect(
			/^Live check failed: \w/.test(outcome.message),
			`the failure is said in words: ${outcome.message}`
		).toBeTruthy();
		expect(
			await page.locator('[data-testid=liveness-verdict]').count(),
			'no verdict after a failed check'
		).toBe(0);
		// The camera keeps running: faces get boxes, but no decision without a passed check.
		const box = page.locator('.stage [data-testid=face-box]').first();
		await box.waitFor({ timeout: 60_000 });
		expect(await box.getAttribute('data-label'), 'the box label').toBe('liveness check needed');
		expect(
			await page.locator('[data-testid=verdict]').count(),
			'no "me" or "not me" from the live loop'
		).toBe(0);
		expect(await page.evaluate(() => navigator.onLine), 'the check ran offline').toBe(false);
		await page.context().setOffline(false);
	});
});

test('liveness: a printed photo fails every check; three failures start a cool-down; guided enrolment refuses it', async ({
	withCamera,
	tmp
}) => {
	const clip = path.join(tmp, 'print.y4m');
	ffmpeg([
		'-loop',
		'1',
		'-i',
		path.join(MEDIA, 'attack_stills/F1_print.jpg'),
		'-t',
		'3',
		'-r',
		'15',
		'-vf',
		FIT,
		'-f',
		'yuv4mpegpipe',
		clip
	]);
	await withCamera(clip, async (page) => {
		await open(page, '/verify');
		await waitForEngine(page);
		// Challenges drawn by the CSPRNG, as in use: a picture can neither blink nor open its mouth.
		for (let attempt = 1; attempt <= 3; attempt++) {
			const outcome = await runCheck(page);
			console.log(`  attempt ${attempt}: ${JSON.stringify(outcome)}`);
			expect(outcome.phase, `attempt ${attempt} fails`).toBe('failed');
			expect(outcome.actions.length, 'three actions asked').toBe(3);
			expect(
				outcome.actions.some((a) => a === 'blink' || a === 'open_mouth'),
				`a face action is always asked: ${outcome.actions}`
			).toBeTruthy();
		}
		const message = (await page.locator('[data-testid=liveness-message]').textContent()) ?? '';
		expect(
			/Too many failed checks on this device\. Try again in \d+ s\./.test(message),
			`cool-down shown: ${message}`
		).toBeTruthy();
		expect(
			await page.locator('[data-testid=liveness-start]').isDisabled(),
			'the check button waits for the cool-down'
		).toBeTruthy();
		expect(await page.locator('[data-testid=liveness-verdict]').count(), 'no verdict').toBe(0);
		// The cool-down survives a reload.
		await page.reload();
		await page.locator('[data-testid=liveness-start][disabled]').waitFor();

		// Guided enrolment runs its own check on the same camera: nothing is enrolled from a picture.
		await open(page, '/enroll');
		await waitForEngine(page);
		await page.locator('details summary').click();
		await page.click('[data-testid=guided-start]');
		await page.locator('[data-testid=liveness-panel][data-phase=failed]').waitFor({ timeout: 120_000 });
		const steps = await page
			.locator('[data-testid=liveness-steps] li')
			.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.action ?? ''));
		expect(
			[...steps]
				.filter((a) => POSE_ACTIONS.includes(a as LivenessAction))
				.sort()
				.join(','),
			'the guided capture asks for the four turns'
		).toBe([...POSE_ACTIONS].sort().join(','));
		expect(steps.length, 'and one blink or open mouth').toBe(5);
		expect(await page.locator('[data-testid=enroll-item]').count(), 'nothing enrolled').toBe(0);
	});
});
