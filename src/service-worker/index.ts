import { version } from '$app/env';
import { assets, immutable, routes } from '$app/manifest';
import { self } from '$app/service-worker';
import { ISOLATION_HEADERS } from '#lib/core/cross-origin-isolation.ts';
import { workerChunks } from './worker-chunks';

/**
 * Offline after the first visit. Three caches:
 * - `app-<version>`: the build's immutable files and every page shell (replaced on each release), and the engine
 *   worker's chunks, which SvelteKit's list leaves out: found by following the worker's imports (worker-chunks.ts) and
 *   cached when a page first runs the engine, or on install when this browser ran it before;
 * - `models-v1`: the face models and the .wasm files, each cached when a page first uses it (a start page that
 *   needs no engine downloads none of them), kept across releases: on install a cached file is only fetched
 *   again when its ETag changed;
 * - `static-<version>`: the other static files (icons, manifest).
 * A new worker waits until the page asks it to take over (the page shows an update prompt).
 */

const APP_CACHE = `app-${version}`;
const STATIC_CACHE = `static-${version}`;
const MODEL_CACHE = 'models-v1';

const slash = (path: string) => (path.startsWith('/') ? path : `/${path}`);

/** Files a face engine may fetch (scripts/copy-assets.js puts them in static/): cached on first use. */
const MODEL_FILES = assets
	.map((a) => slash(a.path))
	.filter((path) => /^\/(models|wasm)\//.test(path) && !/\.(br|gz)$/.test(path));
const MODEL_SET = new Set(MODEL_FILES);
/** Everything else in static/ (icons, manifest): small, precached. */
const STATIC_FILES = assets
	.map((a) => slash(a.path))
	.filter((path) => !MODEL_SET.has(path) && !/^\/(models|wasm)\//.test(path) && !/\.(br|gz)$/.test(path));
const IMMUTABLE_FILES = immutable.map((a) => slash(a.path));
/** Page shells for every route without parameters (the app renders on the client); groups are not in URLs. */
const PAGES = routes
	.filter((r) => r.page && !r.id.includes('['))
	.map((r) => r.id.replace(/\/\([^)]+\)/g, '') || '/');

/**
 * /people and /verify are pages and API endpoints on one URL: SvelteKit answers a request that does not
 * ask for HTML from the endpoint (and says `Vary: Accept`), so the shells are fetched as HTML and matched
 * ignoring Vary.
 */
const HTML = { accept: 'text/html' };

/** True when the cached copy has the ETag the server reports now (a HEAD request, no body). */
async function stillCurrent(cache: Cache, path: string): Promise<boolean> {
	const cached = await cache.match(path, { ignoreVary: true });
	if (!cached) return false;
	try {
		const head = await fetch(path, { method: 'HEAD', cache: 'no-cache', headers: HTML });
		const etag = head.headers.get('etag');
		return head.ok && etag !== null && etag === cached.headers.get('etag');
	} catch {
		return true; // offline: keep what we have
	}
}

async function addAll(cacheName: string, paths: string[], keepCurrent = false): Promise<void> {
	const cache = await caches.open(cacheName);
	await Promise.all(
		paths.map(async (path) => {
			if (keepCurrent && (await stillCurrent(cache, path))) return;
			const response = await fetch(path, { cache: 'no-cache', headers: HTML });
			if (response.ok) await cache.put(path, response);
			else console.warn(`[sw] not cached: ${path} (${response.status})`);
		})
	);
}

/** The model files this browser already keeps (a page used them), by path. */
async function cachedModels(): Promise<string[]> {
	const cache = await caches.open(MODEL_CACHE);
	return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((path) => MODEL_SET.has(path));
}

/** This release's engine worker chunks, found by following its entry's imports (worker-chunks.ts). */
function engineChunks(): Promise<string[]> {
	const entries = IMMUTABLE_FILES.filter((path) => /^\/_app\/immutable\/workers\/[\w-]+\.js$/.test(path));
	return workerChunks(entries, async (path) => {
		const response = await fetch(path);
		return response.ok ? response.text() : '';
	});
}

/**
 * The engine's chunks, if this browser ran the engine before (it keeps models): the previous release's chunks go
 * with its cache, and an engine that starts offline after an update needs the new ones.
 */
async function engineChunksIfUsed(): Promise<string[]> {
	return (await cachedModels()).length > 0 ? engineChunks() : [];
}

self.addEventListener('install', (event) => {
	event.waitUntil(
		(async () =>
			Promise.all([
				addAll(APP_CACHE, [...IMMUTABLE_FILES, ...PAGES, ...(await engineChunksIfUsed())]),
				addAll(STATIC_CACHE, STATIC_FILES),
				// Only what pages used before: refreshed when the release changed it.
				addAll(MODEL_CACHE, await cachedModels(), true)
			]))()
	);
});

self.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== APP_CACHE && key !== STATIC_CACHE && key !== MODEL_CACHE) await caches.delete(key);
			}
			const models = await caches.open(MODEL_CACHE);
			for (const request of await models.keys()) {
				if (!MODEL_SET.has(new URL(request.url).pathname)) await models.delete(request);
			}
			await self.clients.claim();
		})()
	);
});

