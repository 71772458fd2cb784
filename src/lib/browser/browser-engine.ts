import { DEFAULT_EMBEDDER, type EmbedderId } from '../core/embedders';
import { CoreError, ERROR_CODES, type ErrorCode } from '../core/errors';
import type { FaceEngine } from '../core/face-engine';
import { backendStart, settleSupport, type BackendName, type BackendSupport } from './backend';
import type {
	EngineAnswers,
	EngineMessage,
	EngineReply,
	EngineRequest,
	EngineStarted
} from './engine-protocol';
import { EngineRegistry } from './engine-registry';
import { keepModelsOffline } from './offline-models';
import { ENGINE_STAGE_MARKS } from './engine-ready-mark';

/**
 * The page's face engines, run in a worker (engine-worker.ts): each one here is a FaceEngine whose calls are
 * messages. The page's main thread never loads tfjs or Human for them, so loading the models and detecting faces
 * never block input or paint (issue 12: Lighthouse's total blocking time on the pages that start the engine).
 */

export interface BrowserEngine {
	engine: FaceEngine;
	backend: BackendName;
	support: BackendSupport[];
	/** Backends tried before this one, with the reason each failed. */
	failures: { backend: BackendName; error: string }[];
	/** From the page's request to the engine ready in its worker (the worker's start included). */
	loadMs: number;
	/**
	 * Threads the WASM backend computes on: one per core when the page is cross-origin isolated (the server
	 * and the service worker send COOP/COEP), one when it is not. Null on the other backends.
	 */
	threads: number | null;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The worker and its requests in flight. Any uncaught error in it (its script failing to load, or an error from the
 * WASM backend's own thread workers, which surfaces here too) ends it: it is terminated, what it owed fails with
 * ENGINE_UNAVAILABLE, and so does every later call to an engine it ran; the page starts a new one on its next request.
 */
class EngineWorker {
	readonly #worker = new Worker(new URL('./engine-worker.ts', import.meta.url), {
		type: 'module',
		name: 'face-engine'
	});
	readonly #pending = new Map<number, Pending>();
	#next = 0;
	#death: string | null = null;

	constructor(onDeath: (worker: EngineWorker) => void) {
		this.#worker.onmessage = ({ data }: MessageEvent<EngineReply>) => {
			const pending = this.#pending.get(data.id);
			this.#pending.delete(data.id);
			if (data.ok) pending?.resolve(data.value);
			else pending?.reject(errorFrom(data.error));
		};
		const die = (why: string) => {
			if (this.#death !== null) return;
			this.#death = `the face engine's worker stopped: ${why}`;
			this.#worker.onmessage = this.#worker.onerror = this.#worker.onmessageerror = null;
			this.#worker.terminate();
			for (const pending of this.#pending.values()) pending.reject(this.#deathError());
			this.#pending.clear();
			onDeath(this);
		};
		this.#worker.onerror = (event) => die(event.message || 'its script failed to load');
		this.#worker.onmessageerror = () => die('a message could not be read');
	}

	#deathError(): CoreError {
		return new CoreError('ENGINE_UNAVAILABLE', this.#death ?? "the face engine's worker stopped");
	}

	call<R extends EngineRequest>(request: R): Promise<EngineAnswers[R['op']]> {
		if (this.#death !== null) return Promise.reject(this.#deathError());
		const id = this.#next++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			this.#worker.postMessage({ ...request, id } satisfies EngineMessage);
		});
	}
}

/** The worker's error as the typed error it was (its code survives the message; its stack stays there). */
function errorFrom({ code, message }: { code: string; message: string }): CoreError {
	const known = (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
	return new CoreError(known, message);
}

const lostListeners = new Set<(error: CoreError) => void>();

/** Called when the worker that runs the page's engines stops: those engines are gone (see EngineWorker). */
export function onEnginesLost(listener: (error: CoreError) => void): () => void {
	lostListeners.add(listener);
	return () => lostListeners.delete(listener);
}

let current: EngineWorker | null = null;

/** The page's worker, started on first use and again after one died. */
function engineWorker(): EngineWorker {
	current ??= new EngineWorker((dead) => {
		if (current !== dead) return;
		current = null;
		engines.forget();
		const error = new CoreError('ENGINE_UNAVAILABLE', "the face engine's worker stopped");
		for (const listener of lostListeners) listener(error);
	});
	return current;
}

/** A FaceEngine whose work runs in `worker` (loaded there before this exists; unusable once that worker died). */
function remoteEngine(worker: EngineWorker, embedder: EmbedderId, started: EngineStarted): FaceEngine {
	return {
		info: started.info,
		load: () => Promise.resolve(),
		detect: (image) => worker.call({ op: 'detect', embedder, image }),
		embed: (image, face) => worker.call({ op: 'embed', embedder, image, face }),
		async dispose() {
			engines.delete(embedder);
			await worker.call({ op: 'dispose', embedder }).catch(() => undefined);
		}
	};
}

/**
 * The page's engines, one per embedder id. The first one chooses the backend (from this page's storage, which
 * the worker cannot read); the others attach to it in the worker. The probe that refreshes the remembered one asks
 * the same worker (never a new one).
 */
const engines: EngineRegistry<EmbedderId, BrowserEngine> = new EngineRegistry(async (embedder) => {
	const began = performance.now();
	const worker = engineWorker();
	const start = backendStart();
	const asking = worker.call({ op: 'start', embedder, start });
	if (embedder === DEFAULT_EMBEDDER) performance.mark(ENGINE_STAGE_MARKS.requested);
	const started =
		embedder === DEFAULT_EMBEDDER
			? (
					await settleSupport(
						start,
						asking.then((value) => ({ ...value, value })),
						() => worker.call({ op: 'probe' })
					)
				).value
			: await asking;
	void keepModelsOffline(started.files).catch((error: unknown) =>
		console.warn('[me-verifier] offline cache:', error)
	);
	return {
		engine: remoteEngine(worker, embedder, started),
		backend: started.backend,
		support: started.support,
		failures: started.failures,
		loadMs: performance.now() - began,
		threads: started.threads
	};
});

/** The engine for `embedder`, loaded once per page (the verifier's embedder: the same engine as getBrowserEngine). */
export function engineFor(embedder: EmbedderId): Promise<BrowserEngine> {
	return embedder === DEFAULT_EMBEDDER
		? engines.get(embedder)
		: getBrowserEngine().then(() => engines.get(embedder));
}

/** The verifier's engine, which chooses the page's backend. */
export function getBrowserEngine(): Promise<BrowserEngine> {
	return engines.get(DEFAULT_EMBEDDER);
}
