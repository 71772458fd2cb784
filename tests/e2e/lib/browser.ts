import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

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

/** Chromium's fake camera playing `clip` (a .y4m file), answering the permission prompt itself. */
export function cameraArgs(clip: string): string[] {
	return [
		'--use-fake-device-for-media-stream',
		'--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${clip}`
	];
}

/** Every browser profile the tests and the browser bench open. */
export const CONTEXT_OPTIONS = {
	viewport: { width: 1200, height: 900 },
	acceptDownloads: true,
	locale: 'en-US'
} satisfies BrowserContextOptions;

/**
 * BENCH_HEADED=1: a headed window on $DISPLAY (an X server such as Xvfb) instead of headless mode, whose GPU
 * process offered WebGPU no Vulkan adapter on the lent GPU machine (scripts/bench/gpu-run.sh).
 */
export const HEADED = process.env.BENCH_HEADED === '1';

export function launch(extraArgs: string[] = [], headed = HEADED): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: !headed,
		args: [...CHROMIUM_ARGS, ...extraArgs]
	});
}

/** Fake camera that plays `clip` (a .y4m file) and answers the permission prompt itself. */
export function launchWithCamera(clip: string, extraArgs: string[] = []): Promise<Browser> {
	return launch([...cameraArgs(clip), ...extraArgs]);
}

/** A profile kept on disk in `dir` (as a user's is), for a later launch on the same profile. */
export function launchProfile(
	dir: string,
	{ args = [], blockServiceWorkers = false }: { args?: string[]; blockServiceWorkers?: boolean } = {}
): Promise<BrowserContext> {
	return chromium.launchPersistentContext(dir, {
		...(blockServiceWorkers ? { serviceWorkers: 'block' as const } : {}),
		executablePath: CHROMIUM,
		headless: !HEADED,
		args: [...CHROMIUM_ARGS, ...args],
		...CONTEXT_OPTIONS
	});
}

export async function newContext(browser: Browser, permissions: string[] = []): Promise<BrowserContext> {
	return browser.newContext({ ...CONTEXT_OPTIONS, permissions });
}
