/** The GPU behind a browser's WebGPU adapter and WebGL context (shared by bench:browser and gpu-probe). */
import type { Browser } from 'playwright-core';
import { newContext } from '../../tests/e2e/lib/browser';

/** Flags every GPU measurement adds (WebGPU is still behind a flag on Linux; the blocklist skips some GPUs). */
export const GPU_FLAGS = ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist'];

export const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Whether the WebGPU adapter is a real GPU (not a fallback adapter, not SwiftShader). */
export function realWebGpu(info: GpuInfo): boolean {
	const a = info.webgpu;
	return (
		typeof a === 'object' && !a.fallback && !SOFTWARE.test(`${a.vendor} ${a.architecture} ${a.description}`)
	);
}

/** Whether WebGL runs on a real GPU (its unmasked renderer names no software rasteriser). */
export function realWebGl(info: GpuInfo): boolean {
	return typeof info.webgl === 'object' && !SOFTWARE.test(`${info.webgl.vendor} ${info.webgl.renderer}`);
}

export interface GpuInfo {
	webgpu:
		{ vendor: string; architecture: string; device: string; description: string; fallback: boolean } | string;
	webgl: { vendor: string; renderer: string; version: string } | string;
}

/** `what`, or a rejection after `ms`. */
export function within<T>(ms: number, what: Promise<T>): Promise<T> {
	return Promise.race([
		what,
		new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))
	]);
}

/** What the browser's WebGPU adapter and WebGL context say they run on (a real GPU, or SwiftShader). */
export async function gpuInfo(browser: Browser, url: string): Promise<GpuInfo> {
	const context = await newContext(browser);
	try {
		const p = await context.newPage();
		// WebGPU needs a secure context: any http://127.0.0.1 page is one, about:blank may not be.
		await p.goto(url);
		return await p.evaluate(async () => {
			interface Adapter {
				info: { vendor: string; architecture: string; device: string; description: string };
				isFallbackAdapter?: boolean;
			}
			const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
			let webgpu: GpuInfo['webgpu'] = 'navigator.gpu is undefined';
			try {
				// requestAdapter() can hang where Vulkan has no device: give up after 15 s.
				const timeout = new Promise<null>((_, reject) =>
					setTimeout(() => reject(new Error('requestAdapter() timed out after 15 s')), 15_000)
				);
				const adapter = gpu ? await Promise.race([gpu.requestAdapter(), timeout]) : null;
				if (gpu) webgpu = 'requestAdapter() gave null';
				if (adapter) {
					const { vendor, architecture, device, description } = adapter.info;
					const fallback = Boolean(
						adapter.isFallbackAdapter ?? (adapter.info as { isFallbackAdapter?: boolean }).isFallbackAdapter
					);
					webgpu = { vendor, architecture, device, description, fallback };
				}
			} catch (error) {
				webgpu = String(error);
			}
			let webgl: GpuInfo['webgl'] = 'no WebGL2 context';
			const gl = document.createElement('canvas').getContext('webgl2');
			if (gl) {
				const ext = gl.getExtension('WEBGL_debug_renderer_info');
				webgl = {
					vendor: String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
					renderer: String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
					version: String(gl.getParameter(gl.VERSION))
				};
			}
			return { webgpu, webgl };
		});
	} finally {
		await context.close();
	}
}
