import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type TestDatabase } from '../../../../tests/helpers/postgres';
import { CoreError } from '../../core/errors';
import { AttemptLimiter } from '../auth/rate-limit';
import { TemplateCipher } from '../secrets/template-cipher';
import { openStore } from './database';
import { MIGRATIONS } from './migrations';
import { PG_LATEST_REQUIRED } from './postgres/migrations';
import type { PostgresStore } from './postgres/store';
import type { SqliteStore } from './sqlite-store';
import { RETENTION_MS, type Store } from './store';
import { vectorToBlob } from './vectors';

// One suite, both implementations of the repository interface: SQLite (a file) and PostgreSQL (a real server;
// tests/helpers/postgres.ts starts a throw-away one). Two stores on one database stand for two server
// processes (workers on one file, or replicas on one PostgreSQL).

const MODEL = { embedder: 'test-embedder', version: '1' };
const OTHER_MODEL = { embedder: 'test-embedder', version: '2' };
const vec = (...values: number[]) => Float32Array.from(values);

interface Backend {
	name: 'sqlite' | 'postgres';
	latest: number;
	setup(): Promise<void>;
	/** Another connection to the same database (another worker or replica). */
	open(cipher?: TemplateCipher): Promise<Store>;
	raw(store: Store, sql: string): Promise<Record<string, unknown>[]>;
	teardown(): Promise<void>;
}

