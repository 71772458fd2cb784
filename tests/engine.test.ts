import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchReader, readWeightsManifest } from '../src/lib/core/embedders';
import { mirrorChip } from '../src/lib/core/align';
import { createDlibResnet } from '../src/lib/core/embedders/dlib-resnet';
import type { FaceEngine } from '../src/lib/core/face-engine';
import { CoreError } from '../src/lib/core/errors';
import { cosine } from '../src/lib/core/gallery';
import type { DetectedFace, PixelImage } from '../src/lib/core/types';
import { decodeImageFile } from '../src/lib/server/decode';
import { createServerEngine, engineFor, serverTf, type ServerEngine } from '../src/lib/server/node-engine';
import { readWeightsFile } from '../src/lib/server/weights';
import { facePath, FACES_DIR } from './helpers/faces';

const load = (relative: string) => decodeImageFile(facePath(relative));
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

let engine: ServerEngine;

beforeAll(async () => {
	engine = await createServerEngine({ embedder: 'dlib-resnet128' });
});

afterAll(async () => {
	await engine?.dispose();
});

describe('server face engine (Human BlazeFace + FaceMesh, dlib ResNet on WASM)', () => {
	it('reports what it runs', () => {
		expect(engine.info).toMatchObject({ backend: 'wasm', embedder: 'dlib-resnet128', embeddingSize: 128 });
		expect(engine.info.embedderVersion).toMatch(/align-v\d+/);
	});

	it('finds the one face in a portrait, with landmarks inside the box in anatomical order', async () => {
		const image = await load('Barack_Obama/obama.jpg');
		const faces = await engine.detect(image);
		expect(faces).toHaveLength(1);
		const [face] = faces;
		expect(face.score).toBeGreaterThan(0.5);
		const [x, y, w, h] = face.box;
		for (const [px, py] of Object.values(face.landmarks)) {
			expect(px).toBeGreaterThan(x);
			expect(px).toBeLessThan(x + w);
			expect(py).toBeGreaterThan(y);
			expect(py).toBeLessThan(y + h);
		}
		const { leftEye, rightEye, nose, mouthLeft, mouthRight } = face.landmarks;
		// The subject's left eye is on the image's right; eyes above nose above mouth.
		expect(leftEye[0]).toBeGreaterThan(rightEye[0]);
		expect(mouthLeft[0]).toBeGreaterThan(mouthRight[0]);
		expect(nose[1]).toBeGreaterThan(Math.max(leftEye[1], rightEye[1]));
		expect(mouthLeft[1]).toBeGreaterThan(nose[1]);
		expect(Math.abs(face.yaw ?? 90)).toBeLessThan(20);
	});

	it('finds all six people in a group photo, largest first', async () => {
		const faces = await engine.detect(await load('multi/bbt4.jpg'));
		expect(faces).toHaveLength(6);
		const areas = faces.map((f) => f.box[2] * f.box[3]);
		expect([...areas].sort((a, b) => b - a)).toEqual(areas);
	});

	it('finds no face in images without people', async () => {
		const pngs = readdirSync(path.join(FACES_DIR, 'noface')).filter((f) => f.endsWith('.png'));
		expect(pngs.length).toBeGreaterThanOrEqual(4);
		for (const file of pngs) expect(await engine.detect(await load(`noface/${file}`)), file).toEqual([]);
	});

	it('accepts RGBA input and gives the same faces as RGB', async () => {
		const rgb = await load('Barack_Obama/obama1.jpg');
		const rgba = new Uint8Array(rgb.width * rgb.height * 4);
		for (let i = 0; i < rgb.width * rgb.height; i++) {
			rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
			rgba[i * 4 + 3] = 255;
		}
		const a = await engine.detect(rgb);
		const b = await engine.detect({ ...rgb, channels: 4, data: rgba });
		expect(b).toEqual(a);
	});

	it('gives L2-normalised embeddings that tell people apart', async () => {
		const people = {
			obama: ['Barack_Obama/obama1.jpg', 'Barack_Obama/obama2.jpg', 'Barack_Obama/obama3.jpg'],
			kit: ['Kit_Harington/john2.jpeg', 'Kit_Harington/johnsnow_test1.jpg'],
			rose: ['Rose_Leslie/img1.jpg', 'Rose_Leslie/img2.jpg']
		};
		const samples: { who: string; embedding: Float32Array }[] = [];
		for (const [who, files] of Object.entries(people)) {
			for (const file of files) {
				const image = await load(file);
				const [face] = await engine.detect(image);
				const embedding = await engine.embed(image, face);
				expect(embedding).toHaveLength(128);
				expect(norm(embedding)).toBeCloseTo(1, 5);
				samples.push({ who, embedding });
			}
		}
		const same: number[] = [];
		const different: number[] = [];
		samples.forEach((s, i) =>
			samples
				.slice(i + 1)
				.forEach((t) => (s.who === t.who ? same : different).push(cosine(s.embedding, t.embedding)))
		);
		expect(Math.min(...same)).toBeGreaterThan(Math.max(...different));
	});

	it('rejects malformed pixel buffers with BAD_IMAGE instead of hanging', async () => {
		const bad: PixelImage[] = [
			{ width: 10, height: 10, channels: 3, data: new Uint8Array(10) },
			{ width: 0, height: 10, channels: 3, data: new Uint8Array(0) },
			{ width: 4.5, height: 2, channels: 3, data: new Uint8Array(27) },
			{ width: 2, height: 2, channels: 2 as 3, data: new Uint8Array(8) }
		];
		const face: DetectedFace = {
			box: [0, 0, 2, 2],
			score: 1,
			landmarks: { leftEye: [1, 0], rightEye: [0, 0], nose: [0.5, 1], mouthLeft: [1, 2], mouthRight: [0, 2] }
		};
		for (const image of bad) {
			await expect(engine.detect(image)).rejects.toMatchObject({ code: 'BAD_IMAGE' });
			await expect(engine.embed(image, face)).rejects.toBeInstanceOf(CoreError);
		}
	});

	it('copes with tiny images', async () => {
		const tiny: PixelImage = { width: 1, height: 1, channels: 3, data: new Uint8Array([200, 150, 120]) };
		expect(await engine.detect(tiny)).toEqual([]);
	});

	it('leaks no tensors over repeated detect + embed rounds', async () => {
		const tf = serverTf();
		const image = await load('multi/kit_with_rose.jpg'); // two faces: the per-face paths run twice
		const round = async () => {
			for (const face of await engine.detect(image)) await engine.embed(image, face);
		};
		await round();
		const after1 = tf.memory().numTensors;
		for (let i = 0; i < 19; i++) await round();
		expect(tf.memory().numTensors).toBe(after1);
	});

	it('warms FaceMesh just after load() answers (a grey image has no face), leaving no tensor behind', async () => {
		const tf = serverTf();
		const steps: string[] = [];
		const fresh = await createServerEngine({
			embedder: 'dlib-resnet128-noflip',
			onLoadStep: (step) => steps.push(step)
		});
		try {
			expect(steps).toEqual(['models', 'embedder', 'detected', 'warm']);
			const atReady = tf.memory().numTensors;
			// A call made after load() has answered queues behind the warm-up: it has run once this answers.
			const tiny: PixelImage = { width: 1, height: 1, channels: 3, data: new Uint8Array([200, 150, 120]) };
			await new Promise((resolve) => setTimeout(resolve, 0));
			expect(await fresh.detect(tiny)).toEqual([]);
			expect(steps).toEqual(['models', 'embedder', 'detected', 'warm', 'mesh']);
			expect(tf.memory().numTensors).toBe(atReady);
		} finally {
			await fresh.dispose();
		}
	});

	it('gives the same results for concurrent calls as for serial ones', async () => {
		const images = await Promise.all(
			['multi/bbt4.jpg', 'Barack_Obama/obama2.jpg', 'multi/bbt3.jpg'].map(load)
		);
		const analyse = async (image: PixelImage) => {
			const faces = await engine.detect(image);
			return { faces, embeddings: await Promise.all(faces.map((f) => engine.embed(image, f))) };
		};
		const serial = [];
		for (const image of images) serial.push(await analyse(image));
		const concurrent = await Promise.all([...images, ...images].map(analyse));
		expect(concurrent).toEqual([...serial, ...serial]);
	});
});

