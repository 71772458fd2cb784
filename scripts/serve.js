// Production start: several Node processes behind one port (node:cluster), so both cores serve requests.
// Each worker loads its own face engine (~160 MB): the WASM backend is single-threaded per process.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Checked before anything else loads: on an older Node the server dies with "No such built-in module: node:sqlite".
const NEEDED = [22, 17];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
	console.error(
		`me-verifier needs Node >= ${NEEDED.join('.')} (node:sqlite, SvelteKit 3); this is Node ${process.versions.node}.\n` +
			'Start it with `npm start`, which uses the Node 22 that `npm ci` installed, or install Node 22.'
	);
	process.exit(1);
}

const { config: loadDotenv } = await import('dotenv');
loadDotenv({ quiet: true });
// `npm start` is production unless told otherwise: weak secrets refused, no development shortcuts.
process.env.NODE_ENV ??= 'production';
const entry = path.resolve('build/index.js');
if (!existsSync(entry)) {
	console.error('No build found. Run `npm run build` first (or `npm run up` to install, build and start).');
	process.exit(1);
}
// No outer body limit: every route counts its own body while it streams and answers a JSON 413 at its limit
// (src/lib/server/api: the limits come from the configuration, read in one place). adapter-node's limit would
// have to repeat that configuration here, and a lower one answers plain-text 413s.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';
process.env.PORT ??= '3000';
// In-flight requests get this long to finish when the server is stopped (adapter-node drains them).
process.env.SHUTDOWN_TIMEOUT ??= '20';

// Workers exit with this code when the configuration is unusable (see src/hooks.server.ts).
const EXIT_CONFIG = 78;
const workers = Math.max(1, Number(process.env.WORKERS ?? Math.min(os.availableParallelism(), 4)));

if (cluster.isPrimary) {
	console.log(
		`[me-verifier] starting ${workers} worker(s) on port ${process.env.PORT} (${process.env.NODE_ENV})`
	);
	// Node's SQLite is still flagged experimental; its one-line warning per worker is noise here.
	cluster.setupPrimary({ execArgv: [...process.execArgv, '--disable-warning=ExperimentalWarning'] });
	for (let i = 0; i < workers; i++) cluster.fork();
	let stopping = false;
	cluster.on('exit', (worker, code, signal) => {
		if (stopping) {
			if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
			return;
		}
		if (code === EXIT_CONFIG) {
			// A configuration error (e.g. a weak JWT_SECRET in production) would only repeat in a new worker.
			console.error('[me-verifier] stopping: fix the configuration above and start again');
			stopping = true;
			for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
			process.exitCode = EXIT_CONFIG;
			if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(EXIT_CONFIG);
			return;
		}
		// Whatever killed it (a crash, the OOM killer, a stray SIGTERM), the cluster keeps its size.
		console.error(`[me-verifier] worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
		cluster.fork();
	});
	// Graceful stop: workers stop accepting, finish in-flight requests (SHUTDOWN_TIMEOUT), then exit.
	const stop = () => {
		if (stopping) return;
		stopping = true;
		for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
		if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
		setTimeout(() => process.exit(0), (Number(process.env.SHUTDOWN_TIMEOUT) + 5) * 1000).unref();
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
} else {
	await import(pathToFileURL(entry).href);
}
