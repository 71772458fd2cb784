import type pg from 'pg';

export interface PgMigration {
	version: number;
	name: string;
	sql: string;
	/**
	 * Applied only when the installation asks for it and can (`vector`: PG_VECTOR_INDEX=on and the pgvector
	 * extension available); skipped otherwise, and applied later if that changes. Once applied it is recorded
	 * like any other, so a release that does not know it refuses the database.
	 */
	optional?: 'vector';
}

/** What `migratePostgres` may apply beyond the mandatory migrations. */
export interface MigrateOptions {
	/** Apply the optional `vector` migration, then fill its tables from the encrypted templates. */
	vector?: { fill(client: pg.ClientBase): Promise<void> } | null;
}

/** UTC ISO-8601 text with milliseconds, the same shape SQLite's rows have (`2026-01-31T12:00:00.000Z`). */
export const iso = (column: string) =>
	`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column.replace(/^\w+\./, '')}`;

/**
 * PostgreSQL's migrations: the same versions, names and meaning as SQLite's (`../migrations.ts`), in
 * PostgreSQL's dialect, then the PostgreSQL-only ones (5: change notifications for replicas' caches; 6: the
 * optional pgvector tables, `./vector-index.ts`). Append-only, like SQLite's: a released migration is never edited.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
	{
		version: 1,
		name: 'people and their embeddings',
		sql: `
			CREATE TABLE people (
				id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			CREATE UNIQUE INDEX people_name ON people (lower(name));
			CREATE TABLE person_embeddings (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BYTEA NOT NULL CONSTRAINT person_embeddings_plain_length CHECK (length(vector) = dim * 4),
				source TEXT,
				detector_score REAL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			CREATE INDEX person_embeddings_by_model ON person_embeddings (embedder, embedder_version, person_id);
			CREATE INDEX person_embeddings_by_person ON person_embeddings (person_id);
		`
	},
	{
		version: 2,
		name: 'face-login users and their embeddings',
		sql: `
			CREATE TABLE users (
				id BIGINT PRIMARY KEY,
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			CREATE UNIQUE INDEX users_email ON users (lower(email));
			CREATE TABLE user_embeddings (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BYTEA NOT NULL CONSTRAINT user_embeddings_plain_length CHECK (length(vector) = dim * 4),
				source TEXT,
				detector_score REAL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now()
			);
			CREATE INDEX user_embeddings_by_model ON user_embeddings (embedder, embedder_version, user_id);
			CREATE INDEX user_embeddings_by_user ON user_embeddings (user_id);
		`
	},
	{
		version: 3,
		name: 'state shared by server workers: failed logins, settings',
		sql: `
			CREATE TABLE login_failures (
				client TEXT NOT NULL,
				at_ms BIGINT NOT NULL
			);
			CREATE INDEX login_failures_by_client ON login_failures (client, at_ms);
			CREATE INDEX login_failures_by_time ON login_failures (at_ms);
			CREATE TABLE settings (
				key TEXT PRIMARY KEY,
				value TEXT NOT NULL
			);
		`
	},
	{
		version: 4,
		name: 'security: API keys, token versions, enrolment tokens, encrypted templates',
		sql: `
			CREATE TABLE api_keys (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				scopes TEXT NOT NULL,
				key_hash TEXT NOT NULL UNIQUE,
				prefix TEXT NOT NULL,
				created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				last_used_at TIMESTAMPTZ,
				revoked_at TIMESTAMPTZ
			);
			ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
			ALTER TABLE users ADD COLUMN enrolment_hash TEXT;
			ALTER TABLE users ADD COLUMN enrolment_expires_ms BIGINT;
			ALTER TABLE person_embeddings DROP CONSTRAINT person_embeddings_plain_length;
			ALTER TABLE person_embeddings ADD COLUMN key_id TEXT;
			ALTER TABLE user_embeddings DROP CONSTRAINT user_embeddings_plain_length;
			ALTER TABLE user_embeddings ADD COLUMN key_id TEXT;
		`
	},
	{
		version: 5,
		name: 'change notifications: replicas refresh their in-memory galleries (LISTEN me_verifier_changes)',
		// Payload 'people:<id>' or 'users:<id>': whose templates changed. NOTIFY is sent at commit (and only
		// then), and equal payloads in one transaction are sent once.
		sql: `
			CREATE FUNCTION me_verifier_notify_owner() RETURNS trigger LANGUAGE plpgsql AS $$
			DECLARE
				row_data RECORD;
			BEGIN
				IF TG_OP = 'DELETE' THEN row_data := OLD; ELSE row_data := NEW; END IF;
				IF TG_TABLE_NAME = 'person_embeddings' THEN
					PERFORM pg_notify('me_verifier_changes', 'people:' || row_data.person_id);
				ELSIF TG_TABLE_NAME = 'user_embeddings' THEN
					PERFORM pg_notify('me_verifier_changes', 'users:' || row_data.user_id);
				ELSIF TG_TABLE_NAME = 'people' THEN
					PERFORM pg_notify('me_verifier_changes', 'people:' || row_data.id);
				ELSE
					PERFORM pg_notify('me_verifier_changes', 'users:' || row_data.id);
				END IF;
				RETURN NULL;
			END $$;
			CREATE TRIGGER person_embeddings_changed AFTER INSERT OR UPDATE OR DELETE ON person_embeddings
				FOR EACH ROW EXECUTE FUNCTION me_verifier_notify_owner();
			CREATE TRIGGER user_embeddings_changed AFTER INSERT OR UPDATE OR DELETE ON user_embeddings
				FOR EACH ROW EXECUTE FUNCTION me_verifier_notify_owner();
			CREATE TRIGGER people_changed AFTER UPDATE OF name OR DELETE ON people
				FOR EACH ROW EXECUTE FUNCTION me_verifier_notify_owner();
			CREATE TRIGGER users_changed AFTER UPDATE OF name OR DELETE ON users
				FOR EACH ROW EXECUTE FUNCTION me_verifier_notify_owner();
		`
	},
	{
		version: 6,
		name: 'optional: person templates as pgvector vectors for an HNSW index (PLAINTEXT; PG_VECTOR_INDEX=on)',
		optional: 'vector',
		// Untyped `vector` columns: people may hold embeddings of several models (and sizes); each model gets
		// its own partial HNSW index over `embedding::vector(N)` (N its size), made on first use
		// (vector-index.ts). Rows go when their embedding or person goes (ON DELETE CASCADE). Members are stored
		// unit length, so a person's centroid is the plain average of theirs.
		sql: `
			CREATE EXTENSION IF NOT EXISTS vector;
			CREATE TABLE person_vectors (
				embedding_id BIGINT PRIMARY KEY REFERENCES person_embeddings (id) ON DELETE CASCADE,
				person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				embedding vector NOT NULL
			);
			CREATE INDEX person_vectors_by_person ON person_vectors (person_id, embedder, embedder_version);
			CREATE TABLE person_centroids (
				person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				centroid vector NOT NULL,
				PRIMARY KEY (person_id, embedder, embedder_version)
			);
		`
	}
];

/** The newest mandatory migration: what a database without the optional ones is at. */
export const PG_LATEST_REQUIRED = PG_MIGRATIONS.filter((m) => !m.optional).reduce(
	(max, m) => Math.max(max, m.version),
	0
);

