import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type * as tfTypes from '@tensorflow/tfjs-core';
import { createDlibResnet } from '../core/embedders/dlib-resnet';
import type { RawWeights } from '../core/embedders/types';
import type { PixelImage } from '../core/types';
import { serveThreadJobs } from './thread-jobs';

/**
 * The second thread of the flip-averaged embedder: its own tfjs WASM instance and its own copy of the
 * dlib ResNet, describing the mirrored chip while the main thread describes the plain one.
 * Started by mirror-worker.ts; bundled to build/mirror-worker.js for production (scripts/build-worker.js).
 */

interface Start {
	weights: RawWeights;
	wasmDir: string;
}

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core') as typeof tfTypes;
const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(path: string): void };

async function start({ weights, wasmDir }: Start) {
	wasm.setWasmPaths(wasmDir);
	if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not start in the mirror worker');
	return createDlibResnet(tf, weights);
}

const port = parentPort;
if (!port) throw new Error('mirror-worker-thread must run as a worker thread');
serveThreadJobs(port, start(workerData as Start), async (net, { chip }: { chip: PixelImage }) => {
	const descriptor = await net.describeChip(chip);
	return { result: descriptor, transfer: [descriptor.buffer as ArrayBuffer] };
});