/**
 * A .wasm binary comes with the scripts of the same name (the threaded build's main and worker scripts), which
 * the page's own resource timing does not list: they load inside workers.
 */
function withCompanions(paths: string[]): string[] {
	const binaries = paths.filter((p) => p.endsWith('.wasm')).map((p) => p.slice(0, -'.wasm'.length) + '.');
	return [...new Set([...paths, ...MODEL_FILES.filter((f) => binaries.some((b) => f.startsWith(b)))])];
}

/**
 * The engine of a page this worker did not control yet (the first visit) fetched its files from the network:
 * the page lists them (src/lib/browser/offline-models.ts) and they are cached now, so that page works offline.
 * The answer on the message's port says when they are.
 */
async function keepOffline(listed: unknown): Promise<void> {
	// A page lists a few dozen files; a longer list is not the app's.
	const paths = Array.isArray(listed)
		? listed.slice(0, 200).filter((p): p is string => typeof p === 'string' && MODEL_SET.has(p))
		: [];
	const missingFrom = async (cacheName: string, wanted: string[]) => {
		const cache = await caches.open(cacheName);
		const missing = [];
		for (const path of wanted) if (!(await cache.match(path, { ignoreVary: true }))) missing.push(path);
		return missing;
	};
	await Promise.all([
		addAll(MODEL_CACHE, await missingFrom(MODEL_CACHE, withCompanions(paths))),
		// The engine ran: its worker's chunks too, which SvelteKit's list (installed above) leaves out.
		addAll(APP_CACHE, await missingFrom(APP_CACHE, await engineChunks()))
	]);
}

self.addEventListener('message', (event) => {
	const data = event.data as { type?: string; paths?: unknown } | null;
	if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
	if (data?.type === 'CLAIM') event.waitUntil(self.clients.claim());
	if (data?.type === 'KEEP_OFFLINE') {
		const done = keepOffline(data.paths).then(
			() => event.ports[0]?.postMessage({ ok: true }),
			(error: unknown) => event.ports[0]?.postMessage({ ok: false, error: String(error) })
		);
		event.waitUntil(done);
	}
});

const PAGE_SET = new Set<string>(PAGES);

/**
 * The server's cross-origin isolation headers. A page answered from the cache must be isolated too, or an
 * offline start would run the WASM backend on one thread: every answer this worker gives gets them, including
 * copies cached before the server sent them.
 */
const ISOLATION = Object.entries(ISOLATION_HEADERS);

function isolated(response: Response): Response {
	// Opaque and error answers have no headers to set (none is same-origin content anyway).
	if (response.type !== 'basic' && response.type !== 'default') return response;
	if (ISOLATION.every(([name, value]) => response.headers.get(name) === value)) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of ISOLATION) headers.set(name, value);
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function fromCache(request: Request, path: string): Promise<Response | undefined> {
	return (
		(await caches.match(path, { ignoreVary: true })) ??
		(await caches.match(request, { ignoreSearch: true, ignoreVary: true }))
	);
}

/**
 * Pages: the network first (fresh app), the cached shell when offline. The shell's copy is written after the
 * page has its answer: every start of the app waits for this one.
 */
async function page(event: FetchEvent, path: string): Promise<Response> {
	const { request } = event;
	try {
		const response = await fetch(request);
		if (response.ok) {
			const copy = response.clone();
			event.waitUntil(caches.open(APP_CACHE).then((cache) => cache.put(path, copy)));
		}
		return response;
	} catch (error) {
		const cached = await fromCache(request, path);
		if (cached) return cached;
		throw error;
	}
}

/**
 * Build files, models, wasm, icons: the cache first; a miss (e.g. after "erase everything") refills it. The
 * refill asks the server, as addAll does: models and .wasm keep their names across releases, the browser's HTTP
 * cache may answer with a copy up to a day old (server/static-cache.ts), and such a copy from before a release
 * would stay here until the next one.
 */
async function cacheFirst(request: Request, path: string, cacheName: string): Promise<Response> {
	const cached = await fromCache(request, path);
	if (cached) return cached;
	const response = await fetch(request, { cache: 'no-cache' });
	if (response.ok && response.status === 200)
		await (await caches.open(cacheName)).put(path, response.clone());
	return response;
}

self.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== self.location.origin) return;
	const path = url.pathname;
	if (request.mode === 'navigate' && PAGE_SET.has(path)) {
		event.respondWith(page(event, path).then(isolated));
	} else if (MODEL_SET.has(path)) {
		event.respondWith(cacheFirst(request, path, MODEL_CACHE).then(isolated));
	} else if (path.startsWith('/_app/immutable/')) {
		event.respondWith(cacheFirst(request, path, APP_CACHE).then(isolated));
	} else if (STATIC_FILES.includes(path)) {
		event.respondWith(cacheFirst(request, path, STATIC_CACHE).then(isolated));
	} else if (path.startsWith('/_app/')) {
		// version.json, env.js: fresh when online, cached copy when not.
		event.respondWith(
			fetch(request)
				.then(async (response) => {
					if (response.ok) await (await caches.open(APP_CACHE)).put(path, response.clone());
					return response;
				})
				.catch(async (error) => (await fromCache(request, path)) ?? Promise.reject(error))
				.then(isolated)
		);
	}
	// Everything else (the server's API endpoints) goes to the network untouched.
});
