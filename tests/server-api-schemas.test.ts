import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusFor } from '../src/lib/server/http';
import { API } from '../src/lib/server/api/contract';
import type { Operation } from '../src/lib/server/api/endpoint';
import { buildOpenApiDocument, errorCodesOf } from '../src/lib/server/api/openapi';
import { ErrorBody } from '../src/lib/server/api/schemas';
import { engineFor } from '../src/lib/server/node-engine';
import { facePath } from './helpers/faces';
import { heldOutMe, trainTestModel } from './helpers/model';
import type { RunningServer } from './helpers/server';
import { keysCommand, photos, send, startProduction, type Answer, type SendOptions } from './security/attack';

/**
 * Every route of the production build, over HTTP, answered as its schemas say: each success body parses
 * with the operation's response schema for that status and parsing changes nothing (an undocumented field
 * would be stripped, and fail), each error is the one error shape with a code the document lists for that
 * status. At the end every operation of the contract must have been seen answering successfully.
 */

let server: RunningServer;
let admin: string;
const seen = new Map<Operation, Set<number>>();

function operationOf(method: string, route: string): Operation {
	const path = route.split('?')[0];
	for (const [template, methods] of Object.entries(API)) {
		const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
		const op = methods[method as 'GET'];
		if (op && pattern.test(path)) return op;
	}
	throw new Error(`${method} ${route} is not in the contract`);
}

/** Sends, then checks the answer against the operation's schemas; returns it for further checks. */
async function call(route: string, options: SendOptions & { method?: string } = {}): Promise<Answer> {
	const method = options.method ?? 'POST';
	const op = operationOf(method, route);
	const answer = await send(server, route, { ...options, method });
	const where = `${method} ${route} -> ${answer.status} ${JSON.stringify(answer.json).slice(0, 300)}`;
	const success = (op.responses as Record<number, import('zod').ZodType>)[answer.status];
	if (success && !answer.json.error) {
		const parsed = await success.safeParseAsync(answer.json);
		expect(parsed.success, `${where}\n${parsed.error?.message}`).toBe(true);
		expect(isDeepStrictEqual(parsed.data, answer.json), `${where}: fields the schema does not list`).toBe(
			true
		);
		seen.set(op, new Set([...(seen.get(op) ?? []), answer.status]));
	} else {
		const parsed = ErrorBody.safeParse(answer.json);
		expect(parsed.success, `${where}\n${parsed.error?.message}`).toBe(true);
		expect(
			isDeepStrictEqual(parsed.data, answer.json),
			`${where}: fields the error schema does not list`
		).toBe(true);
		const code = answer.json.error.code;
		expect(errorCodesOf(op), `${where}: ${code} is not documented for ${op.operationId}`).toContain(code);
		expect(statusFor(code), where).toBe(answer.status);
		expect(answer.json.error.message, where).not.toMatch(/\n\s+at |\.ts:\d+/);
	}
	return answer;
}

beforeAll(async () => {
	const { path: modelPath } = await trainTestModel(await engineFor());
	server = await startProduction({ MODEL_PATH: modelPath });
	admin = server.apiKey!;
});

afterAll(async () => {
	await server?.stop();
});

