#!/usr/bin/env node
// Copies the face models and the tfjs WASM binaries the browser app serves itself into static/.
// They come from node_modules (never downloaded), so the app works offline and never calls a CDN.
// static/models/ and static/wasm/ are gitignored: run this after `npm ci` (npm run build/dev do).
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const assets = [
	...['blazeface', 'facemesh', 'faceres'].flatMap((m) => [
		asset(humanModels, `${m}.json`, 'models/human'),
		asset(humanModels, `${m}.bin`, 'models/human')
	]),
	asset(faceApiModels, 'face_recognition_model-weights_manifest.json', 'models/face-api'),
	asset(faceApiModels, 'face_recognition_model.bin', 'models/face-api'),
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

console.log(
	`copy-assets: ${assets.length + 1} files (${(bytes / 1e6).toFixed(1)} MB) in static/, ${copied} copied now`
);
