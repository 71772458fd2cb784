import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { TemplateCipher } from '../secrets/template-cipher';

/** SQLITE_BUSY / SQLITE_LOCKED (any extended code): another connection holds the lock longer than we wait. */
export function isDatabaseBusy(error: unknown): boolean {
	const code = (error as { errcode?: unknown })?.errcode;
	return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

type Transaction<T> = (() => T) & { immediate: () => T };

/**
 * Node's built-in SQLite with the few conveniences the repositories use (pragma, nested transactions).
 * Built in, so nothing is compiled at install time and no native addon is tied to one Node ABI.
 */
export class SqliteDb {
	private readonly db: DatabaseSync;
	private depth = 0;
	private isOpen = true;

	constructor(
		file: string,
		/** Encrypts and decrypts the stored face templates. */
		readonly cipher: TemplateCipher
	) {
		this.db = new DatabaseSync(file);
	}

	prepare(sql: string): StatementSync {
		return this.db.prepare(sql);
	}

	exec(sql: string): void {
		this.db.exec(sql);
	}

	/** `pragma('user_version', {simple: true})` reads one value; `pragma('x = y')` sets one. */
	pragma(statement: string, options: { simple?: boolean } = {}): unknown {
		const rows = this.db.prepare(`PRAGMA ${statement}`).all();
		if (!options.simple) return rows;
		const first = rows[0] as Record<string, unknown> | undefined;
		return first ? Object.values(first)[0] : undefined;
	}

	/** Runs `fn` atomically; nested calls become savepoints. `.immediate()` takes the write lock up front. */
	transaction<T>(fn: () => T): Transaction<T> {
		const run = (begin: string): T => {
			const savepoint = `sp_${this.depth}`;
			this.db.exec(this.depth === 0 ? begin : `SAVEPOINT ${savepoint}`);
			this.depth++;
			try {
				const result = fn();
				this.depth--;
				this.db.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
				return result;
			} catch (error) {
				this.depth--;
				this.db.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
				throw error;
			}
		};
		return Object.assign(() => run('BEGIN'), { immediate: () => run('BEGIN IMMEDIATE') });
	}

	/**
	 * After a delete: moves the WAL into the database file (where secure_delete zeroed the rows) and truncates
	 * the WAL, so no copy of the deleted bytes stays in either file. A reader holding an old snapshot can keep
	 * the WAL busy; then the next delete's checkpoint catches up, and the failure is logged.
	 */
	checkpoint(): void {
		try {
			const [result] = this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').all() as { busy: number }[];
			if (result?.busy) console.warn('[me-verifier] WAL checkpoint after a delete was blocked by a reader.');
		} catch (error) {
			console.warn('[me-verifier] WAL checkpoint after a delete failed:', (error as Error).message);
		}
	}

	get open(): boolean {
		return this.isOpen;
	}

	close(): void {
		this.db.close();
		this.isOpen = false;
	}
}
