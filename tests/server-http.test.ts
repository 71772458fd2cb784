import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFor } from '../src/lib/server/node-engine';
import { facePath, REPO_ROOT } from './helpers/faces';
import { heldOutMe, trainTestModel } from './helpers/model';
import { freePort, startBuiltServer, type RunningServer } from './helpers/server';

// The production build over real HTTP: what curl users and the browser's parity test see.

function upload(bytes: Uint8Array | Buffer, field = 'image'): FormData {
	const body = new FormData();
	body.append(field, new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
	return body;
}

let withModel: RunningServer;
let withoutModel: RunningServer;

beforeAll(async () => {
	const { path: modelPath } = await trainTestModel(await engineFor());
	[withModel, withoutModel] = await Promise.all([
		startBuiltServer({ MODEL_PATH: modelPath }),
		startBuiltServer({ MODEL_PATH: '/nonexistent/models/model.json' })
	]);
});

afterAll(async () => {
	await Promise.all([withModel?.stop(), withoutModel?.stop()]);
});

describe('built server over HTTP', () => {
	it('GET / as JSON and GET /api describe the API; GET / in a browser is the app', async () => {
		const asJson = await fetch(`${withModel.base}/`, { headers: { accept: 'application/json' } });
		expect(asJson.status).toBe(200);
		expect((await asJson.json()).endpoints.verify).toMatch(/POST \/verify/);
		expect((await (await fetch(`${withModel.base}/api`)).json()).endpoints.health).toMatch(/healthz/);
		const page = await fetch(`${withModel.base}/`, { headers: { accept: 'text/html' } });
		expect(page.headers.get('content-type')).toMatch(/text\/html/);
	});

	it('healthz and verify without a model: 503 with the reason, as JSON', async () => {
		const health = await fetch(`${withoutModel.base}/healthz`);
		expect(health.status).toBe(503);
		expect((await health.json()).reason).toMatch(/npm run train/);
		const verify = await fetch(`${withoutModel.base}/verify`, {
			method: 'POST',
			headers: { 'x-api-key': withoutModel.apiKey! },
			body: upload(readFileSync(facePath('amy/amy1.png')))
		});
		expect(verify.status).toBe(503);
		expect((await verify.json()).error.code).toBe('MODEL_MISSING');
	});

	it('verifies "me" end to end and survives bad input', async () => {
		const key = { 'x-api-key': withModel.apiKey! };
		const me = await fetch(`${withModel.base}/verify`, {
			method: 'POST',
			headers: key,
			body: upload(readFileSync(facePath(heldOutMe()[0])))
		});
		expect(me.status).toBe(200);
		const body = await me.json();
		expect(body.is_me).toBe(true);
		expect(body.timing_ms).toBeGreaterThan(0);

		const garbage = await fetch(`${withModel.base}/verify`, {
			method: 'POST',
			headers: { ...key, 'content-type': 'multipart/form-data; boundary=xyz' },
			body: '--xyz\r\nthis is not multipart at all'
		});
		expect(garbage.status).toBe(400);
		expect((await garbage.json()).error.code).toBe('BAD_REQUEST');

		const huge = await fetch(`${withModel.base}/verify`, {
			method: 'POST',
			headers: key,
			body: upload(Buffer.alloc(5 * 1024 * 1024, 0xff))
		});
		expect(huge.status).toBe(413);
		expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE');

		const health = await fetch(`${withModel.base}/healthz`);
		expect((await health.json()).status).toBe('ok');
		expect(withModel.output()).not.toMatch(/exited/);
	});
});

describe('production start', () => {
	it('refuses to start with a weak JWT_SECRET, says why, and does not restart in a loop', async () => {
		const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', WORKERS: '2' };
		env.JWT_SECRET = 'a'.repeat(40);
		env.PORT = String(await freePort());
		env.DB_PATH = path.join(mkdtempSync(path.join(tmpdir(), 'me-verifier-prod-')), 'prod.db');
		const run = spawnSync(process.execPath, ['scripts/serve.js'], { cwd: REPO_ROOT, env, timeout: 60_000 });
		expect(run.status).toBe(78);
		expect(run.stderr.toString()).toMatch(
			/JWT_SECRET is too weak \(it contains a repeated.*refusing to start/
		);
	});
});
