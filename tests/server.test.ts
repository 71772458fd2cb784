import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, createApiKey } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { openConfiguredStore, type Store } from '../src/lib/server/db';
import { engineFor } from '../src/lib/server/node-engine';
import { createServices, type Services } from '../src/lib/server/services';
import { GET as healthz } from '../src/routes/(api)/healthz/+server';
import { POST as verify } from '../src/routes/(app)/verify/+server';
import { facePath } from './helpers/faces';
import { heldOutMe, NOT_ME, trainTestModel } from './helpers/model';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** This file's environment: the process's, plus what the tests set (process.env itself is left alone). */
const env: Record<string, string | undefined> = { ...process.env };
/** One database for the file; each configuration gets its own services on it, as a restarted server would. */
let store: Store | null = null;
let services: Promise<Services> | null = null;

function useEnv(vars: Record<string, string | undefined>) {
	for (const [key, value] of Object.entries(vars)) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	const config = readConfig(env);
	services = (store ? Promise.resolve(store) : openConfiguredStore(config)).then(async (opened) => {
		store = opened;
		const ready = await createServices(config, { store: opened });
		await ready.verifier.start(); // as hooks init does: the engine is loaded (once per process) before requests
		return ready;
	});
}

/** What `handle` puts on every request. */
async function locals() {
	return { services: await services! };
}

function form(
	bytes: Uint8Array | Buffer,
	name = 'photo.jpg',
	type = 'image/jpeg',
	field = 'image'
): FormData {
	const body = new FormData();
	body.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
	return body;
}

/** An operator key in this file's own database; every call sends it (the route needs the `verify` scope). */
let apiKey = '';

async function callVerify(body: FormData | string, headers: Record<string, string> = {}) {
	const request = new Request('http://localhost/verify', {
		method: 'POST',
		body,
		headers: { 'x-api-key': apiKey, ...headers }
	});
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const response = await verify({ request, locals: await locals() } as any);
	return { status: response.status, body: (await response.json()) as Json };
}

async function callHealthz() {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	const response = await healthz({ locals: await locals() } as any);
	return { status: response.status, body: (await response.json()) as Json };
}

const photo = (relative: string) => readFileSync(facePath(relative));

let modelPath = '';

beforeAll(async () => {
	const engine = await engineFor();
	modelPath = (await trainTestModel(engine)).path;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'me-verifier-verify-'));
	useEnv({
		MODEL_PATH: modelPath,
		VERIFY_THRESHOLD: undefined,
		MAX_CONTENT_MB: undefined,
		DB_PATH: path.join(dir, 'verify.db')
	});
	apiKey = (await createApiKey((await services!).store, 'server test', API_SCOPES)).key;
});

afterAll(async () => {
	await services?.catch(() => undefined);
	await store?.close();
});

describe('GET /healthz', () => {
	it('is unhealthy with a reason while no model exists, healthy once it does', async () => {
		useEnv({ MODEL_PATH: '/nonexistent/model.json' });
		const missing = await callHealthz();
		expect(missing.status).toBe(503);
		expect(missing.body.status).toBe('unhealthy');
		expect(missing.body.reason).toMatch(/npm run train/);

		useEnv({ MODEL_PATH: modelPath });
		const ok = await callHealthz();
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ status: 'ok', backend: 'wasm' });
		expect(typeof ok.body.model_version).toBe('string');
		expect(typeof ok.body.embedder).toBe('string');
	});
});

describe('POST /verify with real photos', () => {
	it('accepts held-out photos of "me"', async () => {
		for (const file of heldOutMe()) {
			const { status, body } = await callVerify(form(photo(file)));
			expect(status, file).toBe(200);
			expect(body.is_me, `${file} score ${body.score}`).toBe(true);
			expect(Object.keys(body)).toEqual(
				expect.arrayContaining(['model_version', 'is_me', 'score', 'threshold', 'timing_ms', 'box'])
			);
		}
	});

	it('rejects other people, including people never seen in training', async () => {
		const others = [
			'unknown/happy.jpg',
			'unknown/ivan.jpg',
			'Barack_Obama/obama.jpg',
			'sheldon/sheldon1.png'
		];
		for (const file of others) {
			const { status, body } = await callVerify(form(photo(file), path.basename(file)));
			expect(status, file).toBe(200);
			expect(body.is_me, `${file} score ${body.score}`).toBe(false);
		}
		expect(NOT_ME).not.toContain('sheldon');
	});

	it('answers for the largest face of a group photo and says how many there were', async () => {
		const { status, body } = await callVerify(form(photo('multi/bbt4.jpg')));
		expect(status).toBe(200);
		expect(body.faces_count).toBeGreaterThan(1);
	});

	it('honours VERIFY_THRESHOLD over the model threshold', async () => {
		useEnv({ VERIFY_THRESHOLD: '0.999999' });
		const { body } = await callVerify(form(photo('unknown/happy.jpg')));
		expect(body.threshold).toBe(0.999999);
		expect(body.is_me).toBe(false);
		useEnv({ VERIFY_THRESHOLD: undefined });
	});
});

