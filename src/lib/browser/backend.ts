/** Which tfjs backend the app runs on: WebGPU, then WebGL, then WASM, then CPU, unless the user overrides it. */

import { CoreError } from '../core/errors';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type BackendPreference = BackendName | 'auto';

const STORAGE_KEY = 'me-verifier.backend';
const SESSION_KEY = 'me-verifier.backend-override';

export function isBackendName(value: unknown): value is BackendName {
	return typeof value === 'string' && (BACKENDS as readonly string[]).includes(value);
}

/**
 * `?backend=wasm` (tests, benchmarks) wins over the saved setting, and holds for the rest of the tab's
 * session, so links inside the app need not carry it.
 */
export function backendPreference(url: URL = new URL(location.href)): BackendPreference {
	const fromUrl = url.searchParams.get('backend');
	if (isBackendName(fromUrl)) {
		sessionStorage.setItem(SESSION_KEY, fromUrl);
		return fromUrl;
	}
	const session = sessionStorage.getItem(SESSION_KEY);
	if (isBackendName(session)) return session;
	return savedBackendPreference();
}

/** The `?backend=` override in force for this tab, if any. */
export function sessionBackendOverride(): BackendName | null {
	const session = sessionStorage.getItem(SESSION_KEY);
	return isBackendName(session) ? session : null;
}

export function savedBackendPreference(): BackendPreference {
	const saved = localStorage.getItem(STORAGE_KEY);
	return isBackendName(saved) ? saved : 'auto';
}

export function saveBackendPreference(preference: BackendPreference): void {
	sessionStorage.removeItem(SESSION_KEY);
	if (preference === 'auto') localStorage.removeItem(STORAGE_KEY);
	else localStorage.setItem(STORAGE_KEY, preference);
}

export interface BackendSupport {
	name: BackendName;
	available: boolean;
	/** Why it is skipped in automatic mode (missing, or a software emulation slower than WASM). */
	note?: string;
}

interface GpuAdapterLike {
	isFallbackAdapter?: boolean;
	info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string };
}

async function probeWebGpu(): Promise<BackendSupport> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
	if (!gpu) return { name: 'webgpu', available: false, note: 'navigator.gpu missing' };
	try {
		const adapter = await gpu.requestAdapter();
		if (!adapter) return { name: 'webgpu', available: false, note: 'no adapter' };
		// A fallback adapter is a CPU emulation (SwiftShader): about 50x slower than WASM for this work.
		const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
		return fallback
			? { name: 'webgpu', available: true, note: 'software adapter' }
			: { name: 'webgpu', available: true };
	} catch (error) {
		return { name: 'webgpu', available: false, note: String(error) };
	}
}

function probeWebGl(): BackendSupport {
	// The face engine's worker has no document: it probes on an OffscreenCanvas, as tfjs draws there.
	if (typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined')
		return { name: 'webgl', available: false, note: 'no OffscreenCanvas in this worker' };
	const canvas =
		typeof document === 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
	const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
	if (!gl) return { name: 'webgl', available: false, note: 'no WebGL2 context' };
	const debug = gl.getExtension('WEBGL_debug_renderer_info');
	const renderer = String(
		debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)
	);
	gl.getExtension('WEBGL_lose_context')?.loseContext();
	return /swiftshader|llvmpipe|software/i.test(renderer)
		? { name: 'webgl', available: true, note: `software renderer (${renderer})` }
		: { name: 'webgl', available: true };
}

export async function probeBackends(): Promise<BackendSupport[]> {
	const wasm = typeof WebAssembly === 'object';
	return [
		await probeWebGpu(),
		probeWebGl(),
		{ name: 'wasm', available: wasm, note: wasm ? undefined : 'no WebAssembly' },
		{ name: 'cpu', available: true }
	];
}

const PROBE_KEY = 'me-verifier.backend-support';

/**
 * The last probe's answer in this browser. Probing opens a WebGL context and asks for a WebGPU adapter, tens of
 * milliseconds at every start (issue 12, warm start): a start uses the remembered answer and probes again once
 * the engine is ready, for the next start.
 */
