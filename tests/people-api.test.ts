import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/lib/server/db';
import { DELETE as deletePerson, GET as getPerson } from '../src/routes/(api)/people/[id]/+server';
import { GET as listPeople } from '../src/routes/(app)/people/+server';
import { POST as processImages } from '../src/routes/(api)/process-images/+server';
import { POST as processFrame } from '../src/routes/(api)/process_frame/+server';
import { POST as register } from '../src/routes/(api)/register/+server';
import { call, form, isolatedServerState } from './people-routes';

// The people API in-process: registration rules, storage, deletion, restart, versioned embeddings.

let state: ReturnType<typeof isolatedServerState>;
const people = async () => (await state.services()).store.people;
const getPeopleEngine = async () => (await state.services()).peopleEngine();

beforeAll(() => {
	state = isolatedServerState();
});

afterAll(() => state?.cleanup());

function badBytes(): FormData {
	const data = form({ name: 'Broken' });
	data.append('images', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]), 'truncated.jpg');
	data.append('images', new Blob([new TextEncoder().encode('not an image')]), 'notes.txt');
	return data;
}

async function frameNames(file: string): Promise<string[]> {
	const { status, json } = await call(processFrame, form({}, { image: [file] }));
	expect(status).toBe(200);
	return json.recognized_faces.map((f: { name: string }) => f.name).sort();
}

describe('POST /register', () => {
	it('stores one embedding per photo with exactly one face and lists every rejected photo', async () => {
		const { status, json } = await call(
			register,
			form(
				{ name: 'Amy' },
				{ images: ['amy/amy1.png', 'amy/amy2.png', 'noface/brick.png', 'multi/bbt3.jpg', 'amy/amy3.png'] }
			)
		);
		expect(status).toBe(201);
		expect(json).toMatchObject({ name: 'Amy', created: true, faces_used: 3 });
		expect(json.rejected).toEqual([
			{ file: 'brick.png', code: 'NO_FACE', reason: expect.any(String) },
			{ file: 'bbt3.jpg', code: 'MULTIPLE_FACES', reason: expect.stringMatching(/5 faces/) }
		]);
		expect(await (await people()).countEmbeddings(json.person_id)).toBe(3);
	});

	it('a taken name (any case) is a conflict, never a way in; photos are added by person_id', async () => {
		const clash = await call(register, form({ name: 'amy' }, { images: ['amy/amy4.png'] }));
		expect(clash.status).toBe(409);
		expect(clash.json.error.code).toBe('CONFLICT');
		const amy = (await (await people()).findByName('Amy'))!;
		expect(await (await people()).countEmbeddings(amy.id)).toBe(3);
		const { status, json } = await call(
			register,
			form({ name: 'Amy', person_id: amy.id }, { images: ['amy/amy4.png'] })
		);
		expect(status).toBe(200);
		expect(json).toMatchObject({ name: 'Amy', created: false, faces_used: 1, rejected: [] });
		expect(await (await people()).countEmbeddings(json.person_id)).toBe(4);
	});

	it('writes nothing when no photo is usable, and says why for each', async () => {
		const before = (await (await people()).list({ embedder: 'x', version: 'x' })).length;
		const { status, json } = await call(register, badBytes());
		expect(status).toBe(400);
		expect(json.error.code).toBe('NOT_ENOUGH_DATA');
		expect(json.error.rejected.map((r: { code: string }) => r.code)).toEqual([
			'BAD_IMAGE',
			'UNSUPPORTED_FORMAT'
		]);
		expect(await (await people()).findByName('Broken')).toBeNull();
		expect((await (await people()).list({ embedder: 'x', version: 'x' })).length).toBe(before);
	});

	it('answers bad requests with JSON errors', async () => {
		expect((await call(register, form({ name: 'X' }))).json.error.code).toBe('BAD_REQUEST');
		expect((await call(register, form({}, { images: ['amy/amy1.png'] }))).json.error.message).toMatch(/name/);
		const tooMany = form({ name: 'Many' }, { images: Array(11).fill('amy/amy1.png') });
		expect((await call(register, tooMany)).json.error.message).toMatch(/at most 10/);
		const notMultipart = await call(register, { name: 'json' });
		expect(notMultipart.status).toBe(400);
	});
});