describe('flip averaging (the default embedder)', () => {
	it('gives a mirrored photo nearly the same descriptor, much closer than the single chip does', async () => {
		const noflip = await createServerEngine({ embedder: 'dlib-resnet128-noflip' });
		try {
			const image = await load('John_Simm/000310_00470421.jpg');
			const mirrored = mirrorChip(image);
			const describe = async (e: FaceEngine, img: PixelImage) => e.embed(img, (await e.detect(img))[0]);
			const flip = cosine(await describe(engine, image), await describe(engine, mirrored));
			const single = cosine(await describe(noflip, image), await describe(noflip, mirrored));
			console.log(
				`[flip] cosine(photo, mirrored photo): flip-averaged ${flip.toFixed(5)}, single chip ${single.toFixed(5)}`
			);
			expect(flip).toBeGreaterThan(0.995);
			expect(1 - flip).toBeLessThan((1 - single) / 2);
		} finally {
			await noflip.dispose();
		}
	});
});

describe('the mirror worker thread', () => {
	it('gives the same descriptor as the single-thread batch of two', async () => {
		const oneThread = await createServerEngine({ embedder: 'dlib-resnet128', flipWorker: false });
		try {
			// Both paths really ran: the thread starts here (it once failed to under Vitest, unnoticed).
			expect(engine.mirrorThread).toBe(true);
			expect(oneThread.mirrorThread).toBe(false);
			const image = await load('John_Simm/000310_00470421.jpg');
			const [face] = await engine.detect(image);
			const a = await engine.embed(image, face);
			const b = await oneThread.embed(image, face);
			expect(cosine(a, b)).toBeGreaterThan(0.999999);
			expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
		} finally {
			await oneThread.dispose();
		}
	});
});

