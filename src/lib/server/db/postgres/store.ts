import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { CoreError } from '../../../core/errors';
import type { GalleryMatrix, ScoreStrategy } from '../../../core/gallery';
import type { TemplateCipher } from '../../secrets/template-cipher';
import {
	RETENTION_MS,
	type ApiKeyRow,
	type ApiKeysStore,
	type AttemptStore,
	type PersonEnrolment,
	type PeopleStore,
	type PersonRow,
	type PersonSummary,
	type SettingsStore,
	type Store,
	type UserRow,
	type UsersStore,
	type UserSummary
} from '../store';
import type { EmbedderRef, NewEmbedding } from '../types';
import { NOT_YOUR_ENROLMENT } from '../users';
import { vectorToBlob } from '../vectors';
import { ChangeListener, GalleryCache, type OwnerKind } from './galleries';
import { iso, migratePostgres, pgSchemaVersion } from './migrations';
import { VECTOR_MIGRATION, VectorIndex, vectorAvailable } from './vector-index';
import { inTransaction } from './transaction';

// BIGINT (20) and NUMERIC (1700: SUM) as JS numbers: every value here (ids < 2^48, counts, ms) is a safe integer.
const types = {
	getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
		oid === 20 || oid === 1700
			? (value: string) => Number(value)
			: pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser
};

/** Unique violation, with the constraint (index) it hit. */
function uniqueViolation(error: unknown): string | null {
	const e = error as { code?: string; constraint?: string };
	return e?.code === '23505' ? (e.constraint ?? '') : null;
}

export interface PostgresOptions {
	cipher: TemplateCipher;
	/** Connections per process (each server worker has its own pool). */
	poolMax?: number;
	/** Milliseconds a statement may run before it is cancelled (then 503 BUSY). */
	statementTimeoutMs?: number;
	/**
	 * PG_VECTOR_INDEX=on: where the pgvector extension is available, keep person templates also as PLAINTEXT
	 * vectors with HNSW indexes (migration 6) and serve 1:N from them. Off, or without the extension: brute
	 * force in memory, as without this option.
	 */
	vectorIndex?: boolean;
	/** People fetched per face by the index (PG_VECTOR_CANDIDATES). */
	vectorCandidates?: number;
	/** HNSW's search list per query (PG_VECTOR_EF_SEARCH; pgvector's own default, 40, loses runners-up). */
	vectorEfSearch?: number;
}

/**
 * The optional pgvector index's state in this database and process: `absent` (no migration 6), `maintained`
 * (the tables exist, so writes keep them in step, but this replica matches in memory: PG_VECTOR_INDEX is off
 * here), `serving` (writes keep them in step and 1:N reads candidates from the index).
 */
export type VectorIndexState = 'absent' | 'maintained' | 'serving';

type Queryable = pg.Pool | pg.PoolClient;

const EMBEDDING_COLUMNS = '(embedder, embedder_version, dim, vector, key_id, source, detector_score)';

