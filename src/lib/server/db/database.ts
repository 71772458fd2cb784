import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { getConfig } from '../config';
import { migrate } from './migrations';
import { SqliteDb } from './sqlite';

export type Db = SqliteDb;

/** Opens (creating file and folder on first start) and migrates a database. ':memory:' works too. */
export function openDatabase(file: string): Db {
	if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
	const db = new SqliteDb(file);
	try {
		// Server workers share the file: wait for a lock rather than fail, and let readers run beside a writer.
		db.pragma('busy_timeout = 5000');
		db.pragma('journal_mode = WAL');
		db.pragma('foreign_keys = ON');
		migrate(db);
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

let shared: Db | null = null;

/** The process-wide database at `DB_PATH`, opened on first use. */
export function getDatabase(): Db {
	shared ??= openDatabase(getConfig().dbPath);
	return shared;
}

/** Closes the shared database; the next `getDatabase()` reopens it (tests use this as a restart). */
export function closeDatabase(): void {
	shared?.close();
	shared = null;
}
