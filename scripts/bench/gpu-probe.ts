/**
 * Which Chromium flags give the browser bench a real GPU. Launches Chromium (CHROMIUM_PATH) once per candidate
 * flag set, records what its WebGPU adapter and WebGL context run on, and chrome://gpu's text for the first set
 * that reaches a GPU. With `--plan=FILE` it writes the bench runs to do, one per line:
 * `name<TAB>flags<TAB>backends` (the best set for every backend that some set runs on a real GPU; wasm with the
 * first). Used by scripts/bench/gpu-run.sh on a GPU machine; anywhere else every set reports SwiftShader.
 * A set whose name ends in `@headed` runs headed on GPU_DISPLAY (an X server: gpu-run.sh starts Xvfb), one ending
 * in `@display` headless with DISPLAY=GPU_DISPLAY; the others headless without DISPLAY. Where no set gives a real
 * core WebGPU adapter but one gives a real compatibility-mode adapter, the plan runs webgpu there with
 * `--webgpu-compat` (a fourth column: extra bench arguments).
 *
 *   tsx scripts/bench/gpu-probe.ts [--out=probe.json] [--plan=plan.tsv] [--backends=webgpu,webgl,wasm]
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launch } from '../../tests/e2e/lib/browser';
import { GPU_FLAGS, gpuInfo, realWebGl, realWebGpu, SOFTWARE, within, type GpuInfo } from './gpu-info';

const args = Object.fromEntries(
	process.argv.slice(2).map((a) => {
		const [k, ...v] = a.replace(/^--/, '').split('=');
		return [k, v.length ? v.join('=') : 'true'];
	})
);
const BACKENDS = (args.backends ?? 'webgpu,webgl,wasm').split(',');

/**
 * Candidate flag sets, most likely first: headed under Xvfb first (headless mode gave WebGPU no Vulkan adapter on
 * the H100 machine; public reports found headed Chromium under Xvfb the working path), then Chrome's advice for
 * headless GPU on Linux. GPU_PROBE_SETS="name=--flag --flag;name2@headed=..." replaces them.
 */
const VULKAN = ['--enable-features=Vulkan', '--use-angle=vulkan', '--disable-vulkan-surface'];

const CANDIDATES: [string, string[]][] = process.env.GPU_PROBE_SETS
	? process.env.GPU_PROBE_SETS.split(';').map((set) => {
			const [name, ...flags] = set.split('=');
			return [name, flags.join('=').split(' ').filter(Boolean)];
		})
	: [
			['vulkan@headed', VULKAN],
			['vulkan-native@headed', [...VULKAN, '--use-vulkan=native']],
			['vulkan@display', VULKAN],
			['default@headed', []],
			['vulkan', VULKAN],
			['default', []]
		];

/** How a set's name says to launch it: headed on GPU_DISPLAY, headless with DISPLAY, or plain headless. */
function launchMode(name: string): { headed: boolean; display: boolean } {
	return { headed: name.endsWith('@headed'), display: name.endsWith('@headed') || name.endsWith('@display') };
}

interface Result {
	name: string;
	flags: string[];
	version?: string;
	gpu?: GpuInfo;
	webgpu: boolean;
	webgl: boolean;
	error?: string;
	/** requestAdapter({ featureLevel: 'compatibility' }), where the core adapter is missing. */
	compat?: string;
	/** Whether that compatibility-mode adapter is a real GPU. */
	compatReal?: boolean;
	/** chrome://gpu's feature status, problems and Dawn sections, where WebGPU has no real adapter. */
	chromeGpu?: string;
}

async function chromeGpuText(browser: Browser): Promise<string> {
	const page = await browser.newPage();
	await page.goto('chrome://gpu');
	await page.waitForTimeout(3000);
	const text = await page.evaluate(
		() =>
			(document.querySelector('info-view')?.shadowRoot as ShadowRoot | null)?.textContent ??
			document.body.innerText
	);
	await page.close();
	return text;
}

