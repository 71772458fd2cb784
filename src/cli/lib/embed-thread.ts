import { parentPort, workerData } from 'node:worker_threads';
import { createServerEngine } from '../../lib/server/node-engine';
import { serveThreadJobs } from '../../lib/server/thread-jobs';
import { embedPhoto } from './embedding-cache';

/** One engine of embed-threads.ts: photos in (paths), cache entries out. */

const port = parentPort;
if (!port) throw new Error('embed-thread must run as a worker thread');
const { embedder, chipSize } = workerData as { embedder: string; chipSize: number };
// The whole pair on this thread: no mirror thread of its own (the other threads have the other cores).
const engine = createServerEngine({ embedder, flipWorker: false });
serveThreadJobs(port, engine, async (ready, { file }: { file: string }) => ({
	result: await embedPhoto(ready, file, chipSize)
}));
