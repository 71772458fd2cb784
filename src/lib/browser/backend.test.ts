import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	candidateBackends,
	chooseBackend,
	isBackendName,
	rememberedSupport,
	rememberSupport,
	saveBackendPreference,
	type BackendName,
	type BackendSupport
} from './backend';
import { MemoryStorage } from './memory-storage.testing';

const support = (overrides: Partial<Record<string, Partial<BackendSupport>>> = {}): BackendSupport[] =>
	(['webgpu', 'webgl', 'wasm', 'cpu'] as const).map((name) => ({
		name,
		available: true,
		...overrides[name]
	}));

describe('candidateBackends', () => {
	it('prefers WebGPU, then WebGL, then WASM, then CPU', () => {
		expect(candidateBackends('auto', support())).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
	});

	it('skips missing backends and software-emulated GPUs in automatic mode', () => {
		const here = support({
			webgpu: { available: true, note: 'software adapter' },
			webgl: { available: true, note: 'software renderer (SwiftShader)' }
		});
		expect(candidateBackends('auto', here)).toEqual(['wasm', 'cpu']);
		expect(candidateBackends('auto', support({ webgpu: { available: false } }))).toEqual([
			'webgl',
			'wasm',
			'cpu'
		]);
	});

	it('tries an explicit choice first, even a software one, then falls back', () => {
		const here = support({ webgl: { available: true, note: 'software renderer' } });
		expect(candidateBackends('webgl', here)).toEqual(['webgl', 'webgpu', 'wasm', 'cpu']);
		expect(candidateBackends('cpu', here)).toEqual(['cpu', 'webgpu', 'wasm']);
	});
});

describe('isBackendName', () => {
	it('accepts the four tfjs backends only', () => {
		expect(['webgpu', 'webgl', 'wasm', 'cpu'].every(isBackendName)).toBe(true);
		expect(isBackendName('auto')).toBe(false);
		expect(isBackendName('WASM')).toBe(false);
		expect(isBackendName(null)).toBe(false);
	});
});

describe('chooseBackend (the engine and the training page choose alike)', () => {
	beforeEach(() => {
		vi.stubGlobal('localStorage', new MemoryStorage());
		vi.stubGlobal('sessionStorage', new MemoryStorage());
		vi.stubGlobal('location', new URL('https://app.test/train'));
		vi.stubGlobal('navigator', { userAgent: 'test-agent' });
		vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		// After a start from a remembered probe, the next probe is scheduled: it never runs here.
		vi.useFakeTimers({ toFake: ['setTimeout'] });
		// A remembered probe: no WebGL or WebGPU probe runs (there is no document here).
		rememberSupport(support({ webgpu: { available: false }, webgl: { available: true, note: 'software' } }));
	});
	afterEach(() => {
		vi.clearAllTimers();
		vi.useRealTimers();
		vi.unstubAllGlobals();
		vi.restoreAllMocks();
	});

	it('starts the first backend of the automatic order that works, after the ones that fail', async () => {
		const tried: BackendName[] = [];
		const choice = await chooseBackend(async (backend) => {
			tried.push(backend);
			if (backend === 'wasm') throw new Error('no wasm here');
			return `${backend} started`;
		}, 'start tfjs');
		expect(tried).toEqual(['wasm', 'cpu']);
		expect(choice.backend).toBe('cpu');
		expect(choice.value).toBe('cpu started');
		expect(choice.failures).toEqual([{ backend: 'wasm', error: 'no wasm here' }]);
	});

	it("tries the user's explicit choice first, without a probe, then the automatic order", async () => {
		saveBackendPreference('webgl');
		const first = await chooseBackend(async (backend) => backend, 'start tfjs');
		expect([first.backend, first.support]).toEqual(['webgl', []]);
		const tried: BackendName[] = [];
		const fallback = await chooseBackend(async (backend) => {
			tried.push(backend);
			if (backend === 'webgl') throw new Error('context lost');
			return backend;
		}, 'start tfjs');
		expect(tried).toEqual(['webgl', 'wasm']);
		expect(fallback.backend).toBe('wasm');
	});

	it('fails with every reason when no backend starts, and forgets the remembered probe', async () => {
		await expect(
			chooseBackend(async (backend) => {
				throw new Error(`${backend} broken`);
			}, 'start tfjs')
		).rejects.toThrow(/no backend could start tfjs: .*wasm broken.*cpu broken/);
		expect(rememberedSupport()).toBeNull();
	});
});
