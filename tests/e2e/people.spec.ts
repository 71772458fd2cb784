import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { facePath } from '../helpers/faces';
import { GROUP_PHOTOS } from '../helpers/group-photos';
import { open, waitForEngine } from './lib/app';
import { launchWithCamera, newContext } from './lib/browser';
import { SCREENSHOT_DIR, state } from './lib/context';
import { assert, assertEqual, test } from './lib/harness';

/**
 * The People page (issue 4): register two TV characters from four photos each through the file input,
 * then name them in a colour group photo on the device, and again with the server doing the work.
 * Only these two are registered, so every other face in the photo must stay unknown.
 */

const REGISTERED = ['Amy', 'Sheldon'];
const photosOf = (who: string) => [1, 2, 3, 4].map((i) => facePath(`${who}/${who}${i}.png`));
const GROUP = 'multi/bbt4.jpg';
/** Face centres as fractions of width and height. */
const WHO_IS_WHERE = GROUP_PHOTOS[GROUP];

let context: BrowserContext;
let page: Page;

interface Face {
	name: string;
	box: number[];
	confidence: number | null;
}

interface PhotoAnswer {
	mode: string;
	width: number;
	height: number;
	faces: Face[];
}

async function register(name: string, files: string[]): Promise<{ status: string; reason: string }[]> {
	await page.fill('[data-testid=people-name]', name);
	await page.setInputFiles('[data-testid=people-files]', files);
	await page.waitForFunction(
		(n) => {
			const items = [...document.querySelectorAll<HTMLElement>('[data-testid=draft-photo]')];
			return items.length === n && items.every((e) => e.dataset.status !== 'checking');
		},
		files.length,
		{ timeout: 180_000 }
	);
	const checks = await page.locator('[data-testid=draft-photo]').evaluateAll((els) =>
		els.map((e) => ({
			status: (e as HTMLElement).dataset.status ?? '',
			reason: (e as HTMLElement).dataset.reason ?? ''
		}))
	);
	await page.click('[data-testid=people-register]');
	await page.locator(`[data-testid=person][data-name="${name}"]`).waitFor();
	return checks;
}

/** Opens a photo in the recognition view (or waits for the re-run a mode switch starts) and reads the answer. */
async function recognize(action: () => Promise<void>): Promise<PhotoAnswer> {
	const result = page.locator('[data-testid=people-photo-result]');
	const before = Number(await result.getAttribute('data-finished'));
	await action();
	await page.waitForFunction(
		(n) => {
			const el = document.querySelector<HTMLElement>('[data-testid=people-photo-result]');
			return el && (el.dataset.state === 'error' || Number(el.dataset.finished) > n);
		},
		before,
		{ timeout: 180_000 }
	);
	const error = page.locator('[data-testid=people-photo-error]');
	const failure = (await error.count()) > 0 ? await error.textContent() : null;
	assert(!failure, `recognition failed: ${failure}`);
	console.log(
		`  ${await page.locator('[data-testid=people-photo-result] [data-testid=people-timing]').textContent()}`
	);
	const faces = await page
		.locator('[data-testid=people-photo-result] [data-testid=people-face]')
		.evaluateAll((els) =>
			els.map((e) => {
				const data = (e as HTMLElement).dataset;
				return {
					name: data.name ?? '',
					box: (data.box ?? '').split(',').map(Number),
					confidence: data.confidence ? Number(data.confidence) : null
				};
			})
		);
	return {
		mode: (await result.getAttribute('data-mode')) ?? '',
		width: Number(await result.getAttribute('data-width')),
		height: Number(await result.getAttribute('data-height')),
		faces
	};
}

const openGroupPhoto = () => page.setInputFiles('[data-testid=people-photo-input]', facePath(GROUP));

/** Maps a labelled face centre (fractions of the photo) to pixels of the analysed image. */
type Placement = (fx: number, fy: number) => [x: number, y: number];

const wholeImage =
	(answer: Pick<PhotoAnswer, 'width' | 'height'>): Placement =>
	(fx, fy) => [fx * answer.width, fy * answer.height];

/** Which labelled person each face is: the one whose face centre lies inside its box. */
function labelFaces(
	faces: Face[],
	place: Placement
): { who: string; name: string; confidence: number | null }[] {
	return faces.map((face) => {
		const [x, y, w, h] = face.box;
		const inside = WHO_IS_WHERE.filter(([, fx, fy]) => {
			const [cx, cy] = place(fx, fy);
			return cx >= x && cx <= x + w && cy >= y && cy <= y + h;
		});
		assertEqual(inside.length, 1, `labelled people inside the box ${face.box.join(',')}`);
		return { who: inside[0][0], name: face.name, confidence: face.confidence };
	});
}

