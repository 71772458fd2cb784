import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, never a downloaded one; flags measured to work here as root (FIELD-NOTES). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--enable-unsafe-swiftshader',
	// WebGPU exists here only as a software adapter; the backends spec still checks it agrees.
	'--enable-unsafe-webgpu'
];

export function launch(extraArgs: string[] = []): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Fake camera that plays `clip` (a .y4m file) and answers the permission prompt itself. */
export function launchWithCamera(clip: string, extraArgs: string[] = []): Promise<Browser> {
	return launch([
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${clip}`,
		...extraArgs
	]);
}

export async function newContext(browser: Browser, permissions: string[] = []): Promise<BrowserContext> {
	const context = await browser.newContext({
		viewport: { width: 1200, height: 900 },
		acceptDownloads: true,
		permissions,
		locale: 'en-US'
	});
	return context;
}
