import { dev } from '$app/env';
import { assets } from '$app/manifest';

/**
 * Cache-Control of the static files that keep their names across releases: the face models (/models/**, their
 * .br/.gz variants share the URL) and tfjs' WASM files (/wasm/**: the binaries and the threads' scripts, which
 * every pthread worker loads again). Their names carry no content hash, so a year-long cache could hide a
 * release's new model behind an old one; and a model's manifest and weights must come from the same release.
 * - max-age of an hour covers a session: the page, every WASM worker and the next pages reuse the files without
 *   a request;
 * - stale-while-revalidate of a day: a later visit starts from the cached copy at once and checks it in the
 *   background. adapter-node's ETag is the file's SHA-256 (the same in every worker and every build of the same
 *   bytes), so that check is a 304 with no body unless the release changed the file;
 * - a release that changes a model reaches a browser's HTTP cache within the hour, or one visit later within
 *   the day. The service worker does not depend on it: it revalidates what it stores (cache: 'no-cache').
 * The build's own files (/_app/immutable/, content-hashed) keep adapter-node's year-long immutable; pages and
 * the service worker script get nothing from here.
 */
export const UNVERSIONED_FILES_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';

/** Exactly the files of static/ under models/ and wasm/: a missing one (SvelteKit's 404) is not cached. */
const UNVERSIONED_FILES = new Set(
	assets.map(({ path }) => `/${path}`).filter((path) => /^\/(models|wasm)\//.test(path))
);

/** The Cache-Control for a request adapter-node will answer from static/, or undefined to leave it alone. */
export function staticCacheControl(method: string | undefined, url: string | undefined): string | undefined {
	// In development the files change under the dev server (npm run assets): never cached there.
	if (dev || (method !== 'GET' && method !== 'HEAD') || !url) return undefined;
	let pathname = url.split(/[?#]/, 1)[0];
	try {
		pathname = decodeURI(pathname);
	} catch {
		return undefined; // not a file name adapter-node would find either
	}
	return UNVERSIONED_FILES.has(pathname) ? UNVERSIONED_FILES_CACHE_CONTROL : undefined;
}