async function insertEmbeddings(
	client: Queryable,
	cipher: TemplateCipher,
	table: 'person_embeddings' | 'user_embeddings',
	ownerColumn: 'person_id' | 'user_id',
	ownerId: string | number,
	embeddings: readonly NewEmbedding[],
	model: EmbedderRef
): Promise<{ id: number; vector: Float32Array }[]> {
	const stored: { id: number; vector: Float32Array }[] = [];
	for (const e of embeddings) {
		if (e.vector.length === 0) throw new CoreError('BAD_REQUEST', 'An embedding is empty.');
		const { blob, keyId } = cipher.encrypt(vectorToBlob(e.vector));
		const { rows } = await client.query(
			`INSERT INTO ${table} (${ownerColumn}, ${EMBEDDING_COLUMNS.slice(1)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			[
				ownerId,
				model.embedder,
				model.version,
				e.vector.length,
				Buffer.from(blob),
				keyId,
				e.source ?? null,
				e.detectorScore ?? null
			]
		);
		stored.push({ id: rows[0].id as number, vector: e.vector });
	}
	return stored;
}

const PERSON_COLUMNS = `id, name, ${iso('created_at')}, ${iso('updated_at')}`;
const USER_COLUMNS = `id, name, email, token_version, enrolment_hash, enrolment_expires_ms, ${iso('created_at')}, ${iso('updated_at')}`;

class PgPeopleStore implements PeopleStore {
	constructor(
		private readonly pool: pg.Pool,
		private readonly cipher: TemplateCipher,
		private readonly galleries: GalleryCache,
		/** The pgvector tables, kept in step by every write when they exist (state `maintained` or `serving`). */
		private readonly vectors: VectorIndex | null = null,
		/** 1:N reads candidates from the index instead of the in-memory gallery (state `serving`). */
		private readonly serveFromIndex = false
	) {}

	private async getWith(client: Queryable, id: string, lock = false): Promise<PersonRow | null> {
		const { rows } = await client.query(
			`SELECT ${PERSON_COLUMNS} FROM people WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
			[id]
		);
		return (rows[0] as PersonRow | undefined) ?? null;
	}

	private async findByNameWith(client: Queryable, name: string, lock = false): Promise<PersonRow | null> {
		const { rows } = await client.query(
			`SELECT ${PERSON_COLUMNS} FROM people WHERE lower(name) = lower($1)${lock ? ' FOR UPDATE' : ''}`,
			[name]
		);
		return (rows[0] as PersonRow | undefined) ?? null;
	}

	get(id: string): Promise<PersonRow | null> {
		return this.getWith(this.pool, id);
	}

	findByName(name: string): Promise<PersonRow | null> {
		return this.findByNameWith(this.pool, name);
	}

	private summarySql(where: string): string {
		return `SELECT p.id, p.name, ${iso('p.created_at')}, ${iso('p.updated_at')},
				COUNT(e.id) FILTER (WHERE e.embedder = $1 AND e.embedder_version = $2)::int AS embeddings,
				COUNT(e.id) FILTER (WHERE NOT (e.embedder = $1 AND e.embedder_version = $2))::int AS other_model_embeddings
			FROM people p LEFT JOIN person_embeddings e ON e.person_id = p.id ${where} GROUP BY p.id`;
	}

	async list(model: EmbedderRef): Promise<PersonSummary[]> {
		const { rows } = await this.pool.query(`${this.summarySql('')} ORDER BY lower(p.name), p.id`, [
			model.embedder,
			model.version
		]);
		return rows as PersonSummary[];
	}

	async summary(id: string, model: EmbedderRef): Promise<PersonSummary | null> {
		const { rows } = await this.pool.query(this.summarySql('WHERE p.id = $3'), [
			model.embedder,
			model.version,
			id
		]);
		return (rows[0] as PersonSummary | undefined) ?? null;
	}

	async enroll(
		lookup: { id: string } | { name: string },
		create: { id: string; name: string },
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef
	): Promise<PersonEnrolment> {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		try {
			const result = await inTransaction(this.pool, async (client): Promise<PersonEnrolment> => {
				let person =
					'id' in lookup
						? await this.getWith(client, lookup.id, true)
						: await this.findByNameWith(client, lookup.name, true);
				const created = !person;
				if (!person) {
					const clash = await this.findByNameWith(client, create.name);
					if (clash)
						throw new CoreError('CONFLICT', `The name '${create.name}' belongs to person ${clash.id}.`);
					// A concurrent insert of the same id or name (another replica) fails on the unique index below.
					await client.query('INSERT INTO people (id, name) VALUES ($1, $2)', [create.id, create.name]);
					person = (await this.getWith(client, create.id))!;
				} else {
					await client.query('UPDATE people SET updated_at = now() WHERE id = $1', [person.id]);
				}
				const stored = await insertEmbeddings(
					client,
					this.cipher,
					'person_embeddings',
					'person_id',
					person.id,
					embeddings,
					model
				);
				// Same transaction: the plaintext copy and the centroid never differ from the templates.
				await this.vectors?.added(client, person.id, model, stored);
				return { person: (await this.getWith(client, person.id))!, created, added: embeddings.length };
			});
			this.galleries.changed('people', result.person.id);
			return result;
		} catch (error) {
			const constraint = uniqueViolation(error);
			if (constraint === 'people_name')
				throw new CoreError('CONFLICT', `The name '${create.name}' belongs to another person.`);
			if (constraint === 'people_pkey')
				throw new CoreError('CONFLICT', `Person id '${create.id}' already exists.`);
			throw error;
		}
	}

	async delete(id: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('DELETE FROM people WHERE id = $1', [id]);
		this.galleries.changed('people', id);
		return (rowCount ?? 0) > 0;
	}

	async countEmbeddings(personId?: string): Promise<number> {
		const { rows } =
			personId === undefined
				? await this.pool.query('SELECT COUNT(*) AS n FROM person_embeddings')
				: await this.pool.query('SELECT COUNT(*) AS n FROM person_embeddings WHERE person_id = $1', [
						personId
					]);
		return rows[0].n;
	}

	gallery(model: EmbedderRef): Promise<GalleryMatrix> {
		return this.galleries.gallery('people', model);
	}

	galleryFor(
		queries: readonly ArrayLike<number>[],
		model: EmbedderRef,
		strategy: ScoreStrategy
	): Promise<GalleryMatrix> {
		if (this.vectors && this.serveFromIndex) return this.vectors.gallery(this.pool, queries, model, strategy);
		return this.gallery(model);
	}

	async warm(model: EmbedderRef): Promise<void> {
		if (!this.serveFromIndex) await this.gallery(model);
	}
}

