import { Worker } from 'node:worker_threads';
import { typeScriptLoader } from '../../lib/server/thread-loader';
import type { CachedEmbedding, EmbedPool } from './embedding-cache';

/**
 * Engines on worker threads, each embedding whole photos (detection and both flip chips on one thread): the
 * calibration set's 7,123 photos on every core. One engine with the mirror thread leaves a core idle while it
 * detects; two single-thread engines keep both busy. Each thread's descriptor is the single-thread batch of two,
 * bit for bit the mirror thread's (tests/calibration-threads.test.ts).
 */

const ENTRY = new URL('./embed-thread.ts', import.meta.url);
/** A photo takes well under a second; a thread this late is stuck. */
const PHOTO_TIMEOUT_MS = 60_000;

interface Reply {
	ready?: boolean;
	error?: string;
	id?: number;
	entry?: CachedEmbedding;
}

interface EmbedThread {
	embed(file: string): Promise<CachedEmbedding>;
	terminate(): Promise<unknown>;
}

/** One thread with its engine, once it says it is ready; a thread that fails to start is ended, not left running. */
function startThread(embedder: string, chipSize: number): Promise<EmbedThread> {
	const worker = new Worker(ENTRY, { workerData: { embedder, chipSize }, execArgv: typeScriptLoader(ENTRY) });
	const pending = new Map<number, { resolve(entry: CachedEmbedding): void; reject(error: Error): void }>();
	let next = 0;
	let failed: Error | null = null;
	const fail = (error: Error) => {
		failed ??= error;
		for (const job of pending.values()) job.reject(error);
		pending.clear();
	};
	const thread: EmbedThread = {
		embed(file) {
			if (failed) return Promise.reject(failed);
			const id = next++;
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					fail(new Error(`an embedding thread took over ${PHOTO_TIMEOUT_MS / 1000} s on ${file}`));
					void worker.terminate();
				}, PHOTO_TIMEOUT_MS);
				pending.set(id, {
					resolve: (entry) => (clearTimeout(timer), resolve(entry)),
					reject: (error) => (clearTimeout(timer), reject(error))
				});
				worker.postMessage({ id, file });
			});
		},
		terminate: () => worker.terminate()
	};
	return new Promise((resolve, reject) => {
		const refuse = (error: Error) => {
			fail(error);
			void worker.terminate();
			reject(error);
		};
		worker.on('error', refuse);
		worker.on('exit', () => refuse(new Error('an embedding thread exited')));
		worker.on('message', (reply: Reply) => {
			if (reply.ready === false) return refuse(new Error(reply.error ?? 'an embedding thread did not start'));
			if (reply.ready) return resolve(thread);
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
		await Promise.all(threads.map((t) => t.terminate()));
	};
	const refused = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
	if (refused) {
		await close();
		throw refused.reason;
	}
	return { embedders: threads.map((t) => (file: string) => t.embed(file)), close };
}
