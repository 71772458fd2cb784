import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChipDescriber } from '../core/embedders/dlib-resnet';
import type { RawWeights } from '../core/embedders/types';
import { typeScriptLoader } from './thread-loader';

/**
 * Runs the flip chip of the default embedder on a second thread, so /verify pays for one chip, not two
 * (measured in README, Benchmarks). Under tsx (tests, commands) the TypeScript source runs directly; the
 * production build runs build/mirror-worker.js. Anything that keeps the thread from starting leaves the
 * embedder on its single-thread batch of two: slower, same numbers.
 */
/** One chip takes ~22 ms; anything near this is a stuck thread. */
const JOB_TIMEOUT_MS = 5000;

export interface MirrorWorker {
	describe: ChipDescriber;
	terminate(): Promise<void>;
}

function workerEntry(): URL | null {
	const here = fileURLToPath(import.meta.url);
	if (here.endsWith('.ts')) return new URL('./mirror-worker-thread.ts', import.meta.url);
	const built = path.resolve(process.env.MIRROR_WORKER_PATH ?? path.join('build', 'mirror-worker.js'));
	return existsSync(built) ? pathToFileURL(built) : null;
}

export async function startMirrorWorker(weights: RawWeights, wasmDir: string): Promise<MirrorWorker | null> {
	const entry = workerEntry();
	if (!entry) return null;
	// The weights are copied, not transferred: the main thread builds its own network from them too.
	let worker: Worker;
	try {
		worker = new Worker(entry, { workerData: { weights, wasmDir }, execArgv: typeScriptLoader(entry) });
	} catch {
		return null; // as for a thread that fails to start: the single-thread path
	}
	worker.unref(); // never keeps a finished process (a test, a command) alive
	const pending = new Map<number, { resolve(v: Float32Array): void; reject(e: Error): void }>();
	let next = 0;
	let broken: Error | null = null;
	const fail = (error: Error) => {
		broken = error;
		for (const job of pending.values()) job.reject(error);
		pending.clear();
	};
	const started = new Promise<boolean>((resolve) => {
		worker.once('error', (error) => {
			fail(error);
			resolve(false);
		});
		worker.on(
			'message',
			(message: { ready?: boolean; error?: string; id?: number; descriptor?: Float32Array }) => {
				if (message.ready !== undefined) return resolve(message.ready);
				const job = pending.get(message.id ?? -1);
				if (!job) return;
				pending.delete(message.id as number);
				if (message.descriptor) job.resolve(message.descriptor);
				else job.reject(new Error(message.error ?? 'mirror worker failed'));
			}
		);
	});
	worker.on('exit', () => fail(new Error('mirror worker exited')));
	if (!(await started)) {
		await worker.terminate();
		return null;
	}
	return {
		describe(chip) {
			if (broken) return Promise.reject(broken);
			const id = next++;
			return new Promise((resolve, reject) => {
				// A thread that hangs must not hold a face slot: give up, and keep the single-thread path from now on.
				const timer = setTimeout(() => fail(new Error('mirror worker timed out')), JOB_TIMEOUT_MS);
				timer.unref();
				pending.set(id, {
					resolve: (v) => (clearTimeout(timer), resolve(v)),
					reject: (e) => (clearTimeout(timer), reject(e))
				});
				worker.postMessage({ id, chip });
			});
		},
		async terminate() {
			await worker.terminate();
		}
	};
}