class PgUsersStore implements UsersStore {
	constructor(
		private readonly pool: pg.Pool,
		private readonly cipher: TemplateCipher,
		private readonly galleries: GalleryCache
	) {}

	private async getWith(client: Queryable, id: number, lock = false): Promise<UserRow | null> {
		const { rows } = await client.query(
			`SELECT ${USER_COLUMNS} FROM users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
			[id]
		);
		return (rows[0] as UserRow | undefined) ?? null;
	}

	get(id: number): Promise<UserRow | null> {
		return this.getWith(this.pool, id);
	}

	async summary(id: number, model: EmbedderRef): Promise<UserSummary | null> {
		const { rows } = await this.pool.query(
			`SELECT u.id, u.name, u.email, u.token_version, u.enrolment_hash, u.enrolment_expires_ms,
				${iso('u.created_at')}, ${iso('u.updated_at')},
				COUNT(e.id) FILTER (WHERE e.embedder = $2 AND e.embedder_version = $3)::int AS embeddings,
				COUNT(e.id) FILTER (WHERE NOT (e.embedder = $2 AND e.embedder_version = $3))::int AS other_model_embeddings
			 FROM users u LEFT JOIN user_embeddings e ON e.user_id = u.id WHERE u.id = $1 GROUP BY u.id`,
			[id, model.embedder, model.version]
		);
		return (rows[0] as UserSummary | undefined) ?? null;
	}

	async create(name: string, email: string): Promise<UserRow> {
		try {
			const id = randomInt(1, 2 ** 48);
			await this.pool.query('INSERT INTO users (id, name, email) VALUES ($1, $2, $3)', [id, name, email]);
			return (await this.get(id))!;
		} catch (error) {
			if (uniqueViolation(error) === 'users_email')
				throw new CoreError('CONFLICT', `A user with e-mail ${email} already exists.`);
			throw error;
		}
	}

	async update(id: number, changes: { name?: string; email?: string }): Promise<UserRow> {
		const current = await this.get(id);
		if (!current) throw new CoreError('NOT_FOUND', `User ${id} does not exist.`);
		try {
			await this.pool.query('UPDATE users SET name = $1, email = $2, updated_at = now() WHERE id = $3', [
				changes.name ?? current.name,
				changes.email ?? current.email,
				id
			]);
		} catch (error) {
			if (uniqueViolation(error) === 'users_email')
				throw new CoreError('CONFLICT', `A user with e-mail ${changes.email} already exists.`);
			throw error;
		}
		if (changes.name !== undefined) this.galleries.changed('users', String(id));
		return (await this.get(id))!;
	}

	async replaceEmbeddings(
		userId: number,
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef,
		options: { enrolmentHash?: string | null; nowMs?: number } = {}
	): Promise<number> {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		await inTransaction(this.pool, async (client) => {
			if (
				options.enrolmentHash &&
				!(await this.consumeWith(client, userId, options.enrolmentHash, options.nowMs))
			) {
				throw new CoreError('UNAUTHORIZED', NOT_YOUR_ENROLMENT);
			}
			if (!(await this.getWith(client, userId, true)))
				throw new CoreError('NOT_FOUND', `User ${userId} does not exist.`);
			await client.query(
				'DELETE FROM user_embeddings WHERE user_id = $1 AND embedder = $2 AND embedder_version = $3',
				[userId, model.embedder, model.version]
			);
			await insertEmbeddings(client, this.cipher, 'user_embeddings', 'user_id', userId, embeddings, model);
			await this.bumpWith(client, userId);
		});
		this.galleries.changed('users', String(userId));
		return embeddings.length;
	}

	private async bumpWith(client: Queryable, userId: number): Promise<void> {
		await client.query(
			`UPDATE users SET token_version = token_version + 1, enrolment_hash = NULL, enrolment_expires_ms = NULL
			 WHERE id = $1`,
			[userId]
		);
	}

	bumpTokenVersion(userId: number): Promise<void> {
		return this.bumpWith(this.pool, userId);
	}

	async setEnrolmentToken(userId: number, hash: string, expiresMs: number): Promise<void> {
		await this.pool.query('UPDATE users SET enrolment_hash = $1, enrolment_expires_ms = $2 WHERE id = $3', [
			hash,
			expiresMs,
			userId
		]);
	}

	private async consumeWith(client: Queryable, userId: number, hash: string, nowMs = Date.now()) {
		const { rowCount } = await client.query(
			`UPDATE users SET enrolment_hash = NULL, enrolment_expires_ms = NULL
			 WHERE id = $1 AND enrolment_hash = $2 AND enrolment_expires_ms > $3`,
			[userId, hash, nowMs]
		);
		return rowCount === 1;
	}

	consumeEnrolmentToken(userId: number, hash: string, nowMs: number): Promise<boolean> {
		return this.consumeWith(this.pool, userId, hash, nowMs);
	}

	async delete(userId: number): Promise<boolean> {
		const deleted = await inTransaction(this.pool, async (client) => {
			const { rowCount } = await client.query('DELETE FROM users WHERE id = $1', [userId]);
			// The per-account login attempts name the user too.
			if (rowCount) await client.query('DELETE FROM login_failures WHERE client = $1', [`account:${userId}`]);
			return (rowCount ?? 0) > 0;
		});
		this.galleries.changed('users', String(userId));
		return deleted;
	}

	async countEmbeddings(userId?: number): Promise<number> {
		const { rows } =
			userId === undefined
				? await this.pool.query('SELECT COUNT(*) AS n FROM user_embeddings')
				: await this.pool.query('SELECT COUNT(*) AS n FROM user_embeddings WHERE user_id = $1', [userId]);
		return rows[0].n;
	}

	gallery(model: EmbedderRef): Promise<GalleryMatrix> {
		return this.galleries.gallery('users', model);
	}
}

type NewKey = { name: string; scopes: string; key_hash: string; prefix: string };
const KEY_COLUMNS = `id, name, scopes, key_hash, prefix, ${iso('created_at')}, ${iso('last_used_at')}, ${iso('revoked_at')}`;

class PgApiKeysStore implements ApiKeysStore {
	constructor(private readonly pool: pg.Pool) {}

	private async insertWith(client: Queryable, row: NewKey): Promise<ApiKeyRow> {
		const id = `key_${randomBytes(6).toString('hex')}`;
		const { rows } = await client.query(
			`INSERT INTO api_keys (id, name, scopes, key_hash, prefix) VALUES ($1, $2, $3, $4, $5) RETURNING ${KEY_COLUMNS}`,
			[id, row.name, row.scopes, row.key_hash, row.prefix]
		);
		return rows[0] as ApiKeyRow;
	}

	insert(row: NewKey): Promise<ApiKeyRow> {
		return this.insertWith(this.pool, row);
	}

	insertIfNone(row: NewKey): Promise<ApiKeyRow | null> {
		// The table lock (against other inserts, not readers) makes "count, then insert" one step across replicas.
		return inTransaction(this.pool, async (client) => {
			await client.query('LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE');
			const { rows } = await client.query('SELECT COUNT(*) AS n FROM api_keys');
			return rows[0].n > 0 ? null : this.insertWith(client, row);
		});
	}

	async byHash(hash: string): Promise<ApiKeyRow | null> {
		const { rows } = await this.pool.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`, [hash]);
		return (rows[0] as ApiKeyRow | undefined) ?? null;
	}