export function rememberedSupport(): BackendSupport[] | null {
	try {
		const saved = JSON.parse(localStorage.getItem(PROBE_KEY) ?? 'null') as {
			userAgent?: string;
			support?: BackendSupport[];
		} | null;
		return saved?.userAgent === navigator.userAgent && Array.isArray(saved.support) ? saved.support : null;
	} catch {
		return null;
	}
}

export function rememberSupport(support: BackendSupport[] | null): void {
	if (support) localStorage.setItem(PROBE_KEY, JSON.stringify({ userAgent: navigator.userAgent, support }));
	else localStorage.removeItem(PROBE_KEY);
}

/**
 * Backends to try, best first. Automatic mode skips software-emulated GPUs; an explicit choice is
 * tried first and the automatic order follows as a fallback.
 */
export function candidateBackends(preference: BackendPreference, support: BackendSupport[]): BackendName[] {
	const automatic = support.filter((s) => s.available && !s.note).map((s) => s.name);
	if (preference === 'auto') return automatic;
	return [preference, ...automatic.filter((name) => name !== preference)];
}

export interface BackendChoice<T> {
	/** What `attempt` returned for the backend that won. */
	value: T;
	backend: BackendName;
	/** The probe's answer (empty when the user's explicit choice started at once: no probe ran). */
	support: BackendSupport[];
	/** Backends tried before this one, with the reason each failed. */
	failures: { backend: BackendName; error: string }[];
}

/** What the page's storage says before a start: the user's choice and the last probe's answer. */
export interface BackendStart {
	preference: BackendPreference;
	remembered: BackendSupport[] | null;
}

export function backendStart(): BackendStart {
	return { preference: backendPreference(), remembered: rememberedSupport() };
}

/**
 * The backend, chosen the same way by the face engine (in its worker, which has no Web Storage: the page passes
 * `start` in) and by the pages that need tfjs only (training): the user's explicit choice first (no probe: probing
 * WebGPU costs time), then the automatic order from the remembered probe (or a fresh probe). The first backend
 * that `attempt` starts wins.
 */
export async function chooseBackendFrom<T>(
	start: BackendStart,
	attempt: (backend: BackendName) => Promise<T>,
	what: string
): Promise<BackendChoice<T>> {
	const failures: BackendChoice<T>['failures'] = [];
	const tryOn = async (backend: BackendName): Promise<{ value: T } | null> => {
		try {
			return { value: await attempt(backend) };
		} catch (error) {
			console.warn(`[me-verifier] backend ${backend} failed:`, error);
			failures.push({ backend, error: error instanceof Error ? error.message : String(error) });
			return null;
		}
	};
	if (start.preference !== 'auto') {
		const chosen = await tryOn(start.preference);
		if (chosen) return { value: chosen.value, backend: start.preference, support: [], failures };
	}
	const support = start.remembered ?? (await probeBackends());
	for (const backend of candidateBackends('auto', support)) {
		if (failures.some((f) => f.backend === backend)) continue;
		const started = await tryOn(backend);
		if (started) return { value: started.value, backend, support, failures };
	}
	throw new CoreError('ENGINE_UNAVAILABLE', `no backend could ${what}: ${JSON.stringify(failures)}`);
}

/**
 * Keeps the page's storage up to date after a start: a fresh probe is remembered; a start from the remembered
 * probe probes again (`probe`) off the critical path, for the next start; a start that failed everywhere forgets
 * the remembered probe, so the next start probes afresh.
 */
export async function settleSupport<T>(
	start: BackendStart,
	choosing: Promise<BackendChoice<T>>,
	probe: () => Promise<BackendSupport[]> = probeBackends
): Promise<BackendChoice<T>> {
	try {
		const choice = await choosing;
		if (choice.support.length === 0) return choice; // the explicit choice started: no probe ran
		if (start.remembered) setTimeout(() => void probe().then(rememberSupport, () => undefined), 2000);
		else rememberSupport(choice.support);
		return choice;
	} catch (error) {
		rememberSupport(null);
		throw error;
	}
}

/** The page's backend, chosen by `chooseBackendFrom` from this page's storage, which it keeps up to date. */
export function chooseBackend<T>(
	attempt: (backend: BackendName) => Promise<T>,
	what: string
): Promise<BackendChoice<T>> {
	const start = backendStart();
	return settleSupport(start, chooseBackendFrom(start, attempt, what));
}
