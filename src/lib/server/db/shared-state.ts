import type { AttemptStore } from '../auth/rate-limit';
import type { Db } from './database';

/**
 * Login attempts for the rate limit, in the database so that every server worker (production runs several
 * processes on one port) counts the same attempts. The table is still called login_failures (migration 3).
 */
export class SqliteAttemptStore implements AttemptStore {
	constructor(private readonly db: Db) {}

	recent(key: string, sinceMs: number): number[] {
		const rows = this.db
			.prepare('SELECT at_ms FROM login_failures WHERE client = ? AND at_ms > ? ORDER BY at_ms')
			.all(key, sinceMs) as { at_ms: number }[];
		return rows.map((r) => r.at_ms);
	}

	add(key: string, atMs: number, forgetBeforeMs: number): void {
		this.db.prepare('DELETE FROM login_failures WHERE at_ms <= ?').run(forgetBeforeMs);
		this.db.prepare('INSERT INTO login_failures (client, at_ms) VALUES (?, ?)').run(key, atMs);
	}

	/** IMMEDIATE takes the write lock before the check, so two workers cannot both pass it. */
	atomically<T>(fn: () => T): T {
		return this.db.transaction(fn).immediate();
	}
}
