import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * Jobs for a worker thread that says `{ ready: true }` (or `{ ready: false, error }`) once started, then answers each
 * `{ id, ...job }` with `{ id, result }` or `{ id, error }`: the flip's mirror thread and calibrate's embedding
 * threads. `threadJobs` is the caller's side, `serveThreadJobs` the thread's.
 */

interface Reply<Result> {
	ready?: boolean;
	error?: string;
	id?: number;
	result?: Result;
}

export interface ThreadJobs<Job, Result> {
	/** True once the thread says it is ready; false when it fails to start (it is then ended). */
	readonly started: Promise<boolean>;
	/** One job; rejects when the thread fails, exits, or takes over the timeout (the thread is then ended). */
	call(job: Job, transfer?: ArrayBuffer[]): Promise<Result>;
	/** Why the thread stopped serving (it failed to start, failed, exited or hung); null while it serves. */
	failure(): Error | null;
	terminate(): Promise<number>;
}

export function threadJobs<Job extends object, Result>(
	worker: Worker,
	what: string,
	timeoutMs: number
): ThreadJobs<Job, Result> {
	const pending = new Map<number, { resolve(result: Result): void; reject(error: Error): void }>();
	let next = 0;
	let failed: Error | null = null;
	let settle: (ready: boolean) => void = () => undefined;
	const started = new Promise<boolean>((resolve) => (settle = resolve));
	const fail = (error: Error) => {
		failed ??= error;
		for (const job of pending.values()) job.reject(failed);
		pending.clear();
		settle(false);
	};
	const end = (error: Error) => {
		fail(error);
		void worker.terminate();
	};
	worker.on('error', end);
	worker.on('exit', () => fail(new Error(`${what} exited`)));
	worker.on('message', (reply: Reply<Result>) => {
		if (reply.ready === false) return end(new Error(reply.error ?? `${what} did not start`));
		if (reply.ready) return settle(true);
		const job = pending.get(reply.id ?? -1);
		if (!job) return;
		pending.delete(reply.id!);
		if (reply.result !== undefined) job.resolve(reply.result);
		else job.reject(new Error(reply.error ?? `${what} failed`));
	});
	return {
		started,
		call(job, transfer) {
			if (failed) return Promise.reject(failed);
			const id = next++;
			return new Promise((resolve, reject) => {
				// A thread that hangs must not hold its callers: give up on it.
				const timer = setTimeout(() => end(new Error(`${what} took over ${timeoutMs} ms`)), timeoutMs);
				timer.unref();
				pending.set(id, {
					resolve: (result) => (clearTimeout(timer), resolve(result)),
					reject: (error) => (clearTimeout(timer), reject(error))
				});
				worker.postMessage({ ...job, id }, transfer);
			});
		},
		failure: () => failed,
		terminate: () => worker.terminate()
	};
}

/**
 * The thread's side: says whether `ready` resolved, then answers each job with what `run` gives for it (its
 * `transfer` buffers moved, not copied) or with the error it threw.
 */
export function serveThreadJobs<State, Job, Result>(
	port: MessagePort,
	ready: Promise<State>,
	run: (state: State, job: Job) => Promise<{ result: Result; transfer?: ArrayBuffer[] }>
): void {
	ready.then(
		() => port.postMessage({ ready: true }),
		(error: Error) => port.postMessage({ ready: false, error: error.message })
	);
	port.on('message', async ({ id, ...job }: Job & { id: number }) => {
		try {
			const { result, transfer } = await run(await ready, job as Job);
			port.postMessage({ id, result }, transfer);
		} catch (error) {
			port.postMessage({ id, error: (error as Error).message });
		}
	});
}
