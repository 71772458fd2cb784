/**
 * Cross-origin isolation (issue 12): with these on the page, `crossOriginIsolated` is true, so the page may
 * use SharedArrayBuffer and the tfjs WASM backend runs on threads. The app loads nothing from other origins
 * (its CSP says so), so requiring CORP of embedded resources costs nothing; and every file of ours says
 * same-origin, so no other site can pull it into its own process. The server sends them
 * (server/security-headers.ts) and the service worker puts them on every answer it gives from its caches.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
	'cross-origin-opener-policy': 'same-origin',
	'cross-origin-embedder-policy': 'require-corp',
	'cross-origin-resource-policy': 'same-origin'
};
