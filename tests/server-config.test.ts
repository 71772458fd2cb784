import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCoreError } from '../src/lib/core/errors';
import { readConfig } from '../src/lib/server/config';
import { errorResponse } from '../src/lib/server/http';
import { createServices } from '../src/lib/server/services';
import { POST as challenge } from '../src/routes/(api)/liveness/challenge/+server';
import { REPO_ROOT } from './helpers/faces';
import { freePort } from './helpers/server';

// A bad environment variable is the operator's mistake, never the client's: CONFIG_INVALID (500, the details
// only in the log) where it reaches a request, and exit 78 (EX_CONFIG) with the reason when the server starts.

const BAD_SETTINGS: Record<string, string>[] = [
	{ MAX_CONTENT_MB: 'lots' },
	{ VERIFY_THRESHOLD: '2' },
	{ DATABASE_URL: 'mysql://db' },
	{ PUBLIC_SCOPES: 'manage' },
	{ LOGIN_LIVENESS: 'maybe' },
	{ LIVENESS_ACTIONS: 'blink' }
];

function thrownBy(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('nothing was thrown');
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('configuration errors', () => {
	it.each(BAD_SETTINGS)('%o is CONFIG_INVALID, naming the variable', (env) => {
		const error = thrownBy(() => readConfig(env));
		expect(isCoreError(error) && error.code).toBe('CONFIG_INVALID');
		expect((error as Error).message).toContain(Object.keys(env)[0]);
	});

	it('answers 500 CONFIG_INVALID without the details, which go to the log', async () => {
		const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const response = errorResponse(thrownBy(() => readConfig({ DATABASE_URL: 'mysql://secret-host/db' })));
		expect(response.status).toBe(500);
		const body = await response.json();
		expect(body.error.code).toBe('CONFIG_INVALID');
		expect(JSON.stringify(body)).not.toMatch(/DATABASE_URL|secret-host/);
		expect(logged.mock.calls.flat().join(' ')).toMatch(/DATABASE_URL must be a postgres/);
	});

	it('a bad setting never reaches a route: it stops the services from being built (500 CONFIG_INVALID, not 400)', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'me-verifier-config-')), 'db.sqlite');
		const env = { ...process.env, DB_PATH: dbPath, TRUSTED_PROXIES: '' };
		const error = thrownBy(() => readConfig({ ...env, LIVENESS_STEP_MS: 'fast' }));
		expect(isCoreError(error) && error.code).toBe('CONFIG_INVALID');
		const response = errorResponse(error);
		expect(response.status).toBe(500);
		expect((await response.json()).error.code).toBe('CONFIG_INVALID');
		// The same route with the services of a good configuration answers.
		const services = await createServices(readConfig(env));
		try {
			const request = new Request('http://localhost/liveness/challenge', { method: 'POST' });
			const event = { request, getClientAddress: () => '127.0.0.1', locals: { services } };
			expect((await challenge(event as never)).status).toBe(200);
		} finally {
			await services.close();
		}
	});

	it('the server refuses to start with exit code 78 and says which variable is wrong', async () => {
		const child = spawn(process.execPath, ['scripts/serve.js'], {
			cwd: REPO_ROOT,
			env: { ...process.env, PORT: String(await freePort()), WORKERS: '1', LOGIN_LIVENESS: 'maybe' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let log = '';
		child.stdout.on('data', (chunk) => (log += chunk));
		child.stderr.on('data', (chunk) => (log += chunk));
		const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
		expect(code).toBe(78);
		expect(log).toMatch(/cannot start: LOGIN_LIVENESS must be one of required, optional, off, not 'maybe'/);
		expect(log).not.toMatch(/BAD_REQUEST/);
	});
});
