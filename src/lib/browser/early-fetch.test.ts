import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropEarlyFetches, fetchModelEarly } from './early-fetch';

/** A real HTTP server serving a tfjs-style model (model.json naming one weights file), counting requests. */
const hits = new Map<string, number>();
let server: http.Server;
let base: string;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
		if (req.url === '/m/model.json') {
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ weightsManifest: [{ paths: ['model.bin'], weights: [] }] }));
		} else if (req.url === '/m/model.bin') res.end(Buffer.from([1, 2, 3, 4]));
		else res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settle = async (path: string) => {
	for (let i = 0; i < 100 && !hits.get(path); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('fetchModelEarly', () => {
	it('downloads a model and its weights once, before the loader asks, and hands each over once', async () => {
		fetchModelEarly(`${base}/m/model.json`);
		await settle('/m/model.bin');
		expect([hits.get('/m/model.json'), hits.get('/m/model.bin')]).toEqual([1, 1]);

		// The loader's own requests get those responses, bodies intact, without a second download.
		const model = await (await fetch(`${base}/m/model.json`)).json();
		expect(model.weightsManifest[0].paths).toEqual(['model.bin']);
		const weights = new Uint8Array(await (await fetch(new URL(`${base}/m/model.bin`))).arrayBuffer());
		expect(Array.from(weights)).toEqual([1, 2, 3, 4]);
		expect([hits.get('/m/model.json'), hits.get('/m/model.bin')]).toEqual([1, 1]);

		// Once only: a retry (say, after a failed load) downloads again; other methods are never served early.
		await fetch(`${base}/m/model.json`);
		expect(hits.get('/m/model.json')).toBe(2);
		fetchModelEarly(`${base}/m/model.json`);
		await settle('/m/model.bin');
		await new Promise((r) => setTimeout(r, 50));
		const head = await fetch(`${base}/m/model.json`, { method: 'HEAD' });
		expect(head.ok).toBe(true);
		expect(hits.get('/m/model.json')).toBe(4);
	});

	it('drops the downloads nobody asked for', async () => {
		dropEarlyFetches(); // the test above left one
		const before = hits.get('/m/model.json') ?? 0;
		fetchModelEarly(`${base}/m/model.json`);
		await settle('/m/model.bin');
		await new Promise((r) => setTimeout(r, 50));
		dropEarlyFetches();
		await fetch(`${base}/m/model.json`);
		expect(hits.get('/m/model.json')).toBe(before + 2); // the early one, then the loader's own
	});

	it('leaves a failed download to the loader, which meets the same answer', async () => {
		fetchModelEarly(`${base}/m/missing.json`);
		await settle('/m/missing.json');
		const response = await fetch(`${base}/m/missing.json`);
		expect(response.status).toBe(404);
		expect(hits.get('/m/missing.json')).toBe(1);
	});
});
