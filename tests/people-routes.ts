import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_SCOPES, createApiKey } from '../src/lib/server/auth/api-keys';
import { readConfig } from '../src/lib/server/config';
import { createServices, type Services } from '../src/lib/server/services';
import { facePath } from './helpers/faces';

/** Shared by the people and login tests: route handlers called in-process with real photo bytes. */

type Handler = (event: never) => Promise<Response> | Response;

/** Response bodies are read loosely in tests; the OpenAPI test checks their declared shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type JsonBody = Record<string, any>;

export interface CallOptions {
	params?: Record<string, string>;
	headers?: Record<string, string>;
	client?: string;
	method?: string;
	/** Send no API key (by default calls carry the test operator's key, with every scope). */
	anonymous?: boolean;
	/** The services the handler runs with (default: the current isolated state's). */
	services?: Services | Promise<Services>;
}

/** The operator key of the current isolated state; `call` sends it unless told not to. */
let operatorKey: Promise<string> | null = null;
/** The services of the current isolated state, handed to handlers as `event.locals.services`. */
let currentServices: Promise<Services> | null = null;

export async function call(
	handler: Handler,
	body: FormData | Record<string, unknown> | null,
	options: CallOptions = {}
): Promise<{ status: number; headers: Headers; json: JsonBody }> {
	const headers = new Headers(options.headers);
	if (operatorKey && !options.anonymous && !headers.has('authorization'))
		headers.set('x-api-key', await operatorKey);
	let payload: BodyInit | undefined;
	if (body instanceof FormData) payload = body;
	else if (body) {
		payload = JSON.stringify(body);
		headers.set('content-type', 'application/json');
	}
	const request = new Request('http://localhost/test', {
		method: options.method ?? 'POST',
		body: payload,
		headers
	});
	const services = await (options.services ?? currentServices);
	const event = {
		request,
		params: options.params ?? {},
		getClientAddress: () => options.client ?? '127.0.0.1',
		locals: { services }
	};
	const response = await handler(event as never);
	return { status: response.status, headers: response.headers, json: await response.json() };
}

export function photo(relative: string): Blob {
	return new Blob([new Uint8Array(readFileSync(facePath(relative)))]);
}

/** A multipart form: strings as fields, photo paths (relative to the face set) as files. */
export function form(fields: Record<string, string>, files: Record<string, string[]> = {}): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(fields)) data.append(key, value);
	for (const [key, list] of Object.entries(files)) {
		for (const file of list) data.append(key, photo(file), path.basename(file));
	}
	return data;
}

/**
 * A fresh database file and services for one test file, configured by the environment plus `env` (the
 * environment itself is left alone); `call` runs handlers with them. `restart()` builds new services from
 * the environment as it is then (closing the old ones), as a process restart would: everything the server
 * keeps in memory is new, the engines (the process's registry) excepted.
 */
export function isolatedServerState(env: Record<string, string> = {}) {
	const dir = mkdtempSync(path.join(tmpdir(), 'me-verifier-people-'));
	const dbPath = path.join(dir, 'people.db');
	let services: Promise<Services>;
	const start = () => {
		services = createServices(readConfig({ ...process.env, DB_PATH: dbPath, NODE_ENV: 'test', ...env }));
		currentServices = services;
	};
	const stop = () => {
		const old = services;
		void old.then((s) => s.close()).catch(() => undefined);
	};
	start();
	operatorKey = services!
		.then((ready) => createApiKey(ready.store, 'test operator', API_SCOPES))
		.then((created) => created.key);
	return {
		dbPath,
		operatorKey,
		/** The services handlers run with now. */
		services: () => services,
		restart() {
			stop();
			start();
		},
		cleanup() {
			operatorKey = null;
			if (currentServices === services) currentServices = null;
			stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
