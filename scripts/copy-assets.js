#!/usr/bin/env node
// Copies the face models and the tfjs WASM binaries the browser app serves itself into static/.
// They come from node_modules (never downloaded), so the app works offline and never calls a CDN.
// static/models/ and static/wasm/ are gitignored: run this after `npm ci` (npm run build/dev do).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toFloat16 } from '../src/lib/core/embedders/float16.ts';
import { THREAD_SCRIPTS } from './tfjs-wasm-threads.js';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Some packages' `exports` maps hide package.json: walk up from the entry point instead.
 * @param {string} name
 */
function packageDir(name) {
	let dir = path.dirname(require.resolve(name));
	while (dir !== path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) return dir;
		dir = path.dirname(dir);
	}
	throw new Error(`copy-assets: cannot find the ${name} package`);
}

const humanModels = path.join(packageDir('@vladmandic/human'), 'models');
const faceApiModels = path.join(packageDir('@vladmandic/face-api'), 'model');
const wasmPackage = packageDir('@tensorflow/tfjs-backend-wasm');
const wasmDist = path.join(wasmPackage, 'dist');
const wasmOut = path.join(wasmPackage, 'wasm-out');

/**
 * @param {string} dir source folder
 * @param {string} file
 * @param {string} target folder under static/
 */
const asset = (dir, file, target) => ({ dir, file, target });

/** Where the browser fetches the float16 weights (src/lib/browser/asset-paths.ts). */
const FLOAT16_WEIGHTS = {
	manifest: 'face_recognition_model-f16-weights_manifest.json',
	data: 'face_recognition_model-f16.bin'
};

const assets = [
	...['blazeface', 'facemesh', 'faceres'].flatMap((m) => [
		asset(humanModels, `${m}.json`, 'models/human'),
		asset(humanModels, `${m}.bin`, 'models/human')
	]),
	// tfjs picks one by what the page allows: threaded SIMD when cross-origin isolated (the app's default),
	// SIMD alone otherwise, the plain binary where there is no SIMD.
	asset(wasmDist, 'tfjs-backend-wasm-threaded-simd.wasm', 'wasm'),
	// The threads' main script, unminified (see scripts/tfjs-wasm-threads.js); their worker is written below.
	asset(wasmOut, THREAD_SCRIPTS.main, 'wasm'),
	asset(wasmDist, 'tfjs-backend-wasm.wasm', 'wasm'),
	asset(wasmDist, 'tfjs-backend-wasm-simd.wasm', 'wasm')
];

let copied = 0;
let bytes = 0;
for (const { dir, file, target } of assets) {
	const from = path.join(dir, file);
	const toDir = path.join(root, 'static', target);
	const to = path.join(toDir, file);
	if (!existsSync(from)) {
		console.error(`copy-assets: missing ${from} (run npm ci)`);
		process.exit(1);
	}
	const size = statSync(from).size;
	bytes += size;
	if (existsSync(to) && statSync(to).size === size) continue;
	mkdirSync(toDir, { recursive: true });
	copyFileSync(from, to);
	copied++;
}

// The threads' worker: tfjs ships it as a string (module.exports.wasmWorkerContents) that it turns into a blob:
// URL, which the CSP refuses; the same text, escaped as tfjs does, as a file of ours.
{
	/** @type {{ wasmWorkerContents: string }} */
	const { wasmWorkerContents } = require(path.join(wasmOut, THREAD_SCRIPTS.worker));
	const text = wasmWorkerContents.replace(/\n/g, '\\n');
	const to = path.join(root, 'static', 'wasm', THREAD_SCRIPTS.worker);
	bytes += Buffer.byteLength(text);
	if (!existsSync(to) || readFileSync(to, 'utf8') !== text) {
		writeFileSync(to, text);
		copied++;
	}
}

// The dlib ResNet's weights with their float32 tensors (1.1 MB; the package stores the rest as uint8 already)
// rounded to float16: 5.9 MB instead of 6.4, 3.4 MB once compressed (scripts/compress-weights.js). The rounding is the
// core's (src/lib/core/embedders/float16.ts, loaded as TypeScript by Node), which the server applies to the same
// npm file in memory: both compute with the same weights (tests/weights-float16.test.ts checks this file).
{
	const dir = path.join(root, 'static', 'models', 'face-api');
	/** @type {import('@tensorflow/tfjs-core').io.WeightsManifestConfig} */
	const manifest = JSON.parse(
		readFileSync(path.join(faceApiModels, 'face_recognition_model-weights_manifest.json'), 'utf8')
	);
	const shards = manifest.flatMap((group) =>
		group.paths.map((p) => readFileSync(path.join(faceApiModels, p)))
	);
	const float32 = Buffer.concat(shards);
	const half = toFloat16({
		specs: manifest.flatMap((group) => group.weights),
		data: float32.buffer.slice(float32.byteOffset, float32.byteOffset + float32.byteLength)
	});
	const files = {
		[FLOAT16_WEIGHTS.data]: Buffer.from(half.data),
		[FLOAT16_WEIGHTS.manifest]: Buffer.from(
			JSON.stringify([{ paths: [FLOAT16_WEIGHTS.data], weights: half.specs }])
		)
	};
	mkdirSync(dir, { recursive: true });
	for (const [file, content] of Object.entries(files)) {
		const to = path.join(dir, file);
		bytes += content.length;
		if (existsSync(to) && readFileSync(to).equals(content)) continue;
		writeFileSync(to, content);
		copied++;
	}
	// The float32 copy earlier versions served: nothing loads it any more.
	for (const old of ['face_recognition_model.bin', 'face_recognition_model-weights_manifest.json'])
		rmSync(path.join(dir, old), { force: true });
}

console.log(
	`copy-assets: ${assets.length + 3} files (${(bytes / 1e6).toFixed(1)} MB) in static/, ${copied} copied now`
);
