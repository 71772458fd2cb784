import { Worker } from 'node:worker_threads';
import { typeScriptLoader } from '../../lib/server/thread-loader';
import type { CachedEmbedding, EmbedPool } from './embedding-cache';

/**
 * Engines on worker threads, each embedding whole photos (detection and both flip chips on one thread): the
 * calibration set's 7,123 photos on every core. One engine with the mirror thread leaves a core idle while it
 * detects; two single-thread engines keep both busy. Each thread's descriptor is the single-thread batch of two,
 * which tests/engine.test.ts holds to the mirror thread's.
 */

const ENTRY = new URL('./embed-thread.ts', import.meta.url);

interface Reply {
	ready?: boolean;
	error?: string;
	id?: number;
	entry?: CachedEmbedding;
}

function startThread(
	embedder: string,
	chipSize: number
): Promise<{ worker: Worker; embed(file: string): Promise<CachedEmbedding> }> {
	const worker = new Worker(ENTRY, { workerData: { embedder, chipSize }, execArgv: typeScriptLoader(ENTRY) });
	const pending = new Map<number, { resolve(entry: CachedEmbedding): void; reject(error: Error): void }>();
	let next = 0;
	let failed: Error | null = null;
	const fail = (error: Error) => {
		failed ??= error;
		for (const job of pending.values()) job.reject(error);
		pending.clear();
	};
	return new Promise((resolve, reject) => {
		worker.on('error', (error) => {
			fail(error);
			reject(error);
		});
		worker.on('exit', () => fail(new Error('an embedding thread exited')));
		worker.on('message', (reply: Reply) => {
			if (reply.ready === false) return reject(new Error(reply.error ?? 'an embedding thread did not start'));
			if (reply.ready) {
				return resolve({
					worker,
					embed(file) {
						if (failed) return Promise.reject(failed);
						const id = next++;
						return new Promise((done, refuse) => {
							pending.set(id, { resolve: done, reject: refuse });
							worker.postMessage({ id, file });
						});
					}
				});
			}
			const job = pending.get(reply.id ?? -1);
			if (!job) return;
			pending.delete(reply.id!);
			if (reply.entry) job.resolve(reply.entry);
			else job.reject(new Error(reply.error ?? 'embedding failed'));
		});
	});
}

export async function startEmbedThreads(
	count: number,
	embedder: string,
	chipSize: number
): Promise<EmbedPool> {
	const started = await Promise.allSettled(
		Array.from({ length: count }, () => startThread(embedder, chipSize))
	);
	const threads = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	const close = async () => {
		await Promise.all(threads.map((t) => t.worker.terminate()));
	};
	const refused = started.find((s) => s.status === 'rejected');
	if (refused) {
		await close();
		throw (refused as PromiseRejectedResult).reason;
	}
	return { embedders: threads.map((t) => t.embed), close };
}
