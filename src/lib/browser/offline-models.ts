/**
 * The service worker caches a face model when a page first uses it, not on install, so a first visit downloads
 * only what its page needs. On that first visit the worker does not control the page yet and sees none of the
 * engine's fetches: once the engine is loaded the page lists the files it fetched and the worker caches them
 * (from the HTTP cache: a revalidation, not a second download). Then this page works offline.
 */

/** The model and .wasm files this page, or this worker, fetched (its resource timing). */
export function engineFiles(): string[] {
	const paths = performance
		.getEntriesByType('resource')
		.map((entry) => new URL(entry.name, location.href))
		.filter((url) => url.origin === location.origin && /^\/(models|wasm)\//.test(url.pathname))
		.map((url) => url.pathname);
	return [...new Set(paths)];
}

/**
 * Asks the service worker to keep the engine's files (the face engine's worker lists its own); resolves when it has (on its first visit, once it is
 * active). Sets `data-models-offline` on the root element to `saving`, then `ready` (or `failed`): tests wait for
 * it before they take the network away.
 */
export async function keepModelsOffline(paths: string[] = engineFiles()): Promise<void> {
	if (!('serviceWorker' in navigator)) return;
	const root = document.documentElement;
	root.dataset.modelsOffline = 'saving';
	const worker = (await navigator.serviceWorker.ready).active;
	const answer = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = (event) => resolve(event.data as { ok: boolean; error?: string });
		worker?.postMessage({ type: 'KEEP_OFFLINE', paths }, [channel.port2]);
		if (!worker) resolve({ ok: false, error: 'no active service worker' });
	});
	root.dataset.modelsOffline = answer.ok ? 'ready' : 'failed';
	if (!answer.ok) console.warn('[me-verifier] models not kept offline:', answer.error);
}
