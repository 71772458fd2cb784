import type { EmbedderId } from '../core/embedders';
import type { BackendName } from './backend';
import type { BrowserEngine } from './browser-engine';
import { ENGINE_READY_MARK } from './engine-ready-mark';
import * as client from './browser-engine';

/**
 * tfjs and Human (about 1.5 MB of script) load in the engine's worker, not on the page. The engine's client (a
 * few kB) loads with every page, as the header's badge imports this module: imported on first use instead, it
 * was a round of fetches on the way to starting the engine.
 */
const browserEngine = async () => client;

/** Reactive view of the page's face engine, for the header badge and the pages that need it. */
class EngineState {
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
	error = $state<string | null>(null);
	#current = $state.raw<BrowserEngine | null>(null);
	#watching = false;
	backend = $derived(this.#current?.backend ?? null);
	loadMs = $derived(this.#current?.loadMs ?? null);
	/** The WASM backend's thread count (null on other backends). */
	threads = $derived(this.#current?.threads ?? null);

	/** Starts loading on first use; every caller gets the same engine. */
	async ready(): Promise<BrowserEngine> {
		if (this.#current) return this.#current;
		this.status = 'loading';
		try {
			const client = await browserEngine();
			// Once: when the engine's worker stops, the badge says so and the next ready() starts a new engine.
			if (!this.#watching) {
				this.#watching = true;
				client.onEnginesLost((lost) => {
					this.#current = null;
					this.status = 'error';
					this.error = lost.message;
				});
			}
			const loaded = await client.getBrowserEngine();
			// Two callers can wait on the same start (the page's load and its onMount): one mark.
			if (this.#current !== loaded) performance.mark(ENGINE_READY_MARK);
			this.#current = loaded;
			this.status = 'ready';
			this.error = null;
			return loaded;
		} catch (error) {
			this.status = 'error';
			this.error = error instanceof Error ? error.message : String(error);
			throw error;
		}
	}

	/**
	 * tfjs on the page's backend, for work that detects no face (training): tfjs alone on the page, chosen the way
	 * the engine chooses (the engine runs in its worker, with its own tfjs; no face model is fetched or compiled
	 * here, and the badge stays as it is).
	 */
	async tfBackend(): Promise<BackendName> {
		return (await (await import('./tf-backend')).startTfBackend()).backend;
	}

	/** The engine for `embedder` from the page's registry; the page's own engine starts first (the badge shows it). */
	async readyFor(embedder: EmbedderId): Promise<BrowserEngine> {
		await this.ready();
		return (await browserEngine()).engineFor(embedder);
	}
}

export const engineState = new EngineState();
