import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChipDescriber } from '../core/embedders/dlib-resnet';
import type { RawWeights } from '../core/embedders/types';
import type { PixelImage } from '../core/types';
import { threadJobs } from './thread-jobs';
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
	// A thread that fails or hangs (the job timeout) costs time, never an answer: the embedder falls back to its
	// single-thread batch of two, from then on.
	const jobs = threadJobs<{ chip: PixelImage }, Float32Array>(worker, 'mirror worker', JOB_TIMEOUT_MS);
	if (!(await jobs.started)) {
		await jobs.terminate();
		return null;
	}
	return {
		describe: (chip) => jobs.call({ chip }),
		async terminate() {
			await jobs.terminate();
		}
	};
}
