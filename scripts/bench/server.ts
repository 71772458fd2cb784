// npm run bench: per-stage latency in-process, /verify end to end over HTTP, throughput with 8 clients,
// server memory before/after, and the face-api peer on the same photo. Flags via env:
// BENCH_SECONDS (30), BENCH_ITERATIONS (50), BENCH_PHOTO (a photo with one face), WORKERS (2).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { decide, pickMainFace } from '../../src/lib/core/pipeline';
import { createApiKey } from '../../src/lib/server/auth/api-keys';
import { openStore } from '../../src/lib/server/db/database';
import { decodeImage } from '../../src/lib/server/decode';
import { engineFor } from '../../src/lib/server/node-engine';
import { facePath } from '../../tests/helpers/faces';
import { trainTestModel } from '../../tests/helpers/model';
import { fmt, mb, summarize, time } from './stats';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50);
const WORKERS = Number(process.env.WORKERS ?? 2);
const CLIENTS = 8;

async function photo640(): Promise<string> {
	const source = process.env.BENCH_PHOTO ?? facePath('Barack_Obama/obama.jpg');
	const dir = await mkdtemp(path.join(os.tmpdir(), 'me-verifier-bench-'));
	const file = path.join(dir, 'photo-640.jpg');
	await sharp(source).rotate().resize(640, 640, { fit: 'inside' }).jpeg({ quality: 90 }).toFile(file);
	return file;
}

function row(name: string, samples: number[]) {
	const s = summarize(samples);
	console.log(`${name.padEnd(28)} p50 ${fmt(s.p50)} ms   p95 ${fmt(s.p95)} ms   (n=${s.n})`);
	return s;
}

async function stages(file: string) {
	const engine = await engineFor();
	const { model, path: modelPath } = await trainTestModel(engine);
	const bytes = new Uint8Array(readFileSync(file));
	const t = {
		decode: [] as number[],
		detect: [] as number[],
		embed: [] as number[],
		classify: [] as number[]
	};
	for (let i = 0; i < ITERATIONS + 3; i++) {
		const [image, decodeMs] = await time(() => decodeImage(bytes));
		const [faces, detectMs] = await time(() => engine.detect(image));
		const face = pickMainFace(faces, image);
		const [embedding, embedMs] = await time(() => engine.embed(image, face));
		const [, classifyMs] = await time(() => decide(model, embedding));
		if (i < 3) continue; // warm-up
		t.decode.push(decodeMs);
		t.detect.push(detectMs);
		t.embed.push(embedMs);
		t.classify.push(classifyMs);
	}
	console.log(`\nIn-process stages (${engine.info.embedder}, backend ${engine.info.backend}):`);
	for (const [name, samples] of Object.entries(t)) row(name, samples);
	return { modelPath, engine };
}

async function serverRss(pid: number): Promise<number> {
	const { stdout } = await promisify(execFile)('ps', [
		'-o',
		'rss=',
		'--ppid',
		String(pid),
		'-p',
		String(pid)
	]);
	return stdout.split('\n').reduce((sum, line) => sum + (Number(line.trim()) || 0) * 1024, 0);
}

/** Its own database (never the checkout's, which a running server may hold) with a `verify` key made up front. */
async function benchDatabase(): Promise<{ dbPath: string; key: string }> {
	const dbPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'me-verifier-bench-')), 'bench.db');
	const store = await openStore({ dbPath });
	const { key } = await createApiKey(store, 'bench', ['verify']);
	await store.close();
	return { dbPath, key };
}

let apiKey = '';

async function startServer(modelPath: string) {
	const port = 4100 + Math.floor(Math.random() * 800);
	const { dbPath, key } = await benchDatabase();
	apiKey = key;
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			MODEL_PATH: modelPath,
			DB_PATH: dbPath,
			WORKERS: String(WORKERS)
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const base = `http://127.0.0.1:${port}`;
	for (let i = 0; i < 240; i++) {
		const ok = await fetch(`${base}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ok) return { child, base };
		await new Promise((r) => setTimeout(r, 500));
	}
	child.kill();
	throw new Error('server did not become healthy (is there a build? run npm run build)');
}

async function post(base: string, bytes: Uint8Array<ArrayBuffer>) {
	const body = new FormData();
	body.append('image', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
	const response = await fetch(`${base}/verify`, { method: 'POST', body, headers: { 'x-api-key': apiKey } });
	const answer = (await response.json().catch(() => ({}))) as { timing_ms?: number };
	if (typeof answer.timing_ms === 'number') serverTimings.push(answer.timing_ms);
	return response.status;
}

/** The server's own `timing_ms` (guard, body, decode, detect, embed, decide): the rest of a round trip is HTTP. */
const serverTimings: number[] = [];

async function http(file: string, modelPath: string) {
	const bytes = new Uint8Array(readFileSync(file)) as Uint8Array<ArrayBuffer>;
	const { child, base } = await startServer(modelPath);
	try {
		// Warm every worker.
		await Promise.all(Array.from({ length: WORKERS * 3 }, () => post(base, bytes)));
		const rssBefore = await serverRss(child.pid!);
		const latency: number[] = [];
		serverTimings.length = 0;
		for (let i = 0; i < ITERATIONS; i++) latency.push((await time(() => post(base, bytes)))[1]);
		console.log(`\nHTTP, ${WORKERS} worker(s):`);
		const e2e = row('POST /verify end to end', latency);
		row('  of which in the handler', serverTimings);

		let done = 0;
		let errors = 0;
		const until = performance.now() + SECONDS * 1000;
		const client = async () => {
			while (performance.now() < until) {
				const status = await post(base, bytes).catch(() => 0);
				if (status === 200) done++;
				else errors++;
			}
		};
		await Promise.all(Array.from({ length: CLIENTS }, client));
		const rssAfter = await serverRss(child.pid!);
		console.log(
			`throughput, ${CLIENTS} clients ${SECONDS}s    ${(done / SECONDS).toFixed(1)} req/s, ${errors} errors; ` +
				`server RSS ${mb(rssBefore)} -> ${mb(rssAfter)}`
		);
		return e2e;
	} finally {
		child.kill('SIGTERM');
	}
}

async function peer(file: string) {
	const { stdout } = await promisify(execFile)(
		process.execPath,
		['scripts/bench/peer-faceapi.cjs', file, String(Math.min(ITERATIONS, 30))],
		{ maxBuffer: 1 << 20 }
	);
	const result = JSON.parse(stdout.trim().split('\n').pop()!);
	console.log('\nPeer: @vladmandic/face-api SSD + 68 landmarks + 128-D, same photo, same WASM backend:');
	return row('decode + detect + embed', result.samples);
}

async function main() {
	const file = await photo640();
	const meta = await sharp(file).metadata();
	console.log(
		`me-verifier benchmark: ${meta.width}x${meta.height} photo, node ${process.version}, ${os.cpus().length} cores`
	);
	console.log(`process memory at start: RSS ${mb(process.memoryUsage().rss)}`);
	const { modelPath } = await stages(file);
	console.log(`process memory after stages: RSS ${mb(process.memoryUsage().rss)}`);
	const e2e = await http(file, modelPath);
	const peerStats = await peer(file);
	console.log(
		`\n/verify p50 ${e2e.p50.toFixed(1)} ms vs peer p50 ${peerStats.p50.toFixed(1)} ms: ` +
			`${(peerStats.p50 / e2e.p50).toFixed(1)}x faster`
	);
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