/** Any number: the session-level advisory lock that lets one replica at a time migrate. */
const MIGRATION_LOCK = 0x6d655f76; // 'me_v'

/**
 * Brings the schema up to the newest version, one transaction per migration, recorded in `schema_migrations`,
 * under an advisory lock so replicas starting together apply each migration once. Optional migrations are
 * applied only when `options` ask for them (and later, when they first do). A database from a newer release is
 * refused rather than half-understood.
 */
export async function migratePostgres(
	client: pg.ClientBase,
	migrations: readonly PgMigration[] = PG_MIGRATIONS,
	options: MigrateOptions = {}
): Promise<number[]> {
	const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
	await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
	try {
		await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
		)`);
		const current = await pgSchemaVersion(client);
		const done = new Set(
			(await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version))
		);
		if (current > latest) {
			throw new Error(
				`The database schema is version ${current} but this release only knows up to ${latest}; ` +
					'use a newer release or another DATABASE_URL.'
			);
		}
		const applied: number[] = [];
		for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
			if (done.has(migration.version)) continue;
			if (migration.optional === 'vector' && !options.vector) continue;
			await client.query('BEGIN');
			try {
				await client.query(migration.sql);
				if (migration.optional === 'vector') await options.vector!.fill(client);
				await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
					migration.version,
					migration.name
				]);
				await client.query('COMMIT');
			} catch (error) {
				await client.query('ROLLBACK');
				throw error;
			}
			applied.push(migration.version);
		}
		return applied;
	} finally {
		await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
	}
}

export async function pgSchemaVersion(client: pg.ClientBase | pg.Pool): Promise<number> {
	const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
	return Number(rows[0].v);
}
