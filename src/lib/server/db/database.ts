import { mkdirSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { getConfig } from '../config';
import { ephemeralCipher, type TemplateCipher } from '../secrets/template-cipher';
import { templateCipherFromConfig } from '../secrets';
import { encryptPlaintextRows } from './embedding-table';
import { migrate } from './migrations';
import { SqliteDb } from './sqlite';

export type Db = SqliteDb;

export interface OpenOptions {
	/** Encrypts stored templates; without one a per-process random key is used (tests, ':memory:'). */
	cipher?: TemplateCipher;
	/** Milliseconds a statement waits for another connection's lock. It blocks the event loop: keep it short. */
	busyTimeoutMs?: number;
}

/** Opens (creating file and folder on first start) and migrates a database. ':memory:' works too. */
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

let shared: Db | null = null;

/** The process-wide database at `DB_PATH`, opened on first use. */
export function getDatabase(): Db {
	if (!shared) {
		const config = getConfig();
		shared = openDatabase(config.dbPath, {
			cipher: templateCipherFromConfig(config),
			busyTimeoutMs: config.dbBusyTimeoutMs
		});
	}
	return shared;
}

/** Closes the shared database; the next `getDatabase()` reopens it (tests use this as a restart). */
export function closeDatabase(): void {
	shared?.close();
	shared = null;
}
