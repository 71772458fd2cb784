/**
 * Messages between the page and the face engine's worker (engine-worker.ts). The engine runs there, off the
 * page's main thread: loading and running the models never blocks input or paint (issue 12, Lighthouse).
 */
import type { EmbedderId } from '../core/embedders';
import { isCoreError } from '../core/errors';
import type { DetectedFace, Embedding, EngineInfo, PixelImage } from '../core/types';
import type { BackendName, BackendStart, BackendSupport } from './backend';

/** What the worker answers once an engine is loaded and warmed up. */
export interface EngineStarted {
	info: EngineInfo;
	backend: BackendName;
	support: BackendSupport[];
	failures: { backend: BackendName; error: string }[];
	/** The WASM backend's thread count, null on the other backends. */
	threads: number | null;
	/** The model and .wasm files the worker fetched, for the service worker to keep offline. */
	files: string[];
}

export type EngineRequest =
	/** `start`: the page's backend choice and remembered probe (the worker has no Web Storage). */
	| { op: 'start'; embedder: EmbedderId; start: BackendStart }
	| { op: 'detect'; embedder: EmbedderId; image: PixelImage }
	| { op: 'embed'; embedder: EmbedderId; image: PixelImage; face: DetectedFace }
	| { op: 'dispose'; embedder: EmbedderId }
	| { op: 'probe' };

export interface EngineAnswers {
	start: EngineStarted;
	detect: DetectedFace[];
	embed: Embedding;
	dispose: null;
	probe: BackendSupport[];
}

export type EngineMessage = EngineRequest & { id: number };

export type EngineReply =
	| { id: number; ok: true; value: unknown }
	| { id: number; ok: false; error: { code: string; message: string } };

/**
 * The reply for a request that failed: its code when it is a CoreError (else INTERNAL) and its message, never its
 * stack (the page shows messages; the stack stays in the worker's console). The error's `details` do not cross:
 * no page reads them.
 */
export function errorReply(id: number, error: unknown): EngineReply {
	return {
		id,
		ok: false,
		error: {
			code: isCoreError(error) ? error.code : 'INTERNAL',
			message: error instanceof Error ? error.message : String(error)
		}
	};
}
