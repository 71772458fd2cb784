import * as tf from '@tensorflow/tfjs-core';
import type { Human } from '@vladmandic/human/nobundle';

/** What this app reads from, or must keep filled in, Human's environment object (Human 3.3). */
interface HumanEnv {
	backends: string[];
	wasm: { supported: boolean; backend: boolean; simd?: boolean; multithread?: boolean };
	kernels: string[];
	updateBackend(): Promise<void>;
}

/**
 * Human's env.updateBackend() opens a WebGL 2 context and asks WebGPU for an adapter every time it runs (at init,
 * and at a first load), only to describe them. On the WASM and CPU backends neither is used, and both sit on the
 * engine's start (10-20 ms here, a GPU process round trip on a phone). This keeps what Human does use: the
 * backends, the WASM features and the kernel list its model validation checks.
 */
export function skipGpuProbes(human: Human): void {
	const env = human.env as unknown as HumanEnv;
	if (typeof env.updateBackend !== 'function' || !env.wasm) return; // another Human: leave it alone
	const probeAll = env.updateBackend.bind(env);
	env.updateBackend = async () => {
		// Human's env is one per worker: a start that falls back to a GPU backend gets the full description.
		if (!['wasm', 'cpu'].includes(tf.getBackend())) return probeAll();
		env.backends = Object.keys(tf.engine().registryFactory);
		env.wasm.supported = typeof WebAssembly !== 'undefined';
		env.wasm.backend = env.backends.includes('wasm');
		if (env.wasm.supported && env.wasm.backend) {
			env.wasm.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
			env.wasm.multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
		}
		env.kernels = tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName.toLowerCase());
	};
}

/** The model.json URLs Human will load with this configuration (face detector, mesh, and the descriptor if on). */
export function humanModelUrls(human: Human): string[] {
	const { modelBasePath, face } = human.config;
	const paths = [face.detector?.modelPath, face.mesh?.enabled ? face.mesh.modelPath : undefined];
	if (face.description?.enabled) paths.push(face.description.modelPath);
	return paths.filter((p): p is string => !!p).map((p) => new URL(p, modelBasePath).href);
}
