import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/**
 * Page actions shared by the specs (and the browser bench); every page runs on the WASM backend (tests never
 * need a GPU). Paths are relative to the context's baseURL (the worker's server).
 */

export const BACKEND = 'wasm';

/** The People page (recognition of registered people); `/people` without `Accept: text/html` is the API. */
export const PEOPLE_PAGE = '/people';

function assert(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

export function url(path: string): string {
	return `${path}?backend=${BACKEND}`;
}

export async function open(page: Page, path: string): Promise<void> {
	await page.goto(url(path));
}

export async function waitForEngine(page: Page): Promise<string> {
	const badge = page.locator('[data-testid=engine-badge]');
	await page
		.locator('[data-testid=engine-badge].ready, [data-testid=engine-badge].error')
		.waitFor({ timeout: 120_000 });
	const failed = await badge.evaluate((el) =>
		el.classList.contains('ready') ? null : el.querySelector('[title]')?.getAttribute('title')
	);
	assert(failed === null, `engine failed: ${failed}`);
	return (await badge.getAttribute('data-backend')) ?? '';
}

export interface EnrollOutcome {
	name: string;
	status: string;
	reasons: string[];
}

/** Adds files through the file input and waits until every listed item is saved, rejected or waiting for a choice. */
export async function enroll(page: Page, files: string[], label: 'me' | 'not_me'): Promise<EnrollOutcome[]> {
	await page.check(label === 'me' ? '[data-testid=label-me]' : '[data-testid=label-not-me]');
	const before = await page.locator('[data-testid=enroll-item]').count();
	await page.setInputFiles('[data-testid=file-input]', files);
	await page.waitForFunction(
		(n) => {
			const items = [...document.querySelectorAll<HTMLElement>('[data-testid=enroll-item]')];
			return (
				items.length === n &&
				items.every((e) => ['saved', 'rejected', 'choose'].includes(e.dataset.status ?? ''))
			);
		},
		before + files.length,
		{ timeout: 240_000 }
	);
	const items = await page.locator('[data-testid=enroll-item]').evaluateAll((els) =>
		els.map((e) => ({
			name: e.querySelector('.name')?.textContent ?? '',
			status: (e as HTMLElement).dataset.status ?? '',
			reasons: [...e.querySelectorAll<HTMLElement>('[data-testid=reject-reason]')].map(
				(r) => r.dataset.reason ?? ''
			)
		}))
	);
	return items.slice(before);
}

export interface Verdict {
	isMe: boolean;
	score: number;
}

export interface PhotoResult {
	verdicts: Verdict[];
	boxes: number;
	noFace: boolean;
}

export async function verifyPhoto(page: Page, file: string): Promise<PhotoResult> {
	// Clear the previous result first so we wait for this photo's.
	await page.evaluate(() => {
		for (const el of document.querySelectorAll('[data-testid=verdicts], [data-testid=no-face]'))
			el.setAttribute('data-stale', '');
	});
	await page.setInputFiles('[data-testid=verify-input]', file);
	await page.waitForFunction(
		() =>
			document.querySelector(
				'[data-testid=verdicts]:not([data-stale]), [data-testid=no-face]:not([data-stale]), [data-testid=verify-error]'
			),
		null,
		{ timeout: 120_000 }
	);
	const errorBox = page.locator('[data-testid=verify-error]');
	const error = (await errorBox.count()) > 0 ? await errorBox.textContent() : null;
	assert(!error, `verify failed: ${error}`);
	const verdicts = await page.locator('.card [data-testid=verdict]').evaluateAll((els) =>
		els.map((e) => ({
			isMe: (e as HTMLElement).dataset.isMe === 'true',
			score: Number((e as HTMLElement).dataset.score)
		}))
	);
	return {
		verdicts,
		boxes: await page.locator('.photo [data-testid=face-box]').count(),
		noFace: (await page.locator('[data-testid=no-face]').count()) > 0
	};
}

/** Clicks `selector`, catches the download it starts and returns its text. */
export async function downloadText(page: Page, selector: string): Promise<{ name: string; text: string }> {
	const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
	const path = await download.path();
	return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/**
 * The data page's backup, in clear: the tests read its JSON. A plain file is an explicit choice in the app (a
 * checkbox with a warning); by default the file is encrypted with the passphrase typed beside the button.
 */
export async function exportPlainBackup(page: Page): Promise<{ name: string; text: string }> {
	await page.check('[data-testid=backup-plain]');
	await page.locator('[data-testid=backup-plain-warning]').waitFor();
	return downloadText(page, '[data-testid=export-backup]');
}

/** Turns the liveness setting on or off through the Settings page, as a user would. */
export async function setLiveness(page: Page, on: boolean): Promise<void> {
	await open(page, '/settings');
	const box = page.locator('[data-testid=liveness-setting]');
	if ((await box.isChecked()) !== on) await box.click();
	assert((await box.isChecked()) === on, `liveness setting ${on ? 'on' : 'off'}`);
}
