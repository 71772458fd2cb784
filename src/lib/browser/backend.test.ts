import { describe, expect, it } from 'vitest';
import { candidateBackends, isBackendName, type BackendSupport } from './backend';

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