/** Both registered people named on their own faces; nobody else named at all (only they are registered). */
function assertNamedCorrectly(faces: Face[], place: Placement, registered: string[], what: string): void {
	const labelled = labelFaces(faces, place);
	console.log(
		`  ${what}: ${labelled.map((f) => `${f.who}=${f.name || 'unknown'}${f.confidence ? ` ${f.confidence.toFixed(3)}` : ''}`).join(', ')}`
	);
	assertEqual(labelled.length, WHO_IS_WHERE.length, `${what}: faces found in ${GROUP}`);
	assertEqual(new Set(labelled.map((f) => f.who)).size, WHO_IS_WHERE.length, `${what}: one box per person`);
	for (const face of labelled) {
		const expected = registered.find((name) => name.toLowerCase() === face.who) ?? '';
		assertEqual(face.name, expected, `${what}: the name on ${face.who}'s face`);
		if (expected)
			assert(face.confidence !== null && face.confidence > 0, `${what}: a confidence for ${expected}`);
	}
}

/** Server mode needs an operator key: entered in Settings, kept in this browser profile only. */
async function enterApiKey(on: Page): Promise<void> {
	await open(on, state.server.base, '/settings');
	await on.fill('[data-testid=server-api-key]', state.server.apiKey!);
	await on.press('[data-testid=server-api-key]', 'Tab');
}

test('people: register two people from files, with rejected photos explained', async () => {
	context = await newContext(state.browser);
	page = await context.newPage();
	await enterApiKey(page);
	await open(page, state.server.base, '/people-app');
	assertEqual(await waitForEngine(page), 'wasm', 'active backend');
	await page.locator('[data-testid=people-engine][data-state=ready]').waitFor({ timeout: 180_000 });
	await page.locator('[data-testid=people-empty]').waitFor();

	const amy = await register(REGISTERED[0], [
		...photosOf('amy'),
		facePath('noface/coffee.png'),
		facePath('multi/kit_with_rose.jpg')
	]);
	assertEqual(amy.filter((c) => c.status === 'ok').length, 4, 'usable photos of Amy');
	assertEqual(amy[4].reason, 'NO_FACE', 'reason for the photo without a face');
	assertEqual(amy[5].reason, 'MULTIPLE_FACES', 'reason for the photo of two people');
	const sheldon = await register(REGISTERED[1], photosOf('sheldon'));
	assert(
		sheldon.every((c) => c.status === 'ok'),
		`Sheldon's photos: ${JSON.stringify(sheldon)}`
	);

	// IndexedDB keeps them across a reload, embeddings only.
	await page.reload();
	await page.locator('[data-testid=person]').first().waitFor();
	const listed = await page
		.locator('[data-testid=person]')
		.evaluateAll((els) =>
			els.map((e) => `${(e as HTMLElement).dataset.name}:${(e as HTMLElement).dataset.faces}`)
		);
	assertEqual(listed.join(), 'Amy:4,Sheldon:4', 'people listed after a reload');
});

test('people: both are named in a group photo on the device, everyone else unknown', async () => {
	await page.locator('[data-testid=people-engine][data-state=ready]').waitFor({ timeout: 180_000 });
	const answer = await recognize(openGroupPhoto);
	assertEqual(answer.mode, 'device', 'recognition mode');
	assertNamedCorrectly(answer.faces, wholeImage(answer), REGISTERED, 'device');
	const labels = await page
		.locator('[data-testid=people-photo-result] [data-testid=face-box]')
		.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label ?? ''));
	assertEqual(labels.length, WHO_IS_WHERE.length, 'boxes drawn over the photo');
	assert(
		labels.filter((l) => l.startsWith('Amy ') || l.startsWith('Sheldon ')).length === 2 &&
			labels.filter((l) => l === 'Unknown').length === 4,
		`overlay labels: ${labels.join(' | ')}`
	);
	await mkdir(SCREENSHOT_DIR, { recursive: true });
	await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'people.png'), fullPage: true });
});

test('people: a deleted person is no longer named', async () => {
	page.once('dialog', (dialog) => void dialog.accept());
	await page.click('[data-testid=person][data-name=Sheldon] [data-testid=person-delete]');
	await page.locator('[data-testid=person][data-name=Sheldon]').waitFor({ state: 'detached' });
	const answer = await recognize(openGroupPhoto);
	assertNamedCorrectly(answer.faces, wholeImage(answer), ['Amy'], 'after deleting Sheldon');
});

test('people: server mode sends the photo to POST /process_frame and draws the same overlay', async () => {
	for (const who of ['amy', 'sheldon']) {
		const body = new FormData();
		body.append('name', who[0].toUpperCase() + who.slice(1));
		for (const file of photosOf(who)) {
			body.append('images', new Blob([await readFile(file)], { type: 'image/png' }), path.basename(file));
		}
		const response = await fetch(`${state.server.base}/register`, {
			method: 'POST',
			body,
			headers: { 'x-api-key': state.server.apiKey! }
		});
		const json = (await response.json()) as { faces_used: number };
		assert(response.ok, `POST /register ${who}: ${response.status} ${JSON.stringify(json)}`);
		assertEqual(json.faces_used, 4, `faces the server used for ${who}`);
	}
	const frames: string[] = [];
	page.on('request', (r) => {
		if (r.url().endsWith('/process_frame')) frames.push(r.method());
	});
	// Switching the mode re-runs the photo on the server (Sheldon is only registered there now).
	const answer = await recognize(() => page.check('[data-testid=people-mode-server]'));
	assertEqual(answer.mode, 'server', 'recognition mode');
	assertEqual(frames.join(), 'POST', 'requests to /process_frame');
	assertNamedCorrectly(answer.faces, wholeImage(answer), REGISTERED, 'server');
	await context.close();
});