	async list(): Promise<ApiKeyRow[]> {
		const { rows } = await this.pool.query(
			`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY api_keys.created_at, id`
		);
		return rows as ApiKeyRow[];
	}

	async count(): Promise<number> {
		const { rows } = await this.pool.query('SELECT COUNT(*) AS n FROM api_keys');
		return rows[0].n;
	}

	async revoke(idOrName: string): Promise<number> {
		const { rowCount } = await this.pool.query(
			'UPDATE api_keys SET revoked_at = now() WHERE (id = $1 OR name = $1) AND revoked_at IS NULL',
			[idOrName]
		);
		return rowCount ?? 0;
	}
}

class PgAttemptStore implements AttemptStore {
	constructor(private readonly pool: pg.Pool) {}

	private async recentWith(client: Queryable, key: string, sinceMs: number): Promise<number[]> {
		const { rows } = await client.query(
			'SELECT at_ms FROM login_failures WHERE client = $1 AND at_ms > $2 ORDER BY at_ms',
			[key, sinceMs]
		);
		return rows.map((r) => r.at_ms as number);
	}

	recent(key: string, sinceMs: number): Promise<number[]> {
		return this.recentWith(this.pool, key, sinceMs);
	}

	tryAdd(
		key: string,
		atMs: number,
		sinceMs: number,
		max: number
	): Promise<{ added: boolean; recent: number[] }> {
		return inTransaction(this.pool, async (client) => {
			// One key at a time across every replica: the check and the insert cannot interleave.
			await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
			const recent = await this.recentWith(client, key, sinceMs);
			if (recent.length >= max) return { added: false, recent };
			await client.query('DELETE FROM login_failures WHERE client = $1 AND at_ms <= $2', [key, sinceMs]);
			await client.query('DELETE FROM login_failures WHERE at_ms <= $1', [atMs - RETENTION_MS]);
			await client.query('INSERT INTO login_failures (client, at_ms) VALUES ($1, $2)', [key, atMs]);
			return { added: true, recent };
		});
	}
}

