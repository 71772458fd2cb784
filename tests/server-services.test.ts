import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/lib/server/config';
import { createServices, type Services } from '../src/lib/server/services';
import { POST as createUser } from '../src/routes/(login)/registro-datos/+server';
import { call } from './people-routes';

// The composition root (src/lib/server/services.ts): everything a request uses comes from the services on
// event.locals, so two servers configured differently live side by side in one process.

const dir = mkdtempSync(path.join(tmpdir(), 'me-verifier-services-'));
let a: Services;
let b: Services;

function servicesFor(name: string, env: Record<string, string>): Promise<Services> {
	return createServices(
		readConfig({ ...process.env, DB_PATH: path.join(dir, name, 'db.sqlite'), NODE_ENV: 'test', ...env })
	);
}

beforeAll(async () => {
	a = await servicesFor('a', { SIGNUP_MAX_PER_HOUR: '5', JWT_TTL: '600' });
	b = await servicesFor('b', { SIGNUP_MAX_PER_HOUR: '1', JWT_TTL: '60' });
});

afterAll(async () => {
	await a?.close();
	await b?.close();
	rmSync(dir, { recursive: true, force: true });
});

const signUp = (services: Services, correo: string) =>
	call(createUser, { nombre: 'Ana', correo }, { services, anonymous: true, client: '10.1.1.1' });

describe('two differently configured servers in one process', () => {
	it('each answers with its own settings, limits and database', async () => {
		expect(a.config.signupMaxPerHour).toBe(5);
		expect(b.config.signupMaxPerHour).toBe(1);
		expect(a.tokens.ttlSeconds).toBe(600);
		expect(b.tokens.ttlSeconds).toBe(60);

		const onB = await signUp(b, 'ana@b.example');
		expect(onB.status).toBe(201);
		// B allows one sign-up per client per hour; A, with its own limit and its own attempts, still takes more.
		const limited = await signUp(b, 'ana2@b.example');
		expect(limited.status).toBe(429);
		expect(limited.json.error.code).toBe('RATE_LIMITED');
		const onA = await signUp(a, 'ana@a.example');
		expect(onA.status).toBe(201);
		expect((await signUp(a, 'ana2@a.example')).status).toBe(201);

		// Each user is in her own server's database only.
		expect((await a.store.users.get(onA.json.id))?.email).toBe('ana@a.example');
		expect(await b.store.users.get(onA.json.id)).toBeNull();
		expect((await b.store.users.get(onB.json.id))?.email).toBe('ana@b.example');
		expect(await a.store.users.get(onB.json.id)).toBeNull();
	});

	it('a handler without services on event.locals answers 500 INTERNAL, never with another server', async () => {
		const request = new Request('http://localhost/registro-datos', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ nombre: 'Ana', correo: 'ana@x.example' })
		});
		const response = await createUser({ request, getClientAddress: () => '10.1.1.2', locals: {} } as never);
		expect(response.status).toBe(500);
		expect((await response.json()).error.code).toBe('INTERNAL');
	});
});
