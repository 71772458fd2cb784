import { Worker } from 'node:worker_threads';
import { threadJobs, type ThreadJobs } from '../../lib/server/thread-jobs';
import { typeScriptLoader } from '../../lib/server/thread-loader';
import type { CachedEmbedding, EmbedPool } from './embedding-cache';

/**
 * Engines on worker threads, each embedding whole photos (detection and both flip chips on one thread): the
 * calibration set's 7,123 photos on every core. One engine with the mirror thread leaves a core idle while it
 * detects; two single-thread engines keep both busy. Each thread's descriptor is the single-thread batch of two,
 * bit for bit the mirror thread's (tests/calibration-threads.test.ts).
 */

const ENTRY = new URL('./embed-thread.ts', import.meta.url);
/** A photo takes well under a second; a thread this late is stuck (the run then fails). */
const PHOTO_TIMEOUT_MS = 60_000;

type EmbedThread = ThreadJobs<{ file: string }, CachedEmbedding>;

export async function startEmbedThreads(
	count: number,
	embedder: string,
	chipSize: number
): Promise<EmbedPool> {
	const threads: EmbedThread[] = Array.from({ length: count }, () =>
		threadJobs(
			new Worker(ENTRY, { workerData: { embedder, chipSize }, execArgv: typeScriptLoader(ENTRY) }),
			'an embedding thread',
			PHOTO_TIMEOUT_MS
		)
	);
	const close = async () => {
		await Promise.all(threads.map((t) => t.terminate()));
	};
	const started = await Promise.all(threads.map((t) => t.started));
	const refused = threads.find((_, i) => !started[i]);
	if (refused) {
		await close();
		throw refused.failure() ?? new Error('an embedding thread did not start');
	}
	return { embedders: threads.map((t) => (file: string) => t.call({ file })), close };
}
