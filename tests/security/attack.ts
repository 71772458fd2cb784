import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { facePath, REPO_ROOT } from '../helpers/faces';
import { startBuiltServer, type RunningServer } from '../helpers/server';

/** Helpers for the security suite: an attacker (or an operator) talking HTTP to the production build. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read loosely; the OpenAPI test checks shapes
export type Body = Record<string, any>;

export interface Answer {
	status: number;
	headers: Headers;
	json: Body;
	ms: number;
}

/** The production build as `npm start` runs it, with a strong random JWT secret and one worker. */
export function startProduction(env: Record<string, string> = {}): Promise<RunningServer> {
	return startBuiltServer({
		NODE_ENV: 'production',
		JWT_SECRET: randomBytes(48).toString('base64'),
		MODEL_PATH: path.join(REPO_ROOT, 'no-model-here.json'),
		// These attacks log in with one photo; tests/liveness-server.test.ts attacks the default (required).
		LOGIN_LIVENESS: 'optional',
		...env
	});
}

/** A multipart form: strings as fields, photo paths (relative to the face set) as files. */
export function photos(fields: Record<string, string>, files: Record<string, string[]> = {}): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(fields)) data.append(key, value);
	for (const [key, list] of Object.entries(files)) {
		for (const file of list) {
			data.append(key, new Blob([new Uint8Array(readFileSync(facePath(file)))]), path.basename(file));
		}
	}
	return data;
}

export interface SendOptions {
	method?: string;
	body?: FormData | Record<string, unknown>;
	key?: string;
	bearer?: string;
	headers?: Record<string, string>;
}

export async function send(server: RunningServer, route: string, options: SendOptions = {}): Promise<Answer> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.key) headers['x-api-key'] = options.key;
	if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
	let body: BodyInit | undefined;
	if (options.body instanceof FormData) body = options.body;
	else if (options.body) {
		body = JSON.stringify(options.body);
		headers['content-type'] = 'application/json';
	}
	const started = performance.now();
	const response = await fetch(server.base + route, { method: options.method ?? 'POST', headers, body });
	const text = await response.text();
	const ms = performance.now() - started;
	let json: Body;
	try {
		json = JSON.parse(text);
	} catch {
		json = { text };
	}
	return { status: response.status, headers: response.headers, json, ms };
}

/** `npm run keys -- …` against the server's database; returns the output lines. */
export function keysCommand(dbPath: string, args: string[]): Promise<{ code: number; lines: string[] }> {
	return new Promise((resolve) => {
		const child = spawn('npm', ['run', '--silent', 'keys', '--', ...args], {
			cwd: REPO_ROOT,
			env: { ...process.env, DB_PATH: dbPath },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		child.stderr.on('data', (c) => (out += c));
		child.on('exit', (code) =>
			resolve({
				code: code ?? -1,
				lines: out
					.trim()
					.split('\n')
					.filter((l) => !/ExperimentalWarning|--trace-warnings/.test(l))
			})
		);
	});
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
