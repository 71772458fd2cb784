import type { SqliteDb } from './sqlite';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * Append-only: a released migration is never edited, a change is a new version.
 * Embeddings carry the embedder id and version that produced them, and their size,
 * so a model change never compares vectors from different models.
 */
export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'people and their embeddings',
		sql: `
			CREATE TABLE people (
				id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				created_at TEXT NOT NULL DEFAULT ${NOW},
				updated_at TEXT NOT NULL DEFAULT ${NOW}
			);
			CREATE UNIQUE INDEX people_name ON people (name COLLATE NOCASE);
			CREATE TABLE person_embeddings (
				id INTEGER PRIMARY KEY,
				person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
				source TEXT,
				detector_score REAL,
				created_at TEXT NOT NULL DEFAULT ${NOW}
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
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				email TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
				created_at TEXT NOT NULL DEFAULT ${NOW},
				updated_at TEXT NOT NULL DEFAULT ${NOW}
			);
			CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);
			CREATE TABLE user_embeddings (
				id INTEGER PRIMARY KEY,
				user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
				source TEXT,
				detector_score REAL,
				created_at TEXT NOT NULL DEFAULT ${NOW}
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
				at_ms INTEGER NOT NULL
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
		// Vectors become AES-GCM ciphertext (key_id names the key; NULL = a plaintext row from before, encrypted
		// at start), so the plaintext-length CHECK goes: SQLite needs the tables rebuilt to drop it.
		sql: `
			CREATE TABLE api_keys (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
				scopes TEXT NOT NULL,
				key_hash TEXT NOT NULL UNIQUE,
				prefix TEXT NOT NULL,
				created_at TEXT NOT NULL DEFAULT ${NOW},
				last_used_at TEXT,
				revoked_at TEXT
			);
			ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
			ALTER TABLE users ADD COLUMN enrolment_hash TEXT;
			ALTER TABLE users ADD COLUMN enrolment_expires_ms INTEGER;
			CREATE TABLE person_embeddings_v4 (
				id INTEGER PRIMARY KEY,
				person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BLOB NOT NULL,
				key_id TEXT,
				source TEXT,
				detector_score REAL,
				created_at TEXT NOT NULL DEFAULT ${NOW}
			);
			INSERT INTO person_embeddings_v4 (id, person_id, embedder, embedder_version, dim, vector, key_id, source, detector_score, created_at)
				SELECT id, person_id, embedder, embedder_version, dim, vector, NULL, source, detector_score, created_at FROM person_embeddings;
			DROP TABLE person_embeddings;
			ALTER TABLE person_embeddings_v4 RENAME TO person_embeddings;
			CREATE INDEX person_embeddings_by_model ON person_embeddings (embedder, embedder_version, person_id);
			CREATE INDEX person_embeddings_by_owner ON person_embeddings (person_id);
			CREATE TABLE user_embeddings_v4 (
				id INTEGER PRIMARY KEY,
				user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
				embedder TEXT NOT NULL,
				embedder_version TEXT NOT NULL,
				dim INTEGER NOT NULL CHECK (dim > 0),
				vector BLOB NOT NULL,
				key_id TEXT,
				source TEXT,
				detector_score REAL,
				created_at TEXT NOT NULL DEFAULT ${NOW}
			);
			INSERT INTO user_embeddings_v4 (id, user_id, embedder, embedder_version, dim, vector, key_id, source, detector_score, created_at)
				SELECT id, user_id, embedder, embedder_version, dim, vector, NULL, source, detector_score, created_at FROM user_embeddings;
			DROP TABLE user_embeddings;
			ALTER TABLE user_embeddings_v4 RENAME TO user_embeddings;
			CREATE INDEX user_embeddings_by_model ON user_embeddings (embedder, embedder_version, user_id);
			CREATE INDEX user_embeddings_by_owner ON user_embeddings (user_id);
		`
	}
];

export function schemaVersion(db: SqliteDb): number {
	return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the schema up to the newest version, one transaction per migration, and records each in
 * `schema_migrations`. A database from a newer release is refused rather than half-understood.
 */
export function migrate(db: SqliteDb, migrations: readonly Migration[] = MIGRATIONS): number[] {
	const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
	const current = schemaVersion(db);
	if (current > latest) {
		throw new Error(
			`The database schema is version ${current} but this release only knows up to ${latest}; ` +
				'use a newer release or another DB_PATH.'
		);
	}
	db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT ${NOW}
	)`);
	const applied: number[] = [];
	const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
	for (const migration of pending) {
		// IMMEDIATE takes the write lock first: server workers starting together must not both apply it.
		db.transaction(() => {
			if (schemaVersion(db) >= migration.version) return;
			db.exec(migration.sql);
			db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(
				migration.version,
				migration.name
			);
			db.pragma(`user_version = ${migration.version}`);
			applied.push(migration.version);
		}).immediate();
	}
	return applied;
}
