import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/lib/server/auth/tokens';
import { readConfig } from '../src/lib/server/config';
import { createServices } from '../src/lib/server/services';
import { PUT as updateProfile } from '../src/routes/(login)/actualizar-perfil/+server';
import { POST as login } from '../src/routes/(login)/autenticacion/+server';
import { POST as createUser } from '../src/routes/(login)/registro-datos/+server';
import { POST as enrolFaces } from '../src/routes/(login)/registro-imagenes/[id]/+server';
import { call, form, isolatedServerState } from './people-routes';

// Seed 003's face login end to end, in-process: register, enrol, log in (JWT), protected route, attacks.

const SECRET = 'login-flow-test-secret-0123456789abcdef';
const MAX_FAILURES = 3;
let state: ReturnType<typeof isolatedServerState>;
let amyId: number;
let pennyId: number;

beforeAll(() => {
	state = isolatedServerState({
		JWT_SECRET: SECRET,
		JWT_TTL: '600',
		LOGIN_MAX_FAILURES: String(MAX_FAILURES),
		LOGIN_WINDOW_SECONDS: '120',
		// The seed's single-photo login; the liveness default is tested in tests/liveness-server.test.ts.
		LOGIN_LIVENESS: 'optional'
	});
});

afterAll(() => state?.cleanup());

function loginPhoto(file: string, client: string) {
	return call(login, form({}, { image: [file] }), { client, anonymous: true });
}

/** Enrolment tokens handed out by POST /registro-datos, by user id. */
const enrolmentTokens = new Map<number, string>();

function enrol(id: number, files: Record<string, string[]>) {
	return call(enrolFaces, form({}, files), {
		params: { id: String(id) },
		headers: { authorization: `Bearer ${enrolmentTokens.get(id)}` }
	});
}

function putProfile(authorization: string | null, body: Record<string, string>) {
	const headers: Record<string, string> = authorization ? { authorization } : {};
	return call(updateProfile, body, { method: 'PUT', headers });
}

describe('registration', () => {
	it('POST /registro-datos creates users from a form or JSON; e-mails are unique', async () => {
		const amy = await call(createUser, form({ nombre: 'Amy Farrah Fowler', correo: 'amy@example.com' }));
		expect(amy.status).toBe(201);
		expect(amy.json).toEqual({
			id: expect.any(Number),
			nombre: 'Amy Farrah Fowler',
			correo: 'amy@example.com',
			enrolment_token: expect.stringMatching(/^enr_/),
			enrolment_expires_in: 900
		});
		amyId = amy.json.id;
		enrolmentTokens.set(amyId, amy.json.enrolment_token);
		const penny = await call(createUser, { nombre: 'Penny', correo: 'penny@example.com' });
		expect(penny.status).toBe(201);
		pennyId = penny.json.id;
		enrolmentTokens.set(pennyId, penny.json.enrolment_token);
		// The operator (this file's calls carry a manage key) is told the truth about a taken e-mail.
		const duplicate = await call(createUser, { nombre: 'Other Amy', correo: 'AMY@example.com' });
		expect(duplicate.status).toBe(409);
		expect(duplicate.json.error.code).toBe('CONFLICT');
		expect((await call(createUser, { nombre: 'X', correo: 'not-an-email' })).status).toBe(400);
		expect((await call(createUser, { correo: 'x@example.com' })).json.error.message).toMatch(/nombre/);
	});

	it('POST /registro-imagenes/{id} needs three usable face photos and stores nothing otherwise', async () => {
		const tooFew = await enrol(amyId, { images: ['amy/amy1.png', 'noface/brick.png', 'multi/bbt1.jpg'] });
		expect(tooFew.status).toBe(400);
		expect(tooFew.json.error.code).toBe('NOT_ENOUGH_DATA');
		expect(tooFew.json.error.rejected).toHaveLength(2);
		expect(await (await state.services()).store.users.countEmbeddings(amyId)).toBe(0);

		// A failed upload does not use up the enrolment token.
		const amy = await enrol(amyId, { images: ['amy/amy1.png', 'amy/amy2.png', 'amy/amy3.png'] });
		expect(amy.json).toEqual({ id: amyId, faces_used: 3, rejected: [] });
		const penny = await enrol(pennyId, {
			imagenes: ['penny/penny1.png', 'penny/penny2.png', 'penny/penny3.png']
		});
		expect(penny.json.faces_used).toBe(3);
		expect(await (await state.services()).store.users.countEmbeddings()).toBe(6);
	});

	it('unknown or malformed user ids are refused', async () => {
		const photos = form({}, { images: ['amy/amy1.png', 'amy/amy2.png', 'amy/amy3.png'] });
		// The operator learns that 999 does not exist; without credentials, known and unknown ids answer alike.
		expect((await call(enrolFaces, photos, { params: { id: '999' } })).status).toBe(404);
		for (const id of ['999', String(pennyId)]) {
			const anonymous = await call(enrolFaces, photos, { params: { id }, anonymous: true });
			expect(anonymous.status).toBe(401);
		}
		expect((await call(enrolFaces, photos, { params: { id: '1; DROP TABLE users' } })).status).toBe(400);
	});
});