describe('dlib ResNet port', () => {
	it('matches face-api FaceRecognitionNet on the same 150x150 input, with its float32 weights rounded to float16', async () => {
		const require = createRequire(import.meta.url);
		const faceApiDir = path.resolve(path.dirname(require.resolve('@vladmandic/face-api')), '..');
		// face-api is a dev dependency used only as the reference; it shares our tfjs-core instance.
		const faceapi = require(path.join(faceApiDir, 'dist', 'face-api.node-wasm.js'));
		const tf = serverTf();
		expect(faceapi.tf.engine()).toBe(tf.engine());
		await faceapi.nets.faceRecognitionNet.loadFromDisk(path.join(faceApiDir, 'model'));
		const ours = createDlibResnet(
			tf,
			await readWeightsFile(path.join(faceApiDir, 'model', 'face_recognition_model-weights_manifest.json'))
		);
		try {
			for (const file of ['John_Salley/000179_02159509.jpg', 'amy/amy1.png']) {
				const chip = await decodeImageFile(facePath(file)); // both are 150x150 chips already
				const input = tf.tensor3d(new Int32Array(chip.data), [150, 150, 3], 'int32');
				const reference = (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(
					input
				)) as Float32Array;
				input.dispose();
				// The float16 rounding (issue 12) kept the embedder's version: it must stay this close to face-api's.
				expect(cosine(await ours.describeChip(chip), reference)).toBeGreaterThan(0.999999);
			}
		} finally {
			ours.dispose();
			faceapi.nets.faceRecognitionNet.dispose();
		}
	});
});

describe('weights over HTTP (browser loader)', () => {
	it('reads the same specs and bytes as the file reader (one reader, I/O injected), and reports a missing file as MODEL_MISSING', async () => {
		const require = createRequire(import.meta.url);
		const dir = path.join(path.resolve(path.dirname(require.resolve('@vladmandic/face-api')), '..'), 'model');
		const fetchFromDisk = async (url: string) => {
			const file = path.join(dir, url.replace('http://models.test/', ''));
			if (!existsSync(file))
				return {
					ok: false,
					status: 404,
					json: async () => null,
					arrayBuffer: async () => new ArrayBuffer(0)
				};
			const bytes = readFileSync(file);
			return {
				ok: true,
				status: 200,
				json: async () => JSON.parse(bytes.toString('utf8')),
				arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
			};
		};
		const manifest = 'face_recognition_model-weights_manifest.json';
		const overHttp = await readWeightsManifest(`http://models.test/${manifest}`, fetchReader(fetchFromDisk));
		const fromFile = await readWeightsFile(path.join(dir, manifest));
		expect(overHttp.specs).toEqual(fromFile.specs);
		expect(Buffer.from(overHttp.data).equals(Buffer.from(fromFile.data))).toBe(true);
		await expect(
			readWeightsManifest('http://models.test/missing.json', fetchReader(fetchFromDisk))
		).rejects.toMatchObject({
			code: 'MODEL_MISSING'
		});
	});
});

describe('embedder choice', () => {
	it('faceres-bgr runs Human faceres on the aligned crop: 1024-D, normalised, recorded in info', async () => {
		const faceres = await createServerEngine({ embedder: 'faceres-bgr' });
		try {
			expect(faceres.info).toMatchObject({ embedder: 'faceres-bgr', embeddingSize: 1024 });
			const a = await load('Barack_Obama/obama1.jpg');
			const b = await load('Barack_Obama/obama2.jpg');
			const c = await load('Rose_Leslie/img1.jpg');
			const embed = async (image: PixelImage) => faceres.embed(image, (await faceres.detect(image))[0]);
			const [ea, eb, ec] = [await embed(a), await embed(b), await embed(c)];
			expect(ea).toHaveLength(1024);
			expect(norm(ea)).toBeCloseTo(1, 5);
			expect(cosine(ea, eb)).toBeGreaterThan(cosine(ea, ec));
		} finally {
			await faceres.dispose();
		}
	});

	it('refuses an unknown embedder id', async () => {
		await expect(engineFor('nope')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
	});
});
