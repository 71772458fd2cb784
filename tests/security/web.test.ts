import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerChunks } from '../../src/service-worker/worker-chunks';
import { REPO_ROOT } from '../helpers/faces';
import type { RunningServer } from '../helpers/server';
import { photos, send, sleep, startProduction } from './attack';

// Points 7 and 8 of issue 8 over HTTP: security headers and CSP, the CSRF origin check, streamed 413, name
// limits, no host paths in answers, a worker killed by any signal is replaced, a stop drains in-flight requests.

let server: RunningServer;
let admin: string;

beforeAll(async () => {
	server = await startProduction({
		ALLOWED_ORIGINS: 'https://partner.example',
		ALLOWED_HOSTS: 'app.example'
	});
	admin = server.apiKey!;
});

afterAll(() => server?.stop());

describe('headers', () => {
	it('the app page has a CSP that allows WebAssembly and nothing from elsewhere, and the hardening headers', async () => {
		const page = await fetch(`${server.base}/`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'nonce-[^']+'/);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		expect(csp).not.toMatch(/https?:|\*/);
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('referrer-policy')).toBe('no-referrer');
		expect(page.headers.get('permissions-policy')).toMatch(/camera=\(self\)/);
		expect(page.headers.get('x-frame-options')).toBe('DENY');
	});

	it('cross-origin isolation: pages, API answers and the files adapter-node serves itself (the build, static/, the service worker) all carry COOP, COEP and CORP', async () => {
		const manifest = await (await fetch(`${server.base}/manifest.webmanifest`)).json();
		const page = await (await fetch(`${server.base}/verify`, { headers: { accept: 'text/html' } })).text();
		const immutable = /\/_app\/immutable\/[^"']+\.js/.exec(page)?.[0];
		expect(immutable, 'the page links a build file').toBeDefined();
		const paths = [
			'/',
			'/verify',
			'/healthz',
			immutable!,
			'/_app/version.json',
			'/service-worker.js',
			'/manifest.webmanifest',
			manifest.icons[0].src,
			'/wasm/tfjs-backend-wasm-threaded-simd.wasm',
			'/wasm/tfjs-backend-wasm-threaded-simd.worker.js',
			'/wasm/tfjs-backend-wasm-threaded-simd.js',
			'/models/human/blazeface.json',
			'/no-such-file.png'
		];
		for (const file of paths) {
			const response = await fetch(`${server.base}${file}`, { headers: { accept: 'text/html' } });
			await response.arrayBuffer();
			// /healthz says 503 here (no model), the missing file 404: headers on every status.
			const status = file === '/healthz' ? 503 : file.startsWith('/no-such') ? 404 : 200;
			expect(response.status, file).toBe(status);
			expect(response.headers.get('cross-origin-opener-policy'), `${file}: COOP`).toBe('same-origin');
			expect(response.headers.get('cross-origin-embedder-policy'), `${file}: COEP`).toBe('require-corp');
			expect(response.headers.get('cross-origin-resource-policy'), `${file}: CORP`).toBe('same-origin');
		}
		// A revalidation (304) of a build file keeps them too.
		const first = await fetch(`${server.base}${immutable}`);
		await first.arrayBuffer();
		const again = await fetch(`${server.base}${immutable}`, {
			headers: { 'if-none-match': first.headers.get('etag')! }
		});
		expect(again.status).toBe(304);
		expect(again.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
	});

	it("the engine's worker and the WASM threads' scripts carry a worker CSP of their own (a page's does not reach a worker)", async () => {
		const workers = readdirSync(path.join(REPO_ROOT, 'build/client/_app/immutable/workers')).filter((f) =>
			/^engine-worker-.*\.js$/.test(f)
		);
		expect(workers, 'the build has the engine worker').toHaveLength(1);
		const entry = readFileSync(
			path.join(REPO_ROOT, 'build/client/_app/immutable/workers', workers[0]),
			'utf8'
		);
		expect(
			entry.match(/\bimport\s*[{*"']|\bimport\s+\w/g),
			"its entry imports the engine dynamically only (the offline cache lists the worker's dynamic imports)"
		).toBeNull();
		expect(entry).toMatch(/\bimport\(/);
		// The service worker finds the chunks SvelteKit's file list leaves out by following the entry's imports.
		const dir = path.join(REPO_ROOT, 'build/client/_app/immutable/workers');
		const found = await workerChunks([`/_app/immutable/workers/${workers[0]}`], async (p) =>
			readFileSync(path.join(dir, p.slice('/_app/immutable/workers/'.length)), 'utf8')
		);
		const built = readdirSync(path.join(dir, 'chunks')).filter((f) => f.endsWith('.js'));
		expect(
			found.map((p) => p.split('/').pop()).sort(),
			'every chunk of the worker, found from its entry'
		).toEqual(built.sort());
		for (const file of [
			`/_app/immutable/workers/${workers[0]}`,
			'/wasm/tfjs-backend-wasm-threaded-simd.worker.js'
		]) {
			const response = await fetch(`${server.base}${file}`);
			await response.arrayBuffer();
			expect(response.status, file).toBe(200);
			expect(response.headers.get('content-security-policy'), file).toBe(
				"default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'"
			);
			expect(response.headers.get('x-content-type-options'), file).toBe('nosniff');
		}
		const model = await fetch(`${server.base}/models/human/blazeface.json`);
		expect(model.headers.get('content-security-policy'), 'a model file is not a worker').toBeNull();
	});

	it('API answers carry the strictest CSP and nosniff', async () => {
		const health = await fetch(`${server.base}/healthz`);
		expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
		expect(health.headers.get('x-content-type-options')).toBe('nosniff');
	});
});

describe('CSRF', () => {
	it('a cross-site form post is refused; the own origin, configured origins and non-browser clients pass', async () => {
		const post = (origin?: string) =>
			send(server, '/registro-datos', {
				headers: origin ? { origin } : {},
				body: photos({ nombre: 'Csrf', correo: `csrf-${Math.random()}@example.com` })
			});
		const evil = await post('https://evil.example');
		expect(evil.status).toBe(403);
		expect(evil.json.error.code).toBe('FORBIDDEN');
		expect((await post(server.base)).status).toBe(201);
		expect((await post('https://partner.example')).status).toBe(201);
		expect((await post()).status).toBe(201);
	});
});

describe('DNS rebinding', () => {
	/** A request as a browser sends it once the attacker's name resolves to this server: its Host is that name. */
	function asHost(host: string, method = 'GET', path = '/healthz', body?: string) {
		const { port } = new URL(server.base);
		const headers: Record<string, string> = { host };
		if (body) Object.assign(headers, { 'content-type': 'application/json', origin: `http://${host}` });
		return new Promise<{ status: number; body: string }>((resolve, reject) => {
			const request = http.request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
				let text = '';
				response.on('data', (c) => (text += c));
				response.on('end', () => resolve({ status: response.statusCode!, body: text }));
			});
			request.on('error', reject);
			request.end(body);
		});
	}

	it('a host name the server was not told about is refused, reads and writes alike', async () => {
		// An attacker's pass: Host and Origin both evil.example made the origin check pass, and the user was created.
		const signUp = JSON.stringify({ nombre: 'Rebound', correo: 'rebound@example.com' });
		const write = await asHost('evil.example', 'POST', '/registro-datos', signUp);
		expect(write.status).toBe(403);
		expect(JSON.parse(write.body).error.code).toBe('FORBIDDEN');
		expect((await asHost('evil.example:80')).status).toBe(403);
		expect((await asHost('localhost.evil.example')).status).toBe(403);
		// IP literals and localhost cannot be rebound; ALLOWED_HOSTS names the others (any letter case).
		const { port } = new URL(server.base);
		for (const host of [
			`127.0.0.1:${port}`,
			`localhost:${port}`,
			`[::1]:${port}`,
			'app.example',
			'APP.example:443'
		])
			expect((await asHost(host)).status, host).not.toBe(403);
		expect((await asHost('app.example', 'POST', '/registro-datos', signUp)).status).toBe(201);
	});
});

describe('small holes', () => {
	/** Streams up to 40 MB without a Content-Length; resolves with the answer and how much was sent by then. */
	function chunkedUpload(path: string, headers: Record<string, string>) {
		const { port } = new URL(server.base);
		return new Promise<{ status: number; body: string; sentMb: number }>((resolve, reject) => {
			let sentMb = 0;
			const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (response) => {
				let body = '';
				response.on('data', (c) => (body += c));
				response.on('end', () => resolve({ status: response.statusCode!, body, sentMb }));
			});
			request.on('error', () => undefined); // the server may close while we are still sending: expected
			const chunk = Buffer.alloc(1024 * 1024, 0x41);
			const pump = () => {
				while (sentMb < 40) {
					sentMb++;
					if (!request.write(chunk)) return void request.once('drain', pump);
				}
				request.end();
			};
			pump();
			setTimeout(() => reject(new Error('no answer')), 30_000).unref();
		});
	}

	it('a chunked upload without Content-Length is cut at the limit with 413', async () => {
		const result = await chunkedUpload('/verify', {
			'x-api-key': admin,
			'content-type': 'multipart/form-data; boundary=xyz'
		});
		expect(result.status).toBe(413);
		expect(JSON.parse(result.body).error.code).toBe('PAYLOAD_TOO_LARGE');
		expect(result.sentMb).toBeLessThan(40); // answered before the whole body arrived
	});

	it('a public JSON route is cut at its own small limit too (the server sets no outer body limit)', async () => {
		const result = await chunkedUpload('/liveness/challenge', { 'content-type': 'application/json' });
		expect(result.status).toBe(413);
		expect(JSON.parse(result.body).error.code).toBe('PAYLOAD_TOO_LARGE');
		expect(result.sentMb).toBeLessThan(40);
	});

	it('a 1 MB file name or a 1 MB field is refused, and nothing is stored', async () => {
		const body = new FormData();
		body.append('name', 'Longname');
		body.append('images', new Blob([new Uint8Array(100)]), 'x'.repeat(1024 * 1024) + '.jpg');
		const file = await send(server, '/register', { key: admin, body });
		expect(file.status).toBe(400);
		expect(file.json.error.message).toMatch(/255 characters/);
		const field = await send(server, '/register', {
			key: admin,
			body: photos({ name: 'n'.repeat(1024 * 1024) }, { images: ['amy/amy1.png'] })
		});
		expect(field.status).toBe(400);
		expect((await send(server, '/people', { method: 'GET', key: admin })).json.people).toEqual([]);
	});

	it('no answer names a host path', async () => {
		const answers = [
			await send(server, '/healthz', { method: 'GET' }),
			await send(server, '/verify', { key: admin, body: photos({}, { image: ['amy/amy1.png'] }) })
		];
		expect(answers[0].json.reason).toMatch(/No trained model at no-model-here\.json/);
		expect(answers[1].json.error.code).toBe('MODEL_MISSING');
		for (const answer of answers) {
			const text = JSON.stringify(answer.json);
			expect(text).not.toContain(REPO_ROOT);
			expect(text).not.toContain(tmpdir());
		}
	});
});

describe('processes', () => {
	it('a worker killed with SIGTERM is replaced and the server answers again', async () => {
		const pid = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)])
			.toString()
			.trim()
			.split('\n')[0];
		expect(Number(pid)).toBeGreaterThan(0);
		process.kill(Number(pid), 'SIGTERM');
		for (let i = 0; i < 240 && !/starting another/.test(server.output()); i++) await sleep(250);
		expect(server.output()).toMatch(
			new RegExp(
				`worker ${pid} exited \\(0\\); starting another|worker ${pid} exited \\(SIGTERM\\); starting another`
			)
		);
		let health = 0;
		for (let i = 0; i < 240 && health !== 503; i++) {
			health = await fetch(`${server.base}/healthz`).then(
				(r) => r.status,
				() => 0
			);
			if (health !== 503) await sleep(250);
		}
		expect(health).toBe(503); // answering again (unhealthy only because this server has no model)
	});

	it('stopping the server lets an in-flight request finish', async () => {
		await sleep(3000); // the new worker's people engine has loaded by now (started at boot)
		const inFlight = send(server, '/process_frame', {
			key: admin,
			body: photos({}, { image: ['multi/bbt3.jpg'] })
		});
		await sleep(150);
		server.child.kill('SIGTERM');
		const answer = await inFlight;
		expect(answer.status).toBe(200);
		expect(answer.json.unknown_faces.length + answer.json.recognized_faces.length).toBeGreaterThan(0);
		const code = await new Promise((resolve) => server.child.once('exit', resolve));
		expect(code).toBe(0);
	});
});
