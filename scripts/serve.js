// Production start: several Node processes behind one port (node:cluster), so both cores serve requests.
// Each worker loads its own face engine (~160 MB): the WASM backend is single-threaded per process.
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { config as loadDotenv } from 'dotenv';

loadDotenv({ quiet: true });
const entry = path.resolve('build/index.js');
if (!existsSync(entry)) {
	console.error('No build found. Run `npm run build` first (or `npm run up` to install, build and start).');
	process.exit(1);
}
// adapter-node refuses bodies above BODY_SIZE_LIMIT before our handlers see them; keep it above the
// per-image limit so that oversize uploads get our JSON 413 instead.
process.env.BODY_SIZE_LIMIT ??= String(Math.round(Number(process.env.MAX_CONTENT_MB ?? 2) * 16 * 1048576));
process.env.PORT ??= '3000';

// Workers exit with this code when the configuration is unusable (see src/hooks.server.ts).
const EXIT_CONFIG = 78;
const workers = Math.max(1, Number(process.env.WORKERS ?? Math.min(os.availableParallelism(), 4)));

if (cluster.isPrimary && workers > 1) {
	console.log(`[me-verifier] starting ${workers} workers on port ${process.env.PORT}`);
	// Node's SQLite is still flagged experimental; its one-line warning per worker is noise here.
	cluster.setupPrimary({ execArgv: [...process.execArgv, '--disable-warning=ExperimentalWarning'] });
	for (let i = 0; i < workers; i++) cluster.fork();
	cluster.on('exit', (worker, code, signal) => {
		if (signal === 'SIGTERM' || signal === 'SIGINT') return;
		if (code === EXIT_CONFIG) {
			// A configuration error (e.g. no JWT_SECRET in production) would only repeat in a new worker.
			console.error('[me-verifier] stopping: fix the configuration above and start again');
			process.exit(EXIT_CONFIG);
		}
		console.error(`[me-verifier] worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
		cluster.fork();
	});
	const stop = () => {
		for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
} else {
	await import(pathToFileURL(entry).href);
}
