import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_EMBEDDER } from '../core/embedders';
import type { PixelImage } from '../core/types';
import type { EngineMessage, EngineReply, EngineStarted } from './engine-protocol';
import { MemoryStorage } from './memory-storage.testing';

/**
 * The page's side of the engine worker: requests and answers matched by id, typed errors across the boundary, a
 * dead worker failing what it owed and replaced on the next call. The worker here is a stand-in that answers from a
 * table (the real worker, with the real models, runs in the end-to-end tests).
 */

type Answer = (message: EngineMessage) => Omit<EngineReply, 'id'> | null;

class FakeWorker {
	static created: FakeWorker[] = [];
	static answer: Answer = () => null;
	readonly received: EngineMessage[] = [];
	onmessage: ((event: { data: EngineReply }) => void) | null = null;
	onerror: ((event: { message: string }) => void) | null = null;
	onmessageerror: (() => void) | null = null;
	terminated = false;

	constructor(readonly url: URL) {
		FakeWorker.created.push(this);
	}

	postMessage(message: EngineMessage): void {
		this.received.push(message);
		const reply = FakeWorker.answer(message);
		if (reply) queueMicrotask(() => this.onmessage?.({ data: { ...reply, id: message.id } as EngineReply }));
	}

	terminate(): void {
		this.terminated = true;
	}
}

const STARTED: EngineStarted = {
	info: {
		embedder: DEFAULT_EMBEDDER,
		embedderVersion: 'v',
		embeddingSize: 128,
		detector: 'test',
		backend: 'wasm'
	},
	backend: 'wasm',
	support: [{ name: 'wasm', available: true }],
	failures: [],
	threads: 2,
	files: []
};

const IMAGE: PixelImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };

/** The modules afresh (each test starts with no worker); errors' class from the same module graph. */
async function load() {
	const { getBrowserEngine } = await import('./browser-engine');
	const { isCoreError } = await import('../core/errors');
	return { getBrowserEngine, isCoreError };
}

describe('the page side of the engine worker', () => {
	beforeEach(() => {
		vi.resetModules();
		FakeWorker.created = [];
		vi.stubGlobal('Worker', FakeWorker);
		vi.stubGlobal('localStorage', new MemoryStorage());
		vi.stubGlobal('sessionStorage', new MemoryStorage());
		vi.stubGlobal('location', new URL('https://app.test/enroll?backend=wasm'));
		vi.stubGlobal('navigator', { userAgent: 'test-agent' });
	});
	afterEach(() => {
		vi.unstubAllGlobals();
	});

	it("starts one worker with the page's backend choice, and answers each request by its id", async () => {
		FakeWorker.answer = (m) =>
			m.op === 'start'
				? { ok: true, value: STARTED }
				: m.op === 'detect'
					? { ok: true, value: [{ box: [0, 0, 1, 1], score: 0.9, landmarks: {} }] }
					: null;
		const { getBrowserEngine } = await load();
		const loaded = await getBrowserEngine();
		expect([loaded.backend, loaded.threads, loaded.engine.info.embedder]).toEqual([
			'wasm',
			2,
			DEFAULT_EMBEDDER
		]);
		const faces = await Promise.all([loaded.engine.detect(IMAGE), loaded.engine.detect(IMAGE)]);
		expect(faces.map((f) => f[0].score)).toEqual([0.9, 0.9]);
		expect(await getBrowserEngine()).toBe(loaded);
		expect(FakeWorker.created).toHaveLength(1);
		const [start, ...rest] = FakeWorker.created[0].received;
		expect(start).toMatchObject({ op: 'start', start: { preference: 'wasm', remembered: null } });
		expect(new Set([start, ...rest].map((m) => m.id)).size).toBe(3);
	});

	it("rejects with the worker's error code", async () => {
		FakeWorker.answer = (m) =>
			m.op === 'start'
				? { ok: true, value: STARTED }
				: { ok: false, error: { code: 'BAD_IMAGE', message: 'image has 0 pixels' } };
		const { getBrowserEngine, isCoreError } = await load();
		const { engine } = await getBrowserEngine();
		const error = await engine.detect(IMAGE).catch((e: unknown) => e);
		expect(isCoreError(error) && [error.code, error.message]).toEqual(['BAD_IMAGE', 'image has 0 pixels']);
		FakeWorker.answer = () => ({ ok: false, error: { code: 'NOT_A_CODE', message: 'odd' } });
		const odd = await engine.detect(IMAGE).catch((e: unknown) => e);
		expect(isCoreError(odd) && odd.code).toBe('INTERNAL');
	});

	it('fails what a dead worker owed, then starts a new worker and engine on the next call', async () => {
		FakeWorker.answer = (m) => (m.op === 'start' ? { ok: true, value: STARTED } : null);
		const { getBrowserEngine, isCoreError } = await load();
		const { engine } = await getBrowserEngine();
		const owed = engine.detect(IMAGE);
		FakeWorker.created[0].onerror?.({ message: 'out of memory' });
		const error = await owed.catch((e: unknown) => e);
		expect(isCoreError(error) && [error.code, error.message]).toEqual([
			'ENGINE_UNAVAILABLE',
			"the face engine's worker stopped: out of memory"
		]);
		expect(FakeWorker.created[0].terminated).toBe(true);
		const again = await getBrowserEngine();
		expect(FakeWorker.created).toHaveLength(2);
		expect(again.engine).not.toBe(engine);
		expect(FakeWorker.created[1].received[0].op).toBe('start');
	});

	it('an engine kept from before its worker died fails at once and starts nothing; the page hears of it', async () => {
		FakeWorker.answer = (m) => (m.op === 'start' ? { ok: true, value: STARTED } : null);
		const { getBrowserEngine, isCoreError } = await load();
		const { onEnginesLost } = await import('./browser-engine');
		const lost: string[] = [];
		onEnginesLost((error) => lost.push(error.code));
		const { engine } = await getBrowserEngine();
		const first = FakeWorker.created[0];
		first.onerror?.({ message: 'crashed' });
		first.onerror?.({ message: 'crashed again' });
		first.onmessageerror?.();
		expect(lost).toEqual(['ENGINE_UNAVAILABLE']);
		const error = await engine.detect(IMAGE).catch((e: unknown) => e);
		expect(isCoreError(error) && error.code).toBe('ENGINE_UNAVAILABLE');
		expect(FakeWorker.created, 'no worker started for the stale engine').toHaveLength(1);
		await getBrowserEngine();
		FakeWorker.created[0].onerror?.({ message: 'late' });
		expect(FakeWorker.created[1].terminated, 'a late error of the old worker spares the new one').toBe(false);
	});
});

describe('the worker side of an error', () => {
	it('sends the code and the message, never the stack', async () => {
		const { CoreError } = await import('../core/errors');
		const { errorReply } = await import('./engine-protocol');
		const typed = new CoreError('NO_FACE', 'no face in the image');
		expect(errorReply(7, typed)).toEqual({
			id: 7,
			ok: false,
			error: { code: 'NO_FACE', message: 'no face in the image' }
		});
		const plain = new Error('tensor shape mismatch');
		expect(JSON.stringify(errorReply(8, plain))).not.toContain(plain.stack!.split('\n')[1].trim());
		expect(errorReply(8, plain)).toEqual({
			id: 8,
			ok: false,
			error: { code: 'INTERNAL', message: 'tensor shape mismatch' }
		});
		expect(errorReply(9, 'thrown text')).toMatchObject({
			error: { code: 'INTERNAL', message: 'thrown text' }
		});
	});
});
