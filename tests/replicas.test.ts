import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from './people-routes';
import { REPO_ROOT } from './helpers/faces';
import { freshPostgresDatabase, type TestDatabase } from './helpers/postgres';
import { startBuiltServer, type RunningServer } from './helpers/server';

// Issue 11: two server processes (replicas A and B, each on its own port, as two machines would be) on one
// PostgreSQL. Each keeps its galleries in memory; LISTEN/NOTIFY keeps them current. Real models, real photos,
// the production build, over HTTP.

const WITHIN_MS = 1000;
let database: TestDatabase;
let a: RunningServer;
let b: RunningServer;
let key: string;
let sharedEnv: Record<string, string>;

function form(fields: Record<string, string>, files: Record<string, string[]> = {}): FormData {
	const data = new FormData();
	for (const [k, v] of Object.entries(fields)) data.append(k, v);
	for (const [k, list] of Object.entries(files))
		for (const f of list) data.append(k, photo(f), path.basename(f));
	return data;
}

async function post(
	server: RunningServer,
	route: string,
	body: FormData,
	headers: Record<string, string> = {}
) {
	const response = await fetch(`${server.base}${route}`, { method: 'POST', body, headers });
	return { status: response.status, json: await response.json() };
}

/** Names a replica gives the faces of one photo. */
async function namesOn(server: RunningServer, file: string) {
	const { json } = await post(server, '/process_frame', form({}, { image: [file] }), { 'x-api-key': key });
	return (json.recognized_faces as { name: string }[]).map((f) => f.name);
}

beforeAll(async () => {
	database = await freshPostgresDatabase();
	const shared = (sharedEnv = {
		DATABASE_URL: database.url,
		JWT_SECRET: randomBytes(48).toString('base64'),
		TEMPLATE_KEY: randomBytes(32).toString('base64'),
		LOGIN_MAX_ATTEMPTS: '3',
		LOGIN_WINDOW_SECONDS: '600',
		LOGIN_LIVENESS: 'optional',
		MODEL_PATH: '/nonexistent/model.json'
	});
	// Each replica has its own disk (DB_PATH and the secrets file are not shared); only PostgreSQL is.
	const own = () => ({
		DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'me-verifier-replica-')), 'unused.db')
	});
	a = await startBuiltServer({ ...shared, ...own() });
	b = await startBuiltServer({ ...shared, ...own() });
	key = a.apiKey!;
	expect(key).toMatch(/^mvk_/);
	expect(b.apiKey).toBeUndefined(); // one first key for the whole deployment, made by whichever started first
}, 240_000);

afterAll(async () => {
	await Promise.all([a?.stop(), b?.stop()]);
	await database?.drop();
});

describe('two replicas on one PostgreSQL', () => {
	it('a person registered on A is recognised on B, and unknown on B once deleted on A', async () => {
		expect(await namesOn(b, 'amy/amy5.png')).toEqual([]);
		const registered = await post(
			a,
			'/register',
			form({ name: 'Amy' }, { images: ['amy/amy1.png', 'amy/amy2.png', 'amy/amy3.png'] }),
			{ 'x-api-key': key }
		);
		expect(registered.status).toBe(201);
		const addedAt = Date.now();
		// B reads its gallery after the face work (~0.3 s); the notification has long arrived by then.
		expect(await namesOn(b, 'amy/amy5.png')).toEqual(['Amy']);
		console.info(
			`[replicas] registered on A -> recognised on B after ${Date.now() - addedAt} ms (one request)`
		);
		expect(Date.now() - addedAt).toBeLessThan(WITHIN_MS + 1500); // one /process_frame on a shared 2-core machine

		const gone = await fetch(`${a.base}/people/${registered.json.person_id}`, {
			method: 'DELETE',
			headers: { 'x-api-key': key }
		});
		expect(gone.status).toBe(200);
		const deletedAt = Date.now();
		expect(await namesOn(b, 'amy/amy5.png')).toEqual([]);
		console.info(`[replicas] deleted on A -> unknown on B after ${Date.now() - deletedAt} ms (one request)`);
	});

	it('a face-login user enrolled on A logs in on B; a token revoked on A fails on B', async () => {
		const user = await post(a, '/registro-datos', form({ nombre: 'Amy', correo: 'amy@example.com' }));
		expect(user.status).toBe(201);
		const enrolled = await post(
			a,
			`/registro-imagenes/${user.json.id}`,
			form({}, { images: ['amy/amy1.png', 'amy/amy2.png', 'amy/amy3.png'] }),
			{ authorization: `Bearer ${user.json.enrolment_token}` }
		);
		expect(enrolled.status).toBe(200);
		const login = await post(b, '/autenticacion', form({}, { image: ['amy/amy5.png'] }));
		expect(login.status).toBe(200);
		const auth = { authorization: `Bearer ${login.json.token}`, 'content-type': 'application/json' };
		const profile = (server: RunningServer) =>
			fetch(`${server.base}/actualizar-perfil`, {
				method: 'PUT',
				headers: auth,
				body: '{"nombre":"Amy F."}'
			});
		expect((await profile(a)).status).toBe(200);
		expect((await profile(b)).status).toBe(200);
		expect((await post(a, '/logout', new FormData(), { authorization: auth.authorization })).status).toBe(
			200
		);
		expect((await profile(b)).status).toBe(401);
	});

	it('login attempts counted on A count on B', async () => {
		// Limited per API key when one is sent: this bucket is fresh (3 attempts per window).
		const attempt = (server: RunningServer) =>
			post(server, '/autenticacion', form({}, { image: ['unknown/happy.jpg'] }), { 'x-api-key': key });
		expect((await attempt(a)).status).toBe(401);
		expect((await attempt(a)).status).toBe(401);
		expect((await attempt(b)).status).toBe(401);
		const blocked = await attempt(b);
		expect(blocked.status).toBe(429);
		expect(blocked.json.error.code).toBe('RATE_LIMITED');
		expect((await attempt(a)).status).toBe(429);
	});

	it('an API key made and revoked by `npm run keys` against the database works, then fails, on both', async () => {
		const keys = (...args: string[]) =>
			execFileSync(process.execPath, ['--import', 'tsx', 'scripts/keys.ts', ...args], {
				cwd: REPO_ROOT,
				env: { ...process.env, ...sharedEnv },
				encoding: 'utf8'
			});
		const temp = keys('create', '--name', 'temp', '--scopes', 'manage').trim().split('\n').pop()!;
		const list = (server: RunningServer) =>
			fetch(`${server.base}/people`, { headers: { 'x-api-key': temp } });
		expect((await list(a)).status).toBe(200);
		expect((await list(b)).status).toBe(200);
		expect(keys('revoke', 'temp')).toMatch(/revoked 1 key/);
		expect((await list(a)).status).toBe(401);
		expect((await list(b)).status).toBe(401);
	});
});