describe('POST /process-images (seed 002)', () => {
	it('registers under the caller’s id and reports the stored embedding count', async () => {
		const first = await call(
			processImages,
			form({ id: 'CUI-2024-001' }, { images: ['sheldon/sheldon1.png', 'sheldon/sheldon2.png'] })
		);
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({ status: 'ok', id: 'CUI-2024-001', embeddings: 2, rejected: [] });
		const more = await call(
			processImages,
			form({ id: 'CUI-2024-001' }, { images: ['sheldon/sheldon3.png'] })
		);
		expect(more.json.embeddings).toBe(3);
		const person = await call(getPerson, null, { method: 'GET', params: { id: 'CUI-2024-001' } });
		expect(person.json).toMatchObject({ person_id: 'CUI-2024-001', name: 'CUI-2024-001', embeddings: 3 });
	});

	it('refuses ids that are not simple tokens', async () => {
		const { status, json } = await call(
			processImages,
			form({ id: '../etc' }, { images: ['penny/penny1.png'] })
		);
		expect(status).toBe(400);
		expect(json.error.message).toMatch(/id must be/);
	});
});

describe('recognition, listing, deletion and restart', () => {
	it('POST /process_frame names registered people and leaves the rest unknown', async () => {
		const { json } = await call(processFrame, form({}, { image: ['multi/bbt4.jpg'] }));
		expect(json.recognized_faces.map((f: { name: string }) => f.name).sort()).toEqual([
			'Amy',
			'CUI-2024-001'
		]);
		expect(json.unknown_faces).toHaveLength(4);
		for (const face of [...json.recognized_faces, ...json.unknown_faces]) {
			expect(face.box).toHaveLength(4);
			expect(face.box.every(Number.isInteger)).toBe(true);
		}
		expect(json.recognized_faces[0].confidence).toBeGreaterThan(0);
		expect(json.recognized_faces[0].confidence).toBeLessThanOrEqual(1);
		expect(json.timing_ms).toBeGreaterThan(0);
	});

	it('a frame without faces, or not an image, is answered cleanly', async () => {
		const empty = await call(processFrame, form({}, { image: ['noface/coffee.png'] }));
		expect(empty.json).toMatchObject({ recognized_faces: [], unknown_faces: [] });
		const data = new FormData();
		data.append('image', new Blob([new Uint8Array(100)]), 'zeros.bin');
		const bad = await call(processFrame, data);
		expect(bad.status).toBe(400);
		expect(bad.json.error.code).toBe('UNSUPPORTED_FORMAT');
		expect((await call(processFrame, form({}))).status).toBe(400);
	});

	it('GET /people lists everyone with counts for the current embedder', async () => {
		const { status, json } = await call(listPeople, null, { method: 'GET' });
		expect(status).toBe(200);
		const engine = await getPeopleEngine();
		expect(json.embedder).toBe(engine.info.embedder);
		expect(json.people.map((p: { name: string; embeddings: number }) => [p.name, p.embeddings])).toEqual([
			['Amy', 4],
			['CUI-2024-001', 3]
		]);
	});

	it('embeddings of another embedder version are kept but never compared', async () => {
		const engine = await getPeopleEngine();
		const store = await people();
		const amy = (await store.findByName('Amy'))!;
		const old = { embedder: engine.info.embedder, version: 'an-older-version' };
		const noise = Float32Array.from({ length: engine.info.embeddingSize }, (_, i) => Math.sin(i));
		await store.enroll({ id: amy.id }, amy, [{ vector: noise }], old);
		await store.enroll({ name: 'Ghost' }, { id: 'ghost', name: 'Ghost' }, [{ vector: noise }], old);
		const amyNow = await call(getPerson, null, { method: 'GET', params: { id: amy.id } });
		expect(amyNow.json).toMatchObject({ embeddings: 4, other_model_embeddings: 1 });
		expect(await frameNames('multi/bbt4.jpg')).toEqual(['Amy', 'CUI-2024-001']);
		await call(deletePerson, null, { method: 'DELETE', params: { id: 'ghost' } });
	});

	it('the database file gives the same answers after a restart', async () => {
		const before = await frameNames('multi/bbt4.jpg');
		const listed = (await call(listPeople, null, { method: 'GET' })).json;
		state.restart();
		expect((await call(listPeople, null, { method: 'GET' })).json).toEqual(listed);
		expect(await frameNames('multi/bbt4.jpg')).toEqual(before);
	});

	it('DELETE /people/{id} removes the person and every embedding row', async () => {
		const id = 'CUI-2024-001';
		const gone = await call(deletePerson, null, { method: 'DELETE', params: { id } });
		expect(gone.json).toEqual({ deleted: true, person_id: id, embeddings_removed: 3 });
		const rows = ((await state.services()).store as SqliteStore).db
			.prepare('SELECT COUNT(*) AS n FROM person_embeddings WHERE person_id = ?')
			.get(id);
		expect(rows).toEqual({ n: 0 });
		expect((await call(getPerson, null, { method: 'GET', params: { id } })).status).toBe(404);
		const again = await call(deletePerson, null, { method: 'DELETE', params: { id } });
		expect(again.status).toBe(404);
		expect(again.json.error.code).toBe('NOT_FOUND');
		expect(await frameNames('multi/bbt4.jpg')).toEqual(['Amy']);
	});
});
