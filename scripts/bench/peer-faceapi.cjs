// The peer: the same photo through @vladmandic/face-api as shipped (SSD MobileNet v1 + 68 landmarks +
// 128-D descriptor) on the same tfjs WASM backend. Runs in its own process; prints one JSON line.
const fs = require('node:fs');
const path = require('node:path');
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const sharp = require('sharp');

async function main() {
	const [file, iterations] = [process.argv[2], Number(process.argv[3] ?? 30)];
	wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
	await tf.setBackend('wasm');
	await tf.ready();
	const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api')), '..', 'model');
	await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
	await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
	await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
	const samples = [];
	let found = 0;
	for (let i = 0; i < iterations + 3; i++) {
		const start = performance.now();
		const { data, info } = await sharp(fs.readFileSync(file))
			.rotate()
			.removeAlpha()
			.raw()
			.toBuffer({ resolveWithObject: true });
		const tensor = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
		// @ts-expect-error face-api bundles its own copy of the tfjs Tensor type
		const result = await faceapi.detectSingleFace(tensor).withFaceLandmarks().withFaceDescriptor();
		tensor.dispose();
		const ms = performance.now() - start;
		if (i >= 3) samples.push(ms);
		if (result) found++;
	}
	console.log(JSON.stringify({ samples, found, backend: tf.getBackend() }));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