class PgSettingsStore implements SettingsStore {
	constructor(private readonly pool: pg.Pool) {}

	async get(key: string): Promise<string | null> {
		const { rows } = await this.pool.query('SELECT value FROM settings WHERE key = $1', [key]);
		return (rows[0]?.value as string | undefined) ?? null;
	}

	async setIfAbsent(key: string, value: string): Promise<string> {
		await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
			key,
			value
		]);
		return (await this.get(key))!;
	}
}

const TABLES: { table: string; kind: OwnerKind; owner: string }[] = [
	{ table: 'person_embeddings', kind: 'people', owner: 'person_id' },
	{ table: 'user_embeddings', kind: 'users', owner: 'user_id' }
];

/** The Store on PostgreSQL (DATABASE_URL): shared by every replica; each keeps its galleries in memory. */
export class PostgresStore implements Store {
	readonly kind = 'postgres' as const;
	readonly people: PgPeopleStore;
	readonly users: PgUsersStore;
	readonly apiKeys: PgApiKeysStore;
	readonly attempts: PgAttemptStore;
	readonly settings: PgSettingsStore;

	constructor(
		readonly pool: pg.Pool,
		readonly cipher: TemplateCipher,
		private readonly listener: ChangeListener,
		readonly galleries: GalleryCache,
		readonly vectorIndex: VectorIndexState = 'absent',
		readonly vectors: VectorIndex | null = null
	) {
		this.people = new PgPeopleStore(pool, cipher, galleries, vectors, vectorIndex === 'serving');
		this.users = new PgUsersStore(pool, cipher, galleries);
		this.apiKeys = new PgApiKeysStore(pool);
		this.attempts = new PgAttemptStore(pool);
		this.settings = new PgSettingsStore(pool);
	}

