import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './faces';

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

export interface RunningServer {
	base: string;
	child: ChildProcess;
	output: () => string;
	stop: () => Promise<void>;
	/** The admin API key the server printed on its first start (every scope); absent if the database had keys. */
	apiKey?: string;
	dbPath: string;
}

/** The key the server prints alone on a line on first start. */
export function printedKey(log: string): string | undefined {
	return /^(mvk_[A-Za-z0-9_-]{43})$/m.exec(log)?.[1];
}

/**
 * Starts the production build (`npm start` = scripts/serve.js) on a free port and waits until it answers.
 * Without DB_PATH it gets a fresh database (and secrets file) in a temporary folder.
 */
export async function startBuiltServer(
	env: Record<string, string>,
	/** A folder shaped like the repo (scripts/serve.js, build/, node_modules/): another build's copy. */
	root = REPO_ROOT
): Promise<RunningServer> {
	if (!existsSync(path.join(root, 'build/index.js'))) {
		throw new Error('No production build: run `npm run build` (npm test does it first).');
	}
	const port = await freePort();
	const dbPath =
		env.DB_PATH ?? path.join(mkdtempSync(path.join(tmpdir(), 'me-verifier-server-')), 'server.db');
	let log = '';
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		cwd: root,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WORKERS: '1', ...env, DB_PATH: dbPath },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (chunk) => (log += chunk));
	child.stderr!.on('data', (chunk) => (log += chunk));
	const base = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		await exited;
	};
	for (let i = 0; i < 300; i++) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`);
		const up = await fetch(`${base}/healthz`).then(
			(r) => r.status === 200 || r.status === 503,
			() => false
		);
		if (up) {
			const body = await (await fetch(`${base}/healthz`)).json();
			if (body.status === 'ok' || !/loading/.test(body.reason ?? ''))
				return { base, child, output: () => log, stop, apiKey: printedKey(log), dbPath };
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	await stop();
	throw new Error(`server did not come up:\n${log}`);
}