/** The group photo as a 640x480 fake-camera clip: scaled to 640 wide, padded top and bottom. */
const CLIP = { width: 640, height: 480, photoWidth: 710, photoHeight: 473 };
const clipHeight = Math.round((CLIP.width * CLIP.photoHeight) / CLIP.photoWidth / 2) * 2;
const inClip: Placement = (fx, fy) => [fx * CLIP.width, (CLIP.height - clipHeight) / 2 + fy * clipHeight];

function makeGroupClip(out: string): void {
	const filter = `scale=${CLIP.width}:${clipHeight},pad=${CLIP.width}:${CLIP.height}:0:(oh-ih)/2,format=yuv420p`;
	execFileSync(
		'ffmpeg',
		[
			...[
				'-hide_banner',
				'-loglevel',
				'error',
				'-y',
				'-loop',
				'1',
				'-i',
				facePath(GROUP),
				'-t',
				'2',
				'-r',
				'15'
			],
			...['-vf', filter, '-f', 'yuv4mpegpipe', out]
		],
		{ stdio: 'inherit' }
	);
}

/** Waits for a live frame analysed in `mode` after the current one, and reads its faces. */
async function nextLiveFrame(mode: string): Promise<Face[]> {
	const before = Number(
		(await page.locator('[data-testid=people-live-result]').getAttribute('data-frames')) ?? 0
	);
	await page.waitForFunction(
		({ n, mode }) => {
			const el = document.querySelector<HTMLElement>('[data-testid=people-live-result]');
			return el?.dataset.mode === mode && Number(el.dataset.frames) > n + 1;
		},
		{ n: before, mode },
		{ timeout: 120_000 }
	);
	const error = page.locator('[data-testid=people-live-error]');
	const failure = (await error.count()) > 0 ? await error.textContent() : null;
	assert(!failure, `live recognition failed: ${failure}`);
	return page.locator('[data-testid=people-live-result]').evaluate((result) =>
		[...result.querySelectorAll<HTMLElement>('[data-testid=people-face]')].map((e) => ({
			name: e.dataset.name ?? '',
			box: (e.dataset.box ?? '').split(',').map(Number),
			confidence: e.dataset.confidence ? Number(e.dataset.confidence) : null
		}))
	);
}

test('people: the live camera names both on the device, then through the server', async () => {
	const clip = path.join(state.tmp, 'people-bbt4.y4m');
	makeGroupClip(clip);
	let browser: Browser | null = null;
	try {
		browser = await launchWithCamera(clip);
		context = await newContext(browser, ['camera']);
		page = await context.newPage();
		await enterApiKey(page);
		await open(page, state.server.base, '/people-app');
		await page.locator('[data-testid=people-engine][data-state=ready]').waitFor({ timeout: 180_000 });

		// A camera capture goes through the same one-face check: the group frame is refused with its reason.
		await page.locator('details summary').click();
		await page.click('details [data-testid=camera-start]');
		await page.waitForFunction(
			() => (document.querySelector('details video') as HTMLVideoElement).readyState >= 2
		);
		await page.click('[data-testid=people-capture]');
		const captured = page.locator('[data-testid=draft-photo]:not([data-status=checking])');
		await captured.waitFor({ timeout: 60_000 });
		assertEqual(await captured.getAttribute('data-reason'), 'MULTIPLE_FACES', 'captured group frame');
		await page.click('[data-testid=people-clear]');
		await page.click('details [data-testid=camera-stop]');
		await page.locator('details summary').click();
		for (const name of REGISTERED) await register(name, photosOf(name.toLowerCase()));

		await page.click('[data-testid=people-live] [data-testid=camera-start]');
		assertNamedCorrectly(await nextLiveFrame('device'), inClip, REGISTERED, 'live, device');
		const labels = await page
			.locator('[data-testid=people-live] [data-testid=face-box]')
			.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.label ?? ''));
		assertEqual(
			labels.filter((l) => l !== 'Unknown').length,
			2,
			`named boxes over the video: ${labels.join(' | ')}`
		);
		await page.screenshot({
			path: path.join(SCREENSHOT_DIR, 'people-camera.png'),
			fullPage: true
		});

		await page.check('[data-testid=people-mode-server]');
		assertNamedCorrectly(await nextLiveFrame('server'), inClip, REGISTERED, 'live, server');
		await page.click('[data-testid=people-live] [data-testid=camera-stop]');
		await context.close();
	} finally {
		await browser?.close();
	}
});
