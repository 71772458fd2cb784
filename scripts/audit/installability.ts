import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/e2e/lib/browser';
import type { Installability } from './verdict';

/**
 * Chromium's own installability verdict on the start page, the one that decides whether it offers to install
 * the app (Lighthouse 12 dropped its PWA category and installable-manifest audit). A persistent profile: an
 * incognito one is never installable. The page is first left until its service worker controls it.
 */
export async function checkInstallability(url: string): Promise<Installability> {
	const profile = mkdtempSync(path.join(tmpdir(), 'me-verifier-install-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: CHROMIUM_ARGS
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(url);
		const controlled = await page
			.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 })
			.then(
				() => true,
				() => false
			);
		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		const manifest = await cdp.send('Page.getAppManifest');
		return {
			controlled,
			errors: installabilityErrors.map((e) =>
				[e.errorId, ...e.errorArguments.map((a) => `${a.name}=${a.value}`)].join(' ')
			),
			manifestErrors: manifest.errors.map((e) => `${e.message} (line ${e.line})`)
		};
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
}