describe('POST /verify error cases', () => {
	const expectError = async (body: FormData | string, status: number, code: string, headers = {}) => {
		const result = await callVerify(body, headers);
		expect(result.status).toBe(status);
		expect(result.body.error.code).toBe(code);
		expect(typeof result.body.error.message).toBe('string');
		expect(JSON.stringify(result.body)).not.toMatch(/at .*\.ts:\d+/);
	};

	it('no face: 400 NO_FACE', async () => {
		await expectError(form(photo('noface/rocket.jpg')), 400, 'NO_FACE');
		await expectError(form(photo('noface/white.png'), 'white.png', 'image/png'), 400, 'NO_FACE');
	});

	it('a text file renamed .jpg: 400 UNSUPPORTED_FORMAT (format comes from the bytes)', async () => {
		await expectError(
			form(Buffer.from('just some text, not a picture\n'.repeat(20))),
			400,
			'UNSUPPORTED_FORMAT'
		);
	});

	it('a truncated JPEG: 400 BAD_IMAGE', async () => {
		const jpeg = photo('Barack_Obama/obama.jpg');
		await expectError(form(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 400, 'BAD_IMAGE');
	});

	it('an empty file: 400 BAD_IMAGE', async () => {
		await expectError(form(Buffer.alloc(0)), 400, 'BAD_IMAGE');
	});

	it('missing field or not multipart: 400 BAD_REQUEST', async () => {
		await expectError(form(photo('amy/amy1.png'), 'a.png', 'image/png', 'file'), 400, 'BAD_REQUEST');
		await expectError('image=abc', 400, 'BAD_REQUEST', {
			'content-type': 'application/x-www-form-urlencoded'
		});
	});

	it('above MAX_CONTENT_MB: 413 PAYLOAD_TOO_LARGE', async () => {
		useEnv({ MAX_CONTENT_MB: '0.05' });
		await expectError(form(photo('Barack_Obama/obama.jpg')), 413, 'PAYLOAD_TOO_LARGE');
		useEnv({ MAX_CONTENT_MB: undefined });
	});

	it('a 20-megapixel photo is downscaled and still verified like the original', async () => {
		const big = await sharp(photo('John_Simm/' + path.basename(heldOutMe()[0])))
			.resize(5472, 3648, { fit: 'fill' })
			.jpeg({ quality: 60 })
			.toBuffer();
		useEnv({ MAX_CONTENT_MB: '20' });
		const { status, body } = await callVerify(form(big));
		useEnv({ MAX_CONTENT_MB: undefined });
		expect(status).toBe(200);
		expect(body.is_me).toBe(true);
	});

	it('an image above the pixel limit: 413 IMAGE_TOO_LARGE, refused before decoding', async () => {
		useEnv({ MAX_IMAGE_PIXELS: '1000000' });
		await expectError(form(photo('Barack_Obama/obama.jpg')), 413, 'IMAGE_TOO_LARGE');
		useEnv({ MAX_IMAGE_PIXELS: undefined });
	});

	it('a thin strip under the pixel limit but with a side above 20,000 px: 413 before decoding', async () => {
		const strip = await sharp({
			create: { width: 1, height: 40_000, channels: 3, background: '#808080' }
		})
			.png()
			.toBuffer();
		await expectError(form(strip, 'strip.png', 'image/png'), 413, 'IMAGE_TOO_LARGE');
	});

	it('missing model: 503 MODEL_MISSING; a model for another embedder: 503 MODEL_INCOMPATIBLE', async () => {
		useEnv({ MODEL_PATH: '/nonexistent/model.json' });
		await expectError(form(photo('amy/amy1.png')), 503, 'MODEL_MISSING');
		const other = JSON.parse(readFileSync(modelPath, 'utf8'));
		other.embedder.id = 'some-other-embedder';
		const dir = await mkdtemp(path.join(os.tmpdir(), 'me-verifier-other-'));
		await writeFile(path.join(dir, 'model.json'), JSON.stringify(other));
		useEnv({ MODEL_PATH: path.join(dir, 'model.json') });
		await expectError(form(photo('amy/amy1.png')), 503, 'MODEL_INCOMPATIBLE');
		useEnv({ MODEL_PATH: modelPath });
	});
});

describe('POST /verify under load', () => {
	it('20 parallel calls give the same answers as serial ones', async () => {
		// Room for all 20 to wait (by default a worker sheds load beyond 2 running + 8 waiting: tests/security).
		useEnv({ HEAVY_QUEUE: '20' });
		const files = [...heldOutMe(), 'unknown/happy.jpg', 'multi/bbt1.jpg', 'Barack_Obama/obama2.jpg'];
		const requests = Array.from({ length: 20 }, (_, i) => files[i % files.length]);
		const serial: Json[] = [];
		for (const file of requests) serial.push((await callVerify(form(photo(file)))).body);
		const parallel = await Promise.all(
			requests.map(async (file) => (await callVerify(form(photo(file)))).body)
		);
		const strip = (b: Json) => ({ is_me: b.is_me, score: b.score, box: b.box, faces_count: b.faces_count });
		expect(parallel.map(strip)).toEqual(serial.map(strip));
		useEnv({ HEAVY_QUEUE: undefined });
	});

	it('tf.memory().numTensors is the same after 100 requests as after 1', async () => {
		const body = () => form(photo('Barack_Obama/obama2.jpg'));
		await callVerify(body());
		const after1 = tf.memory().numTensors;
		for (let i = 0; i < 99; i++) await callVerify(body());
		await callVerify(form(photo('noface/grass.png'), 'g.png', 'image/png'));
		expect(tf.memory().numTensors).toBe(after1);
	});
});
