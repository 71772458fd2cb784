/**
 * `bench:browser --webgpu-compat`: WebGPU in compatibility mode, for a browser whose only real adapter is Dawn on
 * OpenGL ES via ANGLE (Chromium 156 on the lent H100 machine). A bench-only shim, never the app's behaviour: every
 * `navigator.gpu.requestAdapter()` asks for `featureLevel: 'compatibility'`, and `requestDevice()` asks for the
 * adapter's own limits (compatibility mode's defaults are lower, e.g. 4 storage buffers per stage).
 * The page gets the shim from an init script. An init script does not reach workers, so the page's `Worker` is
 * wrapped to start the engine's worker from a small same-origin module (answered by a route, not the server) that
 * imports the shim and then the real entry. The app's service worker leaves that path to the network.
 */
import type { BrowserContext, Page } from 'playwright-core';

const WRAPPER_PATH = '/__bench/webgpu-compat-worker.js';
const SHIM_PATH = '/__bench/webgpu-compat-shim.js';

/**
 * The shim for a window or worker global `g` (plain JavaScript: it runs in the browser as written); it records the
 * adapter it got as `g.__benchAdapter`.
 */
const SHIM = `(g) => {
	const gpu = g.navigator.gpu;
	if (!gpu) return;
	const request = gpu.requestAdapter.bind(gpu);
	gpu.requestAdapter = async (options = {}) => {
		const adapter = await request({ ...options, featureLevel: 'compatibility' });
		if (!adapter) return null;
		const { vendor, architecture, description } = adapter.info;
		g.__benchAdapter = { vendor, architecture, description, featureLevel: adapter.featureLevel ?? 'compatibility, asked' };
		const limits = {};
		// WebIDL attributes are enumerable getters on the prototype: for...in lists every limit.
		for (const key in adapter.limits) limits[key] = adapter.limits[key];
		const requestDevice = adapter.requestDevice.bind(adapter);
		adapter.requestDevice = (descriptor = {}) =>
			requestDevice({ ...descriptor, requiredLimits: { ...limits, ...descriptor.requiredLimits } });
		return adapter;
	};
}`;

/** The page's half: the shim, and the engine's worker started through the wrapper module. */
const PAGE_INIT = `(${SHIM})(window);
{
	const Original = window.Worker;
	window.Worker = class extends Original {
		constructor(url, options) {
			const href = new URL(url, location.href).href;
			super(/engine-worker/.test(href) ? '${WRAPPER_PATH}?entry=' + encodeURIComponent(href) : url, options);
		}
	};
}`;

export async function installWebGpuCompat(context: BrowserContext): Promise<void> {
	await context.addInitScript(PAGE_INIT);
	// The page is cross-origin isolated: its worker's scripts must be too.
	const headers = {
		'cross-origin-embedder-policy': 'require-corp',
		'cross-origin-resource-policy': 'same-origin'
	};
	await context.route(`**${SHIM_PATH}`, (route) =>
		route.fulfill({ contentType: 'text/javascript', headers, body: `(${SHIM})(self);\n` })
	);
	// Static imports, the shim's first: the entry must install its message handler while the wrapper is evaluated
	// (after an `await import()` the page's first message would already have been dispatched, to nobody).
	await context.route(`**${WRAPPER_PATH}?*`, (route) => {
		const entry = new URL(route.request().url()).searchParams.get('entry') ?? '';
		const body = `import ${JSON.stringify(SHIM_PATH)};\nimport ${JSON.stringify(entry)};\n`;
		return route.fulfill({ contentType: 'text/javascript', headers, body });
	});
}

/**
 * The WebGPU adapter the engine's worker got (the shim's record), or, without the shim, the adapter that worker
 * gets for tfjs' own request: proof of what the webgpu row ran on.
 */
export async function engineAdapter(page: Page): Promise<unknown> {
	const worker = page.workers().find((w) => /engine-worker/.test(w.url()));
	if (!worker) return 'no engine worker';
	return worker.evaluate(async () => {
		const self_ = self as unknown as { __benchAdapter?: unknown };
		if (self_.__benchAdapter) return self_.__benchAdapter;
		const gpu = (
			navigator as unknown as {
				gpu?: {
					requestAdapter(o: object): Promise<{ info: Record<string, string>; featureLevel?: string } | null>;
				};
			}
		).gpu;
		const adapter = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
		if (!adapter) return 'no adapter';
		const { vendor, architecture, description } = adapter.info;
		return { vendor, architecture, description, featureLevel: adapter.featureLevel ?? 'core' };
	});
}
