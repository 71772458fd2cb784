import type { EmbedderId } from '../core/embedders';
import type { BackendName } from './backend';
import type { BrowserEngine } from './browser-engine';

/**
 * tfjs and Human (about 1.5 MB of script) load with the first page that starts the engine, not with every
 * page: the header's badge imports this module, and a page that needs no engine paints without them.
 */
const browserEngine = () => import('./browser-engine');

/** Reactive view of the page's face engine, for the header badge and the pages that need it. */
class EngineState {
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
	error = $state<string | null>(null);
	#current = $state.raw<BrowserEngine | null>(null);
	backend = $derived(this.#current?.backend ?? null);
	loadMs = $derived(this.#current?.loadMs ?? null);
	/** The WASM backend's thread count (null on other backends). */
	threads = $derived(this.#current?.threads ?? null);

	/** Starts loading on first use; every caller gets the same engine. */
	async ready(): Promise<BrowserEngine> {
		if (this.#current) return this.#current;
		this.status = 'loading';
		try {
			const loaded = await (await browserEngine()).getBrowserEngine();
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
	 * tfjs on the page's backend, for work that detects no face (training): the engine's backend when the engine is
	 * loading or running on this page, else tfjs alone, chosen the way the engine chooses (no face model is fetched
	 * or compiled, and the badge stays as it is: the engine has not started).
	 */
	async tfBackend(): Promise<BackendName> {
		if (this.#current || this.status === 'loading') return (await this.ready()).backend;
		return (await (await import('./tf-backend')).startTfBackend()).backend;
	}

	/** The engine for `embedder` from the page's registry; the page's own engine starts first (the badge shows it). */
	async readyFor(embedder: EmbedderId): Promise<BrowserEngine> {
		await this.ready();
		return (await browserEngine()).engineFor(embedder);
	}
}

export const engineState = new EngineState();
