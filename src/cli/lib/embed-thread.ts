import { parentPort, workerData } from 'node:worker_threads';
import { createServerEngine } from '../../lib/server/node-engine';
import { embedPhoto } from './embedding-cache';

/** One engine of embed-threads.ts: photos in (paths), cache entries out. */

const port = parentPort;
if (!port) throw new Error('embed-thread must run as a worker thread');
const { embedder, chipSize } = workerData as { embedder: string; chipSize: number };
// The whole pair on this thread: no mirror thread of its own (the other threads have the other cores).
const engine = createServerEngine({ embedder, flipWorker: false });
engine.then(
	() => port.postMessage({ ready: true }),
	(error: Error) => port.postMessage({ ready: false, error: error.message })
);
port.on('message', async ({ id, file }: { id: number; file: string }) => {
	try {
		port.postMessage({ id, result: await embedPhoto(await engine, file, chipSize) });
	} catch (error) {
		port.postMessage({ id, error: (error as Error).message });
	}
});
