/**
 * Downloads begun before the code that needs them asks. Human fetches its models with the global fetch only after
 * the WASM backend has started; begun here instead, those downloads run while the worker waits for the backend's
 * threads. The engine's worker installs this once; the first plain GET of a URL begun early gets that response,
 * every other request goes to the real fetch.
 */

const early = new Map<string, Promise<Response>>();
let realFetch: typeof fetch | null = null;

/** A GET with nothing else asked of it (tfjs passes no init, or an empty one). */
const plainGet = (init?: RequestInit) =>
	!init ||
	Object.entries(init).every(([key, value]) => value === undefined || (key === 'method' && value === 'GET'));

function install(): typeof fetch {
	if (realFetch) return realFetch;
	const original = globalThis.fetch.bind(globalThis);
	realFetch = original;
	globalThis.fetch = (input, init) => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
		const pending = url === null ? undefined : early.get(url);
		if (!pending || !plainGet(init)) return original(input, init);
		early.delete(url!); // once: a retry after a failure downloads again
		return pending;
	};
	return original;
}

function begin(url: string): Promise<Response> {
	const original = install();
	const response = early.get(url) ?? original(url);
	early.set(url, response);
	return response;
}

/**
 * Starts downloading a tfjs graph model (its model.json, then the weight files it lists) for a loader that will
 * fetch the same URLs. Failures are left to that loader, which meets them when it asks.
 */
export function fetchModelEarly(modelJsonUrl: string): void {
	begin(modelJsonUrl)
		.then((response) => (response.ok ? response.clone().json() : null))
		.then((model: { weightsManifest?: { paths: string[] }[] } | null) => {
			for (const group of model?.weightsManifest ?? [])
				for (const path of group.paths) begin(new URL(path, modelJsonUrl).href).catch(() => undefined);
		})
		.catch(() => undefined);
}

/** Cancels the downloads nobody asked for (a load that failed half-way, or found its models cached). */
export function dropEarlyFetches(): void {
	for (const pending of early.values())
		pending.then(
			(response) => response.body?.cancel().catch(() => undefined),
			() => undefined
		);
	early.clear();
}
