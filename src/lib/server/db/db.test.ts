import { SqliteDb } from './sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase, schemaVersion, SqliteStore, type Db } from './index';
import { ephemeralCipher } from '../secrets/template-cipher';
import { blobToVector, vectorToBlob } from './vectors';

// SQLite only: file creation, upgrades from older files, BLOB layout. The behaviour both stores share is in
// store.test.ts, run against SQLite and PostgreSQL alike.

const MODEL = { embedder: 'test-embedder', version: '1' };

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

describe('templates at rest', () => {
	it('plaintext rows from before encryption are encrypted when the database is opened', async () => {
		db.prepare(`INSERT INTO people (id, name) VALUES ('old', 'Old')`).run();
		db.prepare(
			`INSERT INTO person_embeddings (person_id, embedder, embedder_version, dim, vector) VALUES ('old', ?, ?, 2, ?)`
		).run(MODEL.embedder, MODEL.version, vectorToBlob(vec(0, 1)));
		db.close();
		db = openDatabase(file);
		const row = db.prepare('SELECT key_id FROM person_embeddings').get() as { key_id: string | null };
		expect(row.key_id).toBe(db.cipher.currentKeyId);
		const gallery = await new SqliteStore(db).people.gallery(MODEL);
		expect(gallery.toTemplates()[0].members).toEqual([vec(0, 1)]);
	});
});
