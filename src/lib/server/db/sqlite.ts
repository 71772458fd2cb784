import { DatabaseSync, type StatementSync } from 'node:sqlite';

type Transaction<T> = (() => T) & { immediate: () => T };

/**
 * Node's built-in SQLite with the few conveniences the repositories use (pragma, nested transactions).
 * Built in, so nothing is compiled at install time and no native addon is tied to one Node ABI.
 */
export class SqliteDb {
	private readonly db: DatabaseSync;
	private depth = 0;
	private isOpen = true;

	constructor(file: string) {
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

	get open(): boolean {
		return this.isOpen;
	}

	close(): void {
		this.db.close();
		this.isOpen = false;
	}
}