describe('face login and the protected route', () => {
	let token: string;

	it('another photo of a registered user logs in as that user with a short-lived HS256 token', async () => {
		const { status, json } = await loginPhoto('amy/amy5.png', '10.0.0.1');
		expect(status, JSON.stringify(json)).toBe(200);
		expect(json.user).toEqual({ id: amyId, nombre: 'Amy Farrah Fowler', correo: 'amy@example.com' });
		expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
		const header = JSON.parse(Buffer.from(json.token.split('.')[0], 'base64url').toString());
		expect(header.alg).toBe('HS256');
		token = json.token;
		const penny = await loginPhoto('penny/penny4.png', '10.0.0.1');
		expect(penny.json.user?.id).toBe(pennyId);
	});

	it('an unregistered person gets 401', async () => {
		const { status, json } = await loginPhoto('unknown/happy.jpg', '10.0.0.2');
		expect(status).toBe(401);
		expect(json.error.code).toBe('UNAUTHORIZED');
	});

	it('PUT /actualizar-perfil accepts the token as Bearer or bare, and updates the token’s user', async () => {
		const bearer = await putProfile(`Bearer ${token}`, { nombre: 'Amy F. Fowler' });
		expect(bearer.status).toBe(200);
		expect(bearer.json.user).toEqual({ id: amyId, nombre: 'Amy F. Fowler', correo: 'amy@example.com' });
		const bare = await putProfile(token, { correo: 'amy.fowler@example.com' });
		expect(bare.json.user.correo).toBe('amy.fowler@example.com');
		const taken = await putProfile(token, { correo: 'penny@example.com' });
		expect(taken.status).toBe(409);
		expect((await putProfile(token, {})).status).toBe(400);
	});

	it('missing, tampered, foreign, unsigned and expired tokens get 401', async () => {
		const [header, payload, signature] = token.split('.');
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
		const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: String(pennyId) })).toString(
			'base64url'
		);
		const secret = new TextEncoder().encode(SECRET);
		const base = { email: 'amy@example.com' };
		const expired = await new SignJWT(base)
			.setProtectedHeader({ alg: 'HS256' })
			.setSubject(String(amyId))
			.setIssuer(TOKEN_ISSUER)
			.setAudience(TOKEN_AUDIENCE)
			.setIssuedAt(Math.floor(Date.now() / 1000) - 1200)
			.setExpirationTime(Math.floor(Date.now() / 1000) - 600)
			.sign(secret);
		const unsigned = new UnsecuredJWT(base)
			.setSubject(String(amyId))
			.setIssuer(TOKEN_ISSUER)
			.setAudience(TOKEN_AUDIENCE)
			.setIssuedAt()
			.setExpirationTime('10m')
			.encode();
		const foreign = await new SignJWT(base)
			.setProtectedHeader({ alg: 'HS256' })
			.setSubject(String(amyId))
			.setIssuer(TOKEN_ISSUER)
			.setAudience(TOKEN_AUDIENCE)
			.setIssuedAt()
			.setExpirationTime('10m')
			.sign(new TextEncoder().encode('some-other-secret-of-sufficient-length!!'));
		const cases: [string, string | null][] = [
			['missing', null],
			['tampered payload', `Bearer ${header}.${forgedPayload}.${signature}`],
			// The first character carries only data bits (the last may be padding), so this always changes the bytes.
			[
				'tampered signature',
				`Bearer ${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
			],
			['other secret', `Bearer ${foreign}`],
			["alg 'none'", `Bearer ${unsigned}`],
			['expired', `Bearer ${expired}`],
			['other scheme', `Basic ${token}`]
		];
		for (const [label, authorization] of cases) {
			const { status, json } = await putProfile(authorization, { nombre: 'Mallory' });
			expect(status, label).toBe(401);
			expect(json.error.code, label).toBe('UNAUTHORIZED');
		}
		expect((await putProfile(`Bearer ${expired}`, { nombre: 'x' })).json.error.message).toMatch(/expired/);
		expect((await (await state.services()).store.users.get(amyId))!.name).toBe('Amy F. Fowler');
	});

	it(`after ${MAX_FAILURES} failed logins a client gets 429 with Retry-After, even with the right face`, async () => {
		const client = '10.0.0.66';
		for (let i = 0; i < MAX_FAILURES; i++) {
			expect((await loginPhoto('unknown/sad.jpg', client)).status).toBe(401);
		}
		const blocked = await loginPhoto('amy/amy4.png', client);
		expect(blocked.status).toBe(429);
		expect(blocked.json.error.code).toBe('RATE_LIMITED');
		const retryAfter = Number(blocked.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(0);
		expect(retryAfter).toBeLessThanOrEqual(120);
		// Other clients are not affected.
		expect((await loginPhoto('amy/amy5.png', '10.0.0.67')).status).toBe(200);
	});

	it('photos that are not one face count as attempts too, answered with their own code', async () => {
		const client = '10.0.0.70';
		expect((await loginPhoto('noface/brick.png', client)).json.error.code).toBe('NO_FACE');
		expect((await loginPhoto('multi/bbt2.jpg', client)).json.error.code).toBe('MULTIPLE_FACES');
		const missing = await call(login, form({}), { client, anonymous: true });
		expect(missing.status).toBe(400);
		expect((await loginPhoto('amy/amy4.png', client)).status).toBe(429);
	});
});

describe('secret configuration', () => {
	it('production with a weak JWT_SECRET refuses to start with a message that says what to set', async () => {
		const config = readConfig({ ...process.env, JWT_SECRET: 'a'.repeat(40), NODE_ENV: 'production' });
		// Refused before anything is opened: DB_PATH names a folder that cannot be created.
		await expect(createServices({ ...config, dbPath: '/dev/null/never/db.sqlite' })).rejects.toThrow(
			/JWT_SECRET is too weak.*openssl rand/
		);
	});
});
