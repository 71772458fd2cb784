import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ServerConfig } from '../config';
import { templateCipherFromConfig } from '../secrets';
import { ephemeralCipher, type TemplateCipher } from '../secrets/template-cipher';
import { encryptPlaintextRows } from './embedding-table';
import { migrate } from './migrations';
import { SqliteDb } from './sqlite';
import { SqliteStore } from './sqlite-store';
import type { Store } from './store';

export type Db = SqliteDb;

export interface OpenOptions {
	/** Encrypts stored templates; without one a per-process random key is used (tests, ':memory:'). */
	cipher?: TemplateCipher;
	/** Milliseconds a statement waits for another connection's lock. It blocks the event loop: keep it short. */
	busyTimeoutMs?: number;
}

/** Opens (creating file and folder on first start) and migrates a SQLite database. ':memory:' works too. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
	if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
	const db = new SqliteDb(file, options.cipher ?? ephemeralCipher());
	// Names, e-mails and key hashes are for the server's user only; SQLite gives -wal/-shm the same mode.
	if (file !== ':memory:') restrictToOwner(file);
	try {
		// Server workers share the file: wait briefly for a lock (then 503), and let readers run beside a writer.
		db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 5000)}`);
		db.pragma('journal_mode = WAL');
		db.pragma('foreign_keys = ON');
		// Deleted rows are overwritten with zeros, not left in free pages (erasure of biometric templates).
		db.pragma('secure_delete = ON');
		migrate(db);
		encryptPlaintextRows(db);
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

function restrictToOwner(file: string): void {
	for (const f of [file, `${file}-wal`, `${file}-shm`]) {
		try {
			chmodSync(f, 0o600);
		} catch {
			// -wal/-shm appear later, with the database's mode
		}
	}
}

export interface StoreOptions extends OpenOptions {
	/** postgres://… selects PostgreSQL; otherwise SQLite at `dbPath`. */
	databaseUrl?: string | null;
	dbPath?: string;
	/** PostgreSQL only: the optional pgvector index (PG_VECTOR_INDEX, PG_VECTOR_CANDIDATES). */
	vectorIndex?: boolean;
	vectorCandidates?: number;
	vectorEfSearch?: number;
}

/** Opens and migrates the store the options name: PostgreSQL with a `databaseUrl`, else SQLite. */
export async function openStore(options: StoreOptions): Promise<Store> {
	if (options.databaseUrl) {
		const { openPostgresStore } = await import('./postgres/store');
		return openPostgresStore(options.databaseUrl, {
			cipher: options.cipher ?? ephemeralCipher(),
			vectorIndex: options.vectorIndex,
			vectorCandidates: options.vectorCandidates,
			vectorEfSearch: options.vectorEfSearch
		});
	}
	return new SqliteStore(openDatabase(options.dbPath ?? ':memory:', options));
}

/** The store a configuration names (DATABASE_URL, else SQLite at DB_PATH), opened and migrated. */
export function openConfiguredStore(config: ServerConfig): Promise<Store> {
	return openStore({
		databaseUrl: config.databaseUrl,
		dbPath: config.dbPath,
		cipher: templateCipherFromConfig(config),
		busyTimeoutMs: config.dbBusyTimeoutMs,
		vectorIndex: config.pgVectorIndex,
		vectorCandidates: config.pgVectorCandidates,
		vectorEfSearch: config.pgVectorEfSearch
	});
}