	schemaVersion(): Promise<number> {
		return pgSchemaVersion(this.pool);
	}

	async reencryptRows({ onlyPlaintext = false } = {}): Promise<number> {
		const changed = await inTransaction(this.pool, async (client) => {
			let count = 0;
			for (const t of TABLES) {
				const { rows } = onlyPlaintext
					? await client.query(`SELECT id, vector, key_id FROM ${t.table} WHERE key_id IS NULL FOR UPDATE`)
					: await client.query(
							`SELECT id, vector, key_id FROM ${t.table} WHERE key_id IS NULL OR key_id != $1 FOR UPDATE`,
							[this.cipher.currentKeyId]
						);
				for (const row of rows) {
					const { blob, keyId } = this.cipher.encrypt(
						this.cipher.decrypt(new Uint8Array(row.vector), row.key_id)
					);
					await client.query(`UPDATE ${t.table} SET vector = $1, key_id = $2 WHERE id = $3`, [
						Buffer.from(blob),
						keyId,
						row.id
					]);
					count++;
				}
			}
			return count;
		});
		if (changed > 0) this.galleries.invalidateAll();
		return changed;
	}

	async close(): Promise<void> {
		await this.listener.close();
		await this.pool.end();
	}
}

/** Connects, migrates, encrypts rows from before encryption, and starts listening for other replicas' changes. */
export async function openPostgresStore(url: string, options: PostgresOptions): Promise<PostgresStore> {
	const pool = new pg.Pool({
		connectionString: url,
		max: options.poolMax ?? 10,
		types,
		statement_timeout: options.statementTimeoutMs ?? 30_000,
		application_name: 'me-verifier'
	});
	// An idle client that loses its connection emits here; without a listener that would crash the process.
	pool.on('error', (error) => console.warn('[me-verifier] PostgreSQL pool:', error.message));
	let listener: ChangeListener | null = null;
	try {
		const vectors = new VectorIndex(options.cipher, options.vectorCandidates, options.vectorEfSearch);
		const client = await pool.connect();
		let state: VectorIndexState;
		try {
			const wanted = options.vectorIndex === true;
			const available = wanted && (await vectorAvailable(client));
			if (wanted && !available) {
				console.warn(
					'[me-verifier] PG_VECTOR_INDEX=on, but this PostgreSQL has no pgvector (`vector` not in ' +
						'pg_available_extensions): 1:N stays brute force in memory.'
				);
			}
			await migratePostgres(client, undefined, { vector: available ? vectors : null });
			const { rows } = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
				VECTOR_MIGRATION
			]);
			state = rows.length === 0 ? 'absent' : available ? 'serving' : 'maintained';
		} finally {
			client.release();
		}
		if (state === 'serving') {
			console.warn(
				'[me-verifier] PG_VECTOR_INDEX=on: person templates are ALSO stored as PLAINTEXT vectors ' +
					'(person_vectors, person_centroids) for the HNSW index, so encryption at rest no longer covers ' +
					'them; 1:N reads its candidates from the index.'
			);
		} else if (state === 'maintained') {
			console.warn(
				'[me-verifier] This database keeps plaintext pgvector copies of person templates (migration 6); ' +
					'this replica keeps them in step but matches in memory (PG_VECTOR_INDEX is not on here).'
			);
		}
		const galleries = new GalleryCache(pool, options.cipher);
		listener = new ChangeListener({ connectionString: url, types }, galleries);
		await listener.start();
		const store = new PostgresStore(
			pool,
			options.cipher,
			listener,
			galleries,
			state,
			state === 'absent' ? null : vectors
		);
		const pending = await pool.query(
			'SELECT EXISTS (SELECT 1 FROM person_embeddings WHERE key_id IS NULL) OR EXISTS (SELECT 1 FROM user_embeddings WHERE key_id IS NULL) AS pending'
		);
		if (pending.rows[0].pending) await store.reencryptRows({ onlyPlaintext: true });
		return store;
	} catch (error) {
		await listener?.close().catch(() => undefined);
		await pool.end().catch(() => undefined);
		throw error;
	}
}