/** The sections of chrome://gpu's text that say why a feature is off. */
function sections(text: string): string {
	const pick = (title: string, size: number) => {
		const at = text.indexOf(`${title}\n`);
		return at < 0 ? '' : text.slice(at, at + size);
	};
	return ['Graphics Feature Status', 'Problems Detected', 'Dawn Info'].map((t) => pick(t, 6000)).join('\n');
}

async function main(): Promise<void> {
	const server = http.createServer((_, res) => res.end('<!doctype html><title>probe</title>'));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
	const results: Result[] = [];
	let chromeGpu: string | undefined;
	for (const [name, flags] of CANDIDATES) {
		const result: Result = { name, flags, webgpu: false, webgl: false };
		const mode = launchMode(name);
		if (mode.display && !process.env.GPU_DISPLAY) {
			result.error = 'needs an X server: GPU_DISPLAY is not set';
			console.log(JSON.stringify(result));
			results.push(result);
			continue;
		}
		if (mode.display) process.env.DISPLAY = process.env.GPU_DISPLAY;
		else delete process.env.DISPLAY;
		try {
			const browser = await within(30_000, launch([...GPU_FLAGS, ...flags], mode.headed));
			try {
				result.version = browser.version();
				result.gpu = await within(30_000, gpuInfo(browser, url));
				result.webgpu = realWebGpu(result.gpu);
				result.webgl = realWebGl(result.gpu);
				if (!result.webgpu) {
					const page = await browser.newPage();
					await page.goto(url);
					result.compat = await within(
						20_000,
						page.evaluate(async () => {
							const gpu = (
								navigator as unknown as {
									gpu?: { requestAdapter(o: object): Promise<{ info: object } | null> };
								}
							).gpu;
							const adapter = await gpu?.requestAdapter({ featureLevel: 'compatibility' });
							return adapter
								? JSON.stringify(adapter.info, ['vendor', 'architecture', 'description', 'isFallbackAdapter'])
								: 'null';
						})
					).catch((error: unknown) => String(error));
					result.compatReal =
						result.compat.startsWith('{') &&
						!SOFTWARE.test(result.compat) &&
						!result.compat.includes('"isFallbackAdapter":true');
					await page.close();
					result.chromeGpu = sections(await within(20_000, chromeGpuText(browser)));
				}
				if (chromeGpu === undefined && (result.webgpu || result.webgl))
					chromeGpu = await within(20_000, chromeGpuText(browser));
			} finally {
				await browser.close();
			}
		} catch (error) {
			result.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
		}
		console.log(JSON.stringify({ ...result, chromeGpu: undefined }));
		results.push(result);
	}
	server.close();
	if (args.out) writeFileSync(args.out, JSON.stringify({ results, chromeGpu }, null, '\t') + '\n');
	if (args.plan) {
		const score = (r: Result) => +r.webgpu + +r.webgl;
		const ranked = [...results].sort((a, b) => score(b) - score(a));
		// Without any real GPU, wasm runs with no extra flags (a Vulkan flag set can hang on SwiftShader).
		const best = score(ranked[0]) > 0 ? ranked[0] : results[results.length - 1];
		const runs = new Map<Result, string[]>();
		let compat: Result | undefined;
		for (const backend of BACKENDS) {
			const real =
				backend === 'webgpu' ? (r: Result) => r.webgpu : backend === 'webgl' ? (r: Result) => r.webgl : null;
			const chosen = real ? (real(best) ? best : results.find(real)) : best;
			if (!chosen) {
				if (backend === 'webgpu') compat = results.find((r) => r.compatReal);
				console.error(
					`[gpu-probe] ${backend}: no flag set reaches a real GPU; ${backend === 'webgpu' && compat ? `compatibility mode with ${compat.name}` : 'not benchmarked'}`
				);
				continue;
			}
			runs.set(chosen, [...(runs.get(chosen) ?? []), backend]);
		}
		const lines = [...runs].map(
			([r, backends]) => `${r.name}\t${r.flags.join(' ')}\t${backends.join(',')}\t`
		);
		if (compat) lines.push(`${compat.name}\t${compat.flags.join(' ')}\twebgpu\t--webgpu-compat`);
		writeFileSync(args.plan, lines.map((l) => l + '\n').join(''));
		console.error(`[gpu-probe] plan:\n${lines.join('\n')}`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
