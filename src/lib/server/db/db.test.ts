import { SqliteDb } from './sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors';
import { MIGRATIONS, openDatabase, PeopleRepository, schemaVersion, UsersRepository, type Db } from './index';
import { AttemptLimiter } from '../auth/rate-limit';
import { ephemeralCipher } from '../secrets/template-cipher';
import { RETENTION_MS, SqliteAttemptStore } from './shared-state';
import { blobToVector, vectorToBlob } from './vectors';

const MODEL = { embedder: 'test-embedder', version: '1' };
const OTHER_MODEL = { embedder: 'test-embedder', version: '2' };

function vec(...values: number[]): Float32Array {
	return Float32Array.from(values);
}

let dir: string;
let file: string;
let db: Db;

beforeEach(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'me-verifier-db-'));
	file = path.join(dir, 'nested', 'people.db');
	db = openDatabase(file);
});

afterEach(() => {
	if (db.open) db.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
	it('creates the file and folder and applies every migration once, recorded by version', () => {
		const latest = Math.max(...MIGRATIONS.map((m) => m.version));
		expect(schemaVersion(db)).toBe(latest);
		const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
		expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
		db.close();
		db = openDatabase(file);
		expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
	});

	it('upgrades an older database step by step', () => {
		db.close();
		rmSync(file);
		// Simulate a database made by a release that only had migration 1.
		const old = new SqliteDb(file, ephemeralCipher());
		old.exec(MIGRATIONS[0].sql);
		old.pragma('user_version = 1');
		old.close();
		db = openDatabase(file);
		expect(schemaVersion(db)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
		expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'users'`).get()).toEqual({
			name: 'users'
		});
	});

	it('refuses a database from a newer release', () => {
		db.pragma('user_version = 99');
		db.close();
		expect(() => openDatabase(file)).toThrow(/schema is version 99/);
	});
});

describe('vectors', () => {
	it('round-trip exactly through a BLOB', () => {
		const v = vec(0.1, -2.5, 3.25e-8, Math.PI);
		expect(blobToVector(vectorToBlob(v))).toEqual(v);
		expect(blobToVector(vectorToBlob(v.subarray(1))).length).toBe(3);
	});
});

describe('PeopleRepository', () => {
	it('creates a person by name, then adds to the same person (name is case-insensitive)', () => {
		const people = new PeopleRepository(db);
		const first = people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
		expect(first).toMatchObject({ created: true, added: 1, person: { id: 'p1', name: 'Amy' } });
		const again = people.enroll({ name: 'amy' }, { id: 'p2', name: 'amy' }, [{ vector: vec(0, 1) }], MODEL);
		expect(again).toMatchObject({ created: false, added: 1, person: { id: 'p1' } });
		expect(people.countEmbeddings('p1')).toBe(2);
		expect(people.get('p2')).toBeNull();
	});

	it('survives closing and reopening the file with the same templates', () => {
		const people = new PeopleRepository(db);
		people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(3, 4) }], MODEL);
		const before = people.templates(MODEL);
		db.close();
		db = openDatabase(file);
		const after = new PeopleRepository(db).templates(MODEL);
		expect(after).toEqual(before);
		expect(after[0].centroid).toEqual(vec(0.6, 0.8));
	});

	it('never mixes models: templates and counts are per embedder version', () => {
		const people = new PeopleRepository(db);
		people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
		people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(0, 1, 0) }], OTHER_MODEL);
		people.enroll({ name: 'Bob' }, { id: 'p2', name: 'Bob' }, [{ vector: vec(0, 0, 1) }], OTHER_MODEL);
		expect(people.templates(MODEL).map((t) => [t.id, t.members.length])).toEqual([['p1', 1]]);
		expect(people.templates(OTHER_MODEL).map((t) => t.id)).toEqual(['p1', 'p2']);
		expect(people.summary('p1', MODEL)).toMatchObject({ embeddings: 1, other_model_embeddings: 1 });
		expect(people.list(MODEL).map((p) => [p.name, p.embeddings])).toEqual([
			['Amy', 1],
			['Bob', 0]
		]);
	});

	it('a failing row rolls back the whole registration: no person, no embeddings', () => {
		const people = new PeopleRepository(db);
		const bad = [{ vector: vec(1, 0) }, { vector: new Float32Array(0) }];
		expect(() => people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, bad, MODEL)).toThrow();
		expect(people.get('p1')).toBeNull();
		expect(people.countEmbeddings()).toBe(0);

		people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
		expect(() => people.enroll({ name: 'Amy' }, { id: 'x', name: 'Amy' }, bad, MODEL)).toThrow();
		expect(people.countEmbeddings('p1')).toBe(1);
	});

	it('refuses to give a new id a name that another person has', () => {
		const people = new PeopleRepository(db);
		people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
		const clash = () =>
			people.enroll({ id: 'p9' }, { id: 'p9', name: 'AMY' }, [{ vector: vec(1, 0) }], MODEL);
		expect(clash).toThrow(CoreError);
		expect(clash).toThrow(/belongs to person p1/);
	});

	it('delete removes the person and every embedding row', () => {
		const people = new PeopleRepository(db);
		people.enroll(
			{ name: 'Amy' },
			{ id: 'p1', name: 'Amy' },
			[{ vector: vec(1, 0) }, { vector: vec(0, 1) }],
			MODEL
		);
		people.enroll({ name: 'Bob' }, { id: 'p2', name: 'Bob' }, [{ vector: vec(1, 1) }], MODEL);
		expect(people.delete('p1')).toBe(true);
		expect(people.delete('p1')).toBe(false);
		const rows = db.prepare(`SELECT COUNT(*) AS n FROM person_embeddings WHERE person_id = 'p1'`).get();
		expect(rows).toEqual({ n: 0 });
		expect(people.countEmbeddings()).toBe(1);
	});
});

describe('template cache', () => {
	const names = (people: PeopleRepository) =>
		people.templates(MODEL).map((t) => `${t.id}:${t.members.length}`);

	it('serves the same templates until this connection writes', () => {
		const people = new PeopleRepository(db);
		people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(1, 0) }], MODEL);
		const first = people.templates(MODEL);
		expect(people.templates(MODEL)).toBe(first);
		people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(0, 1) }], MODEL);
		expect(names(people)).toEqual(['p1:2']);
		people.enroll({ id: 'p2' }, { id: 'p2', name: 'Luis' }, [{ vector: vec(1, 1) }], MODEL);
		expect(names(people)).toEqual(['p1:2', 'p2:1']);
		people.delete('p1');
		expect(names(people)).toEqual(['p2:1']);
	});

	it('sees what another connection (another server worker) wrote', () => {
		const people = new PeopleRepository(db);
		people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(1, 0) }], MODEL);
		expect(names(people)).toEqual(['p1:1']);
		const other = openDatabase(file);
		try {
			new PeopleRepository(other).enroll(
				{ id: 'p2' },
				{ id: 'p2', name: 'Luis' },
				[{ vector: vec(0, 1) }],
				MODEL
			);
			expect(names(people)).toEqual(['p1:1', 'p2:1']);
			new PeopleRepository(other).delete('p1');
			expect(names(people)).toEqual(['p2:1']);
		} finally {
			other.close();
		}
	});
});

describe('UsersRepository', () => {
	it('creates users with unique e-mails (case-insensitive) and updates them', () => {
		const users = new UsersRepository(db);
		const ana = users.create('Ana', 'ana@example.com');
		expect(ana).toMatchObject({ name: 'Ana', email: 'ana@example.com', token_version: 0 });
		expect(() => users.create('Other', 'ANA@example.com')).toThrow(/already exists/);
		const luis = users.create('Luis', 'luis@example.com');
		// Ids are random, not 1, 2, 3: one id tells nothing about the others.
		expect(Number.isSafeInteger(ana.id) && Number.isSafeInteger(luis.id)).toBe(true);
		expect(Math.abs(luis.id - ana.id)).toBeGreaterThan(1);
		expect(() => users.update(luis.id, { email: 'ana@EXAMPLE.com' })).toThrow(/already exists/);
		expect(users.update(ana.id, { name: 'Ana María' })).toMatchObject({
			name: 'Ana María',
			email: 'ana@example.com'
		});
		expect(() => users.update(999, { name: 'x' })).toThrow(/does not exist/);
	});

	it('replaces the template of one model atomically', () => {
		const users = new UsersRepository(db);
		const ana = users.create('Ana', 'ana@example.com');
		users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }, { vector: vec(0, 1) }], MODEL);
		users.replaceEmbeddings(ana.id, [{ vector: vec(1, 1, 1) }], OTHER_MODEL);
		expect(() =>
			users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }, { vector: vec() }], MODEL)
		).toThrow();
		expect(users.summary(ana.id, MODEL)).toMatchObject({ embeddings: 2, other_model_embeddings: 1 });
		users.replaceEmbeddings(ana.id, [{ vector: vec(2, 0) }], MODEL);
		expect(users.templates(MODEL)).toMatchObject([{ id: String(ana.id), name: 'Ana' }]);
		expect(users.templates(MODEL)[0].members).toEqual([vec(1, 0)]);
		expect(() => users.replaceEmbeddings(42, [{ vector: vec(1) }], MODEL)).toThrow(/does not exist/);
	});
});

describe('state shared by server workers', () => {
	it('two limiters on one database file (two workers) count the same attempts', () => {
		let now = 1_000_000;
		const other = openDatabase(file);
		try {
			const options = { maxAttempts: 2, windowSeconds: 60, now: () => now };
			const workerA = new AttemptLimiter({ ...options, store: new SqliteAttemptStore(db) });
			const workerB = new AttemptLimiter({ ...options, store: new SqliteAttemptStore(other) });
			workerA.reserve('203.0.113.9');
			workerB.reserve('203.0.113.9');
			expect(() => workerA.reserve('203.0.113.9')).toThrow(/Too many/);
			expect(workerB.retryAfterSeconds('203.0.113.9')).toBe(60);
			workerA.reserve('a');
			now += 61_000;
			// A limiter forgets only its own key's old attempts: another limiter may keep a longer window.
			workerB.reserve('b');
			const clients = () =>
				(db.prepare('SELECT client FROM login_failures ORDER BY rowid').all() as { client: string }[]).map(
					(r) => r.client
				);
			expect(clients()).toEqual(['203.0.113.9', '203.0.113.9', 'a', 'b']);
			workerA.reserve('a');
			expect(clients()).toEqual(['203.0.113.9', '203.0.113.9', 'b', 'a']);
			// Past the retention every old attempt goes, whatever its key: the table stays bounded.
			now += RETENTION_MS;
			workerB.reserve('b');
			expect(clients()).toEqual(['b']);
		} finally {
			other.close();
		}
	});
});

describe('templates at rest', () => {
	it('are stored as AES-GCM ciphertext, not as the float bytes, and read back exactly', () => {
		const people = new PeopleRepository(db);
		const vector = vec(0.5, -0.5, 0.5, 0.5); // unit length: templates keep it as is
		people.enroll({ name: 'Enc' }, { id: 'enc', name: 'Enc' }, [{ vector }], MODEL);
		const row = db.prepare('SELECT vector, key_id FROM person_embeddings').get() as {
			vector: Uint8Array;
			key_id: string;
		};
		expect(row.key_id).toBe(db.cipher.currentKeyId);
		expect(row.vector.byteLength).toBe(16 + 12 + 16);
		expect(Buffer.from(row.vector).includes(Buffer.from(vectorToBlob(vector)))).toBe(false);
		expect(people.templates(MODEL)[0].members).toEqual([vector]);
	});

	it('plaintext rows from before encryption are encrypted when the database is opened', () => {
		db.prepare(`INSERT INTO people (id, name) VALUES ('old', 'Old')`).run();
		db.prepare(
			`INSERT INTO person_embeddings (person_id, embedder, embedder_version, dim, vector) VALUES ('old', ?, ?, 2, ?)`
		).run(MODEL.embedder, MODEL.version, vectorToBlob(vec(0, 1)));
		db.close();
		db = openDatabase(file);
		const row = db.prepare('SELECT key_id FROM person_embeddings').get() as { key_id: string | null };
		expect(row.key_id).toBe(db.cipher.currentKeyId);
		expect(new PeopleRepository(db).templates(MODEL)[0].members).toEqual([vec(0, 1)]);
	});
});