describe('live answers match the schemas', () => {
	it('meta: index, health and the served document, which is the one the contract generates', async () => {
		await call('/api', { method: 'GET' });
		await call('/healthz', { method: 'GET' });
		const doc = await call('/openapi.json', { method: 'GET' });
		expect(doc.json).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
		expect(doc.json.paths['/verify'].post['x-required-scope']).toBe('verify');
	});

	it('POST /verify', async () => {
		const image = (file: string) => photos({}, { image: [file] });
		const me = await call('/verify', { key: admin, body: photos({}, { image: [heldOutMe()[0]] }) });
		expect(me.json.is_me).toBe(true);
		expect((await call('/verify', { body: image('amy/amy1.png') })).status).toBe(401);
		const missing = await call('/verify', { key: admin, body: photos({ name: 'x' }) });
		expect(missing.json.error).toMatchObject({
			code: 'BAD_REQUEST',
			message: expect.stringMatching(/'image'/)
		});
		const text = new FormData();
		text.append('image', new Blob([new TextEncoder().encode('not an image')]), 'notes.txt');
		expect((await call('/verify', { key: admin, body: text })).json.error.code).toBe('UNSUPPORTED_FORMAT');
		const noFace = await call('/verify', { key: admin, body: image('noface/brick.png') });
		expect(noFace.json.error.code).toBe('NO_FACE');
		const frames = await call('/verify', { key: admin, body: photos({}, { frames: ['amy/amy1.png'] }) });
		expect(frames.json.error.message).toMatch(/challenge/);
	});

	it('people: register, process-images, process_frame, list, get, delete', async () => {
		const created = await call('/register', {
			key: admin,
			body: photos({ name: 'Amy' }, { images: ['amy/amy1.png', 'amy/amy2.png', 'noface/brick.png'] })
		});
		expect(created.status).toBe(201);
		const id = created.json.person_id;
		const added = await call('/register', {
			key: admin,
			body: photos({ name: 'Amy', person_id: id }, { images: ['amy/amy3.png'] })
		});
		expect(added.status).toBe(200);
		expect(
			(await call('/register', { key: admin, body: photos({ name: 'amy' }, { images: ['amy/amy4.png'] }) }))
				.status
		).toBe(409);
		const tooMany = await call('/register', {
			key: admin,
			body: photos({ name: 'Many' }, { images: Array(11).fill('amy/amy1.png') })
		});
		expect(tooMany.json.error.message).toMatch(/at most 10/);
		const unusable = await call('/register', {
			key: admin,
			body: photos({ name: 'Nobody' }, { images: ['noface/brick.png'] })
		});
		expect(unusable.json.error.code).toBe('NOT_ENOUGH_DATA');
		expect((await call('/register', { key: admin, body: { name: 'json' } })).status).toBe(400);

		await call('/process-images', {
			key: admin,
			body: photos({ id: 'CUI-1' }, { images: ['penny/penny1.png'] })
		});
		expect(
			(
				await call('/process-images', {
					key: admin,
					body: photos({ id: '../x' }, { images: ['penny/penny1.png'] })
				})
			).status
		).toBe(400);

		const frame = await call('/process_frame', {
			key: admin,
			body: photos({}, { image: ['multi/bbt4.jpg'] })
		});
		expect(frame.json.recognized_faces.length).toBeGreaterThan(0);
		const verifyOnly = (
			await keysCommand(server.dbPath, ['create', '--name', 'v', '--scopes', 'verify'])
		).lines.find((l) => l.startsWith('mvk_'))!;
		expect(
			(await call('/process_frame', { key: verifyOnly, body: photos({}, { image: ['multi/bbt4.jpg'] }) }))
				.status
		).toBe(403);
		const two = new FormData();
		for (const f of ['amy/amy1.png', 'amy/amy2.png'])
			two.append('image', new Blob([readFileSync(facePath(f))]), f);
		const twoFiles = await call('/process_frame', { key: admin, body: two });
		expect(twoFiles.json.error.message).toMatch(/exactly one file in 'image'/);

		const list = await call('/people', {
			method: 'GET',
			key: admin,
			headers: { accept: 'application/json' }
		});
		expect(list.json.people.map((p: { name: string }) => p.name)).toContain('Amy');
		await call(`/people/${id}`, { method: 'GET', key: admin });
		expect((await call('/people/nobody', { method: 'GET', key: admin })).status).toBe(404);
		expect((await call(`/people/${id}`, { method: 'GET' })).status).toBe(401);
		await call(`/people/${id}`, { method: 'DELETE', key: admin });
		expect((await call(`/people/${id}`, { method: 'DELETE', key: admin })).status).toBe(404);
	});

	it('POST /liveness/challenge, by query or JSON body', async () => {
		await call('/liveness/challenge', { body: { purpose: 'verify' } });
		await call('/liveness/challenge?purpose=enrol');
		await call('/liveness/challenge');
		const bad = await call('/liveness/challenge', { body: { purpose: 'everything' } });
		expect(bad.json.error).toMatchObject({
			code: 'BAD_REQUEST',
			message: expect.stringMatching(/'purpose'/)
		});
	});

	it('face login: sign up, enrol, log in, profile, renew, log out, delete', async () => {
		const missing = await call('/registro-datos', { body: { correo: 'x@example.com' } });
		expect(missing.json.error.message).toMatch(/nombre/);
		const user = await call('/registro-datos', { body: { nombre: 'Amy', correo: 'amy@example.com' } });
		expect(user.status).toBe(201);
		const other = await call('/registro-datos', {
			key: admin,
			body: { nombre: 'Raj', correo: 'raj@example.com' }
		});
		const amy = ['amy/amy1.png', 'amy/amy2.png', 'amy/amy3.png'];
		const enrol = (id: number, bearer?: string) =>
			call(`/registro-imagenes/${id}`, { bearer, body: photos({}, { images: amy }) });
		expect((await enrol(user.json.id, 'enr_made-up')).status).toBe(401);
		expect(
			(await call('/registro-imagenes/abc', { key: admin, body: photos({}, { images: amy }) })).json.error
				.message
		).toMatch(/'abc' is not a user id/);
		await enrol(user.json.id, user.json.enrolment_token);

		const login = await call('/autenticacion', { body: photos({}, { imagen: ['amy/amy5.png'] }) });
		expect(login.json.user.id).toBe(user.json.id);
		const token = login.json.token;
		expect(
			(await call('/autenticacion', { body: photos({}, { image: ['noface/brick.png'] }) })).json.error.code
		).toBe('NO_FACE');

		await call('/actualizar-perfil', { method: 'PUT', bearer: token, body: { nombre: 'Amy F.' } });
		expect((await call('/actualizar-perfil', { method: 'PUT', body: { nombre: 'x' } })).status).toBe(401);
		expect((await call('/actualizar-perfil', { method: 'PUT', bearer: token, body: {} })).status).toBe(400);
		await call(`/registro-imagenes/${user.json.id}/token`, { bearer: token });
		expect((await call(`/registro-imagenes/${other.json.id}/token`, { bearer: token })).status).toBe(403);
		expect((await call(`/usuarios/${other.json.id}`, { method: 'DELETE', bearer: token })).status).toBe(403);
		await call('/logout', { bearer: token });
		expect((await call('/logout', { bearer: token })).status).toBe(401);
		await call(`/usuarios/${user.json.id}`, { method: 'DELETE', key: admin });
		expect((await call(`/usuarios/${user.json.id}`, { method: 'DELETE', key: admin })).status).toBe(404);
	});

	it('every operation of the contract was seen answering successfully', () => {
		const missing = Object.entries(API).flatMap(([route, methods]) =>
			Object.entries(methods)
				.filter(([, op]) => !seen.has(op!))
				.map(([method]) => `${method} ${route}`)
		);
		expect(missing).toEqual([]);
	});
});