function sqliteBackend(): Backend {
	let dir = '';
	return {
		name: 'sqlite',
		latest: Math.max(...MIGRATIONS.map((m) => m.version)),
		async setup() {
			dir = mkdtempSync(path.join(tmpdir(), 'me-verifier-store-'));
		},
		open: (cipher) => openStore({ dbPath: path.join(dir, 'nested', 'store.db'), cipher }),
		async raw(store, sql) {
			return (store as SqliteStore).db.prepare(sql).all() as Record<string, unknown>[];
		},
		async teardown() {
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

function postgresBackend(): Backend {
	let database: TestDatabase | null = null;
	return {
		name: 'postgres',
		// Migration 6 (pgvector) is optional: Debian's PostgreSQL has no pgvector (tests/pgvector.test.ts).
		latest: PG_LATEST_REQUIRED,
		async setup() {
			database = await freshPostgresDatabase();
		},
		open: (cipher) => openStore({ databaseUrl: database!.url, cipher }),
		async raw(store, sql) {
			return (await (store as PostgresStore).pool.query(sql)).rows;
		},
		async teardown() {
			await database?.drop();
		}
	};
}

/** Polls until `check` passes (replicas learn of changes by notification: milliseconds, not at once). */
async function eventually(check: () => Promise<void>, withinMs = 1000): Promise<number> {
	const started = Date.now();
	for (;;) {
		try {
			await check();
			return Date.now() - started;
		} catch (error) {
			if (Date.now() - started > withinMs) throw error;
			await new Promise((r) => setTimeout(r, 10));
		}
	}
}

const ids = async (store: Store, model = MODEL) =>
	(await store.people.gallery(model)).toTemplates().map((t) => `${t.id}:${t.members.length}`);

describe.each([sqliteBackend(), postgresBackend()])('Store on $name', (backend) => {
	let store: Store;
	const others: Store[] = [];
	const another = async (cipher?: TemplateCipher) => {
		const s = await backend.open(cipher);
		others.push(s);
		return s;
	};

	beforeEach(async () => {
		await backend.setup();
		store = await backend.open();
	}, 60_000);

	afterEach(async () => {
		for (const s of [store, ...others.splice(0)]) await s.close();
		await backend.teardown();
	});

	describe('migrations', () => {
		it('applies every migration once, and a second opening applies none', async () => {
			expect(await store.schemaVersion()).toBe(backend.latest);
			const rows = await backend.raw(store, 'SELECT version FROM schema_migrations ORDER BY version');
			expect(rows.map((r) => Number(r.version))).toEqual(
				Array.from({ length: backend.latest }, (_, i) => i + 1)
			);
			const again = await another();
			expect(await again.schemaVersion()).toBe(backend.latest);
			expect(await backend.raw(again, 'SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([
				{ n: backend.latest }
			]);
		});

		it('two processes opening a new database at once migrate it once', async () => {
			const [a, b] = await Promise.all([another(), another()]);
			expect(await a.schemaVersion()).toBe(backend.latest);
			expect(await b.schemaVersion()).toBe(backend.latest);
		});
	});

	describe('people', () => {
		it('creates a person by name, then adds to the same person (name is case-insensitive)', async () => {
			const first = await store.people.enroll(
				{ name: 'Amy' },
				{ id: 'p1', name: 'Amy' },
				[{ vector: vec(1, 0) }],
				MODEL
			);
			expect(first).toMatchObject({ created: true, added: 1, person: { id: 'p1', name: 'Amy' } });
			expect(first.person.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			const again = await store.people.enroll(
				{ name: 'amy' },
				{ id: 'p2', name: 'amy' },
				[{ vector: vec(0, 1) }],
				MODEL
			);
			expect(again).toMatchObject({ created: false, added: 1, person: { id: 'p1' } });
			expect(await store.people.countEmbeddings('p1')).toBe(2);
			expect(await store.people.get('p2')).toBeNull();
		});

		it('never mixes models: galleries and counts are per embedder version', async () => {
			const people = store.people;
			await people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
			await people.enroll(
				{ name: 'Amy' },
				{ id: 'p1', name: 'Amy' },
				[{ vector: vec(0, 1, 0) }],
				OTHER_MODEL
			);
			await people.enroll(
				{ name: 'Bob' },
				{ id: 'p2', name: 'Bob' },
				[{ vector: vec(0, 0, 1) }],
				OTHER_MODEL
			);
			expect(await ids(store)).toEqual(['p1:1']);
			expect(await ids(store, OTHER_MODEL)).toEqual(['p1:1', 'p2:1']);
			expect(await people.summary('p1', MODEL)).toMatchObject({ embeddings: 1, other_model_embeddings: 1 });
			expect((await people.list(MODEL)).map((p) => [p.name, p.embeddings])).toEqual([
				['Amy', 1],
				['Bob', 0]
			]);
		});

		it('a failing row rolls back the whole registration: no person, no embeddings', async () => {
			const bad = [{ vector: vec(1, 0) }, { vector: new Float32Array(0) }];
			await expect(
				store.people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, bad, MODEL)
			).rejects.toThrow();
			expect(await store.people.get('p1')).toBeNull();
			expect(await store.people.countEmbeddings()).toBe(0);
			await store.people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
			await expect(
				store.people.enroll({ name: 'Amy' }, { id: 'x', name: 'Amy' }, bad, MODEL)
			).rejects.toThrow();
			expect(await store.people.countEmbeddings('p1')).toBe(1);
		});

		it('refuses to give a new id a name that another person has', async () => {
			await store.people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(1, 0) }], MODEL);
			const clash = store.people.enroll(
				{ id: 'p9' },
				{ id: 'p9', name: 'AMY' },
				[{ vector: vec(1, 0) }],
				MODEL
			);
			await expect(clash).rejects.toThrow(CoreError);
			await expect(
				store.people.enroll({ id: 'p9' }, { id: 'p9', name: 'AMY' }, [{ vector: vec(1, 0) }], MODEL)
			).rejects.toThrow(/belongs to person p1/);
		});

		it('two processes registering the same new name at once: one person, one CONFLICT', async () => {
			const other = await another();
			const results = await Promise.allSettled(
				[store, other].map((s, i) =>
					s.people.enroll({ id: `n${i}` }, { id: `n${i}`, name: 'Same' }, [{ vector: vec(1, 0) }], MODEL)
				)
			);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
			expect(failed.reason).toMatchObject({ code: 'CONFLICT' });
			expect((await store.people.list(MODEL)).map((p) => p.name)).toEqual(['Same']);
		});

		it('delete removes the person and every embedding row', async () => {
			await store.people.enroll(
				{ name: 'Amy' },
				{ id: 'p1', name: 'Amy' },
				[{ vector: vec(1, 0) }, { vector: vec(0, 1) }],
				MODEL
			);
			await store.people.enroll({ name: 'Bob' }, { id: 'p2', name: 'Bob' }, [{ vector: vec(1, 1) }], MODEL);
			expect(await store.people.delete('p1')).toBe(true);
			expect(await store.people.delete('p1')).toBe(false);
			const rows = await backend.raw(
				store,
				`SELECT COUNT(*) AS n FROM person_embeddings WHERE person_id = 'p1'`
			);
			expect(rows).toEqual([{ n: 0 }]);
			expect(await store.people.countEmbeddings()).toBe(1);
		});
	});

	describe('galleries', () => {
		it('survive closing and reopening with the same templates', async () => {
			await store.people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(3, 4) }], MODEL);
			const before = (await store.people.gallery(MODEL)).toTemplates();
			await store.close();
			store = await backend.open();
			const after = (await store.people.gallery(MODEL)).toTemplates();
			expect(after).toEqual(before);
			expect(after[0].centroid).toEqual(vec(0.6, 0.8));
		});

		it('follow this process\u2019s own writes at once', async () => {
			await store.people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(1, 0) }], MODEL);
			const first = await store.people.gallery(MODEL);
			expect(await store.people.gallery(MODEL)).toBe(first);
			await store.people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(0, 1) }], MODEL);
			expect(await ids(store)).toEqual(['p1:2']);
			await store.people.enroll({ id: 'p2' }, { id: 'p2', name: 'Luis' }, [{ vector: vec(1, 1) }], MODEL);
			expect(await ids(store)).toEqual(['p1:2', 'p2:1']);
			await store.people.delete('p1');
			expect(await ids(store)).toEqual(['p2:1']);
		});

		it('see what another process wrote within a second (another worker, or another replica)', async () => {
			await store.people.enroll({ id: 'p1' }, { id: 'p1', name: 'Ana' }, [{ vector: vec(1, 0) }], MODEL);
			expect(await ids(store)).toEqual(['p1:1']);
			const other = await another();
			await other.people.enroll({ id: 'p2' }, { id: 'p2', name: 'Luis' }, [{ vector: vec(0, 1) }], MODEL);
			await eventually(async () => expect(await ids(store)).toEqual(['p1:1', 'p2:1']));
			await other.people.delete('p1');
			await eventually(async () => expect(await ids(store)).toEqual(['p2:1']));
			const u = await other.users.create('Eve', 'eve@example.com');
			await other.users.replaceEmbeddings(u.id, [{ vector: vec(1, 1) }], MODEL);
			await eventually(async () =>
				expect((await store.users.gallery(MODEL)).toTemplates().map((t) => t.id)).toEqual([String(u.id)])
			);
			await other.users.delete(u.id);
			await eventually(async () => expect((await store.users.gallery(MODEL)).size).toBe(0));
		});
	});

	describe('users', () => {
		it('creates users with unique e-mails (case-insensitive) and updates them', async () => {
			const users = store.users;
			const ana = await users.create('Ana', 'ana@example.com');
			expect(ana).toMatchObject({ name: 'Ana', email: 'ana@example.com', token_version: 0 });
			await expect(users.create('Other', 'ANA@example.com')).rejects.toThrow(/already exists/);
			const luis = await users.create('Luis', 'luis@example.com');
			expect(Number.isSafeInteger(ana.id) && Number.isSafeInteger(luis.id)).toBe(true);
			expect(Math.abs(luis.id - ana.id)).toBeGreaterThan(1);
			await expect(users.update(luis.id, { email: 'ana@EXAMPLE.com' })).rejects.toThrow(/already exists/);
			expect(await users.update(ana.id, { name: 'Ana María' })).toMatchObject({
				name: 'Ana María',
				email: 'ana@example.com'
			});
			await expect(users.update(999, { name: 'x' })).rejects.toThrow(/does not exist/);
		});

		it('replaces the template of one model atomically and revokes earlier tokens', async () => {
			const users = store.users;
			const ana = await users.create('Ana', 'ana@example.com');
			await users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }, { vector: vec(0, 1) }], MODEL);
			await users.replaceEmbeddings(ana.id, [{ vector: vec(1, 1, 1) }], OTHER_MODEL);
			await expect(
				users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }, { vector: vec() }], MODEL)
			).rejects.toThrow();
			expect(await users.summary(ana.id, MODEL)).toMatchObject({ embeddings: 2, other_model_embeddings: 1 });
			await users.replaceEmbeddings(ana.id, [{ vector: vec(2, 0) }], MODEL);
			const gallery = (await users.gallery(MODEL)).toTemplates();
			expect(gallery).toMatchObject([{ id: String(ana.id), name: 'Ana' }]);
			expect(gallery[0].members).toEqual([vec(1, 0)]);
			expect((await users.get(ana.id))!.token_version).toBe(3);
			await expect(users.replaceEmbeddings(42, [{ vector: vec(1) }], MODEL)).rejects.toThrow(
				/does not exist/
			);
		});

		it('an enrolment token enrols once, even from two processes at the same moment', async () => {
			const ana = await store.users.create('Ana', 'ana@example.com');
			await store.users.setEnrolmentToken(ana.id, 'hash-1', Date.now() + 60_000);
			const other = await another();
			const results = await Promise.allSettled(
				[store, other].map((s) =>
					s.users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }], MODEL, { enrolmentHash: 'hash-1' })
				)
			);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
				code: 'UNAUTHORIZED'
			});
			expect(await store.users.countEmbeddings(ana.id)).toBe(1);
			await store.users.setEnrolmentToken(ana.id, 'hash-2', Date.now() - 1);
			await expect(
				store.users.replaceEmbeddings(ana.id, [{ vector: vec(0, 1) }], MODEL, { enrolmentHash: 'hash-2' })
			).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		});

		it('deleting a user removes their embeddings and their per-account login attempts', async () => {
			const ana = await store.users.create('Ana', 'ana@example.com');
			await store.users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }], MODEL);
			await store.attempts.tryAdd(`account:${ana.id}`, Date.now(), 0, 10);
			await store.attempts.tryAdd('client:x', Date.now(), 0, 10);
			expect(await store.users.delete(ana.id)).toBe(true);
			expect(await store.users.delete(ana.id)).toBe(false);
			expect(await store.users.countEmbeddings()).toBe(0);
			expect(await store.attempts.recent(`account:${ana.id}`, 0)).toEqual([]);
			expect(await store.attempts.recent('client:x', 0)).toHaveLength(1);
		});
	});

	describe('state shared by every process', () => {
		it('two limiters on one database count the same attempts; each forgets only its own key', async () => {
			let now = 1_000_000;
			const other = await another();
			const options = { maxAttempts: 2, windowSeconds: 60, now: () => now };
			const a = new AttemptLimiter({ ...options, store: store.attempts });
			const b = new AttemptLimiter({ ...options, store: other.attempts });
			await a.reserve('203.0.113.9');
			await b.reserve('203.0.113.9');
			await expect(a.reserve('203.0.113.9')).rejects.toThrow(/Too many/);
			expect(await b.retryAfterSeconds('203.0.113.9')).toBe(60);
			await a.reserve('a');
			now += 61_000;
			await b.reserve('b');
			const clients = async () =>
				(await backend.raw(store, 'SELECT client FROM login_failures ORDER BY at_ms, client')).map(
					(r) => r.client
				);
			expect(await clients()).toEqual(['203.0.113.9', '203.0.113.9', 'a', 'b']);
			now += 1;
			await a.reserve('a');
			expect(await clients()).toEqual(['203.0.113.9', '203.0.113.9', 'b', 'a']);
			now += RETENTION_MS;
			await b.reserve('b');
			expect(await clients()).toEqual(['b']);
		});

		it('a burst of parallel attempts from two processes never passes the limit', async () => {
			const other = await another();
			const limiters = [store, other].map(
				(s) => new AttemptLimiter({ maxAttempts: 3, windowSeconds: 60, store: s.attempts })
			);
			const results = await Promise.allSettled(
				Array.from({ length: 12 }, (_, i) => limiters[i % 2].reserve('burst'))
			);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
		});

		it('the first API key is made once when processes start together; revocation is seen by all', async () => {
			const other = await another();
			const row = (name: string) => ({
				name,
				scopes: 'verify',
				key_hash: randomBytes(8).toString('hex'),
				prefix: 'mvk_x'
			});
			const made = await Promise.all(
				[store, other, store, other].map((s, i) => s.apiKeys.insertIfNone(row(`k${i}`)))
			);
			expect(made.filter(Boolean)).toHaveLength(1);
			expect(await store.apiKeys.count()).toBe(1);
			const key = made.find(Boolean)!;
			expect(await other.apiKeys.byHash(key.key_hash)).toMatchObject({ id: key.id, revoked_at: null });
			expect(await store.apiKeys.revoke(key.name)).toBe(1);
			expect((await other.apiKeys.byHash(key.key_hash))!.revoked_at).toMatch(/^\d{4}-/);
			expect(await other.apiKeys.insertIfNone(row('late'))).toBeNull();
			expect((await store.apiKeys.list()).map((k) => k.name)).toEqual([key.name]);
		});

		it('settings: the first value stays', async () => {
			expect(await store.settings.get('x')).toBeNull();
			expect(await store.settings.setIfAbsent('x', 'one')).toBe('one');
			expect(await (await another()).settings.setIfAbsent('x', 'two')).toBe('one');
		});
	});

	describe('templates at rest', () => {
		it('are AES-GCM ciphertext, not the float bytes, and read back exactly', async () => {
			const vector = vec(0.5, -0.5, 0.5, 0.5);
			await store.people.enroll({ name: 'Enc' }, { id: 'enc', name: 'Enc' }, [{ vector }], MODEL);
			const [row] = await backend.raw(store, 'SELECT vector, key_id FROM person_embeddings');
			expect(row.key_id).toBe(store.cipher.currentKeyId);
			const bytes = Buffer.from(row.vector as Uint8Array);
			expect(bytes.byteLength).toBe(16 + 12 + 16);
			expect(bytes.includes(Buffer.from(vectorToBlob(vector)))).toBe(false);
			expect((await store.people.gallery(MODEL)).toTemplates()[0].members).toEqual([vector]);
		});

		it('a key rotation re-encrypts every row; the old key is then not needed', async () => {
			const oldKey = randomBytes(32);
			const newKey = randomBytes(32);
			await store.close();
			store = await backend.open(new TemplateCipher(oldKey));
			await store.people.enroll({ name: 'Amy' }, { id: 'p1', name: 'Amy' }, [{ vector: vec(0, 1) }], MODEL);
			const ana = await store.users.create('Ana', 'ana@example.com');
			await store.users.replaceEmbeddings(ana.id, [{ vector: vec(1, 0) }], MODEL);
			const rotating = await another(new TemplateCipher(newKey, [oldKey]));
			expect(await rotating.reencryptRows()).toBe(2);
			const after = await another(new TemplateCipher(newKey));
			expect((await after.people.gallery(MODEL)).toTemplates()[0].members).toEqual([vec(0, 1)]);
			expect((await after.users.gallery(MODEL)).toTemplates()[0].members).toEqual([vec(1, 0)]);
		});
	});
});
