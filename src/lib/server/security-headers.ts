import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISOLATION_HEADERS } from '../core/cross-origin-isolation';
import { staticCacheControl } from './static-cache';

/**
 * Headers every dynamic answer carries. Pages get their Content-Security-Policy from SvelteKit (vite.config.ts,
 * with a nonce for its boot script); API answers, which never render, get the strictest one.
 */
const COMMON: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	// The camera for the app itself only; nothing else the app does not use.
	'permissions-policy':
		'camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
	'x-frame-options': 'DENY',
	...ISOLATION_HEADERS
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function withSecurityHeaders(response: Response): Response {
	let target = response;
	try {
		target.headers.set('x-content-type-options', 'nosniff');
	} catch {
		target = new Response(response.body, response); // immutable headers (a fetched response): copy
	}
	for (const [name, value] of Object.entries(COMMON)) target.headers.set(name, value);
	if (!target.headers.has('content-security-policy')) target.headers.set('content-security-policy', API_CSP);
	return target;
}

/**
 * adapter-node answers the build's files (/_app/immutable/*, the service worker, static/: models, .wasm, icons,
 * manifest) before SvelteKit, so they never reach hooks.server.ts. Node publishes every incoming request on the
 * `http.server.request.start` diagnostics channel before the server's request handler runs: headers set there
 * are sent with whatever answer follows (a handler's writeHead merges them). Subscribed once, when
 * hooks.server.ts imports this module, in each server process. Besides isolation, the models' and .wasm files'
 * caching policy (static-cache.ts) is set here: adapter-node gives only /_app/immutable/ one.
 */
type RequestStart = { request: IncomingMessage; response: ServerResponse };

/**
 * A worker takes its Content-Security-Policy from its own script's answer, not from the page that starts it: the
 * face engine's worker (it sees every camera frame) and the WASM backend's thread workers get the page's limits for
 * scripts (the app's own files, WebAssembly), and may fetch from this origin only.
 */
const WORKER_CSP =
	"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'";
const WORKER_SCRIPT = /^\/(_app\/immutable\/workers|wasm)\/[^/?#]+\.js(?:[?#]|$)/;

const beforeEveryAnswer = ({ request, response }: RequestStart): void => {
	for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
	if (WORKER_SCRIPT.test(request.url ?? '')) {
		response.setHeader('content-security-policy', WORKER_CSP);
		response.setHeader('x-content-type-options', 'nosniff');
	}
	const cacheControl = staticCacheControl(request.method, request.url);
	if (cacheControl) response.setHeader('cache-control', cacheControl);
};
subscribe('http.server.request.start', beforeEveryAnswer as (message: unknown) => void);

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * DNS rebinding: a page on the attacker's domain, once that name resolves to this server (a laptop running the quick
 * start, a kiosk, an intranet host), talks to it same-origin, past the CSRF check below, and reads the answers. Its
 * requests carry the attacker's host name, so a name the server was not told about is refused. IP literals and
 * localhost always pass (no one can rebind them); other names come from ALLOWED_HOSTS or ORIGIN; `*` turns it off.
 */
export function isUnknownHost(hostHeader: string, allowed: readonly string[]): boolean {
	if (allowed.includes('*')) return false;
	// A Host header is a name and a port: anything that would make the URL parser read a user or a path is refused.
	const parsed = /[@/?#\\\s]/.test(hostHeader) ? null : URL.parse(`http://${hostHeader}`);
	if (!parsed) return true;
	const hostname = parsed.hostname;
	if (hostname === 'localhost' || hostname.endsWith('.localhost')) return false;
	if (hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return false; // IPv6 or IPv4 literal
	return !allowed.includes(hostname.replace(/\.$/, ''));
}

/**
 * CSRF: a browser always sends Origin on a cross-site POST, so one that is neither ours nor configured
 * (ALLOWED_ORIGINS) is refused. Requests without Origin (curl, cameras, other servers) pass: they cannot carry
 * a victim's ambient credentials, and every credential here is a header a cross-site form cannot set.
 */
export function isCrossSiteForbidden(
	request: Request,
	selfHost: string,
	allowed: readonly string[]
): boolean {
	if (!MUTATING.has(request.method)) return false;
	const origin = request.headers.get('origin');
	if (!origin || allowed.includes(origin)) return false;
	// By host: behind a TLS proxy the server may not know its own scheme (adapter-node assumes https).
	try {
		return new URL(origin).host !== selfHost;
	} catch {
		return true; // 'null' (sandboxed frames, file:) or garbage
	}
}
