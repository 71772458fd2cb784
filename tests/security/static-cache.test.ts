import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../helpers/server';
import { startProduction } from './attack';

// Issue 12 point 4: the caching policy of the production server's files (src/lib/server/static-cache.ts), over
// HTTP against the build as `npm start` serves it.

let server: RunningServer;

beforeAll(async () => {
	server = await startProduction();
});

afterAll(() => server?.stop());

const DAY = 86_400;

/** Cache-Control as directive -> value ('' for a directive without one). */
function directives(response: Response): Map<string, string> {
	const header = response.headers.get('cache-control') ?? '';
	return new Map(
		header
			.split(',')
			.map((part) => part.trim().toLowerCase())
			.filter(Boolean)
			.map((part) => {
				const [name, value = ''] = part.split('=');
				return [name, value] as const;
			})
	);
}

function expectIsolated(response: Response, file: string): void {
	expect(response.headers.get('cross-origin-opener-policy'), `${file}: COOP`).toBe('same-origin');
	expect(response.headers.get('cross-origin-embedder-policy'), `${file}: COEP`).toBe('require-corp');
	expect(response.headers.get('cross-origin-resource-policy'), `${file}: CORP`).toBe('same-origin');
}

/** Not kept by a browser beyond the answer itself: no lifetime, and nothing a heuristic lifetime could use. */
function expectNotCachedLong(response: Response, file: string): void {
	const cache = directives(response);
	const revalidated =
		cache.has('no-cache') || cache.has('no-store') || Number(cache.get('max-age') ?? 0) === 0;
	expect(revalidated, `${file}: Cache-Control ${response.headers.get('cache-control')}`).toBe(true);
	expect(cache.has('immutable'), file).toBe(false);
	expect(response.headers.get('expires'), file).toBeNull();
	expect(response.headers.get('last-modified'), `${file}: heuristic freshness`).toBeNull();
}

describe('files that keep their names across releases: models and .wasm', () => {
	const FILES = [
		{ file: '/models/human/blazeface.json', encoding: 'br' },
		{ file: '/models/face-api/face_recognition_model-f16-weights_manifest.json', encoding: 'br' },
		{ file: '/models/human/blazeface.bin', encoding: 'br' },
		{ file: '/models/face-api/face_recognition_model-f16.bin', encoding: 'gzip' },
		{ file: '/wasm/tfjs-backend-wasm-threaded-simd.wasm', encoding: 'br' },
		{ file: '/wasm/tfjs-backend-wasm-threaded-simd.js', encoding: 'br' },
		{ file: '/wasm/tfjs-backend-wasm-threaded-simd.worker.js', encoding: 'br' }
	];

	it('are cached for a while, revalidated by ETag (a 304 keeps the policy and the isolation headers), never immutable', async () => {
		for (const { file, encoding } of FILES) {
			const response = await fetch(`${server.base}${file}`, { headers: { 'accept-encoding': encoding } });
			const body = await response.arrayBuffer();
			expect(response.status, file).toBe(200);
			expect(body.byteLength, file).toBeGreaterThan(0);
			// The precompressed copy is served (a .bin's too: scripts/compress-weights.js), under its own ETag.
			expect(response.headers.get('content-encoding'), file).toBe(encoding);
			expect(response.headers.get('vary'), file).toMatch(/accept-encoding/i);
			const etag = response.headers.get('etag');
			expect(etag, `${file}: ETag`).toMatch(/^"[^"]+\.(br|gz)"$/);

			const cache = directives(response);
			const maxAge = Number(cache.get('max-age'));
			// Long enough that a session and every WASM worker reuse the file, short enough that a release shows.
			expect(maxAge, `${file}: ${response.headers.get('cache-control')}`).toBeGreaterThan(0);
			expect(maxAge, file).toBeLessThanOrEqual(DAY);
			expect(Number(cache.get('stale-while-revalidate')), file).toBeGreaterThan(0);
			expect(cache.has('immutable'), file).toBe(false);
			expect(cache.has('no-store') || cache.has('private'), file).toBe(false);
			expectIsolated(response, file);

			const again = await fetch(`${server.base}${file}`, {
				headers: { 'accept-encoding': encoding, 'if-none-match': etag! }
			});
			expect(again.status, `${file}: revalidation`).toBe(304);
			expect((await again.arrayBuffer()).byteLength, file).toBe(0);
			expect(again.headers.get('cache-control'), file).toBe(response.headers.get('cache-control'));
			expectIsolated(again, `${file} (304)`);
		}
	});

	it('a changed file is not taken for the cached one: another ETag gets the whole file', async () => {
		const file = '/models/human/blazeface.bin';
		const response = await fetch(`${server.base}${file}`, {
			headers: { 'accept-encoding': 'br', 'if-none-match': '"an-older-release.br"' }
		});
		expect(response.status).toBe(200);
		expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
	});

	it('a model file that does not exist is a 404 nobody caches', async () => {
		const response = await fetch(`${server.base}/models/human/no-such-model.json`);
		await response.arrayBuffer();
		expect(response.status).toBe(404);
		expectNotCachedLong(response, '404');
		expectIsolated(response, '404');
	});
});

describe('the rest keeps its own policy', () => {
	it('/_app/immutable/ files are cached for a year as immutable', async () => {
		const page = await (await fetch(`${server.base}/enroll`, { headers: { accept: 'text/html' } })).text();
		const built = [...page.matchAll(/\/_app\/immutable\/[^"'\s]+\.(js|css)/g)].map((m) => m[0]);
		expect(built.length, 'the page links build files').toBeGreaterThan(0);
		for (const file of new Set(built)) {
			const response = await fetch(`${server.base}${file}`);
			await response.arrayBuffer();
			expect(response.status, file).toBe(200);
			const cache = directives(response);
			expect(cache.has('immutable'), file).toBe(true);
			expect(Number(cache.get('max-age')), file).toBeGreaterThanOrEqual(365 * DAY);
			expectIsolated(response, file);
		}
	});

	it('pages and the service worker script are not cached long', async () => {
		for (const file of ['/', '/enroll', '/verify', '/people', '/settings']) {
			const response = await fetch(`${server.base}${file}`, { headers: { accept: 'text/html' } });
			await response.arrayBuffer();
			expect(response.status, file).toBe(200);
			expect(response.headers.get('content-type'), file).toMatch(/text\/html/);
			expectNotCachedLong(response, file);
		}
		const worker = await fetch(`${server.base}/service-worker.js`);
		await worker.arrayBuffer();
		expect(worker.status).toBe(200);
		expectNotCachedLong(worker, '/service-worker.js');
	});
});
