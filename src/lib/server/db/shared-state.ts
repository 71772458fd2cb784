import type { AttemptStore } from '../auth/rate-limit';
import type { Db } from './database';

/**
 * Login attempts for the rate limit, in the database so that every server worker (production runs several
 * processes on one port) counts the same attempts. The table is still called login_failures (migration 3).
 */
/** Attempts older than any limiter's window are dropped whatever their key, so the table stays bounded. */
export const RETENTION_MS = 7 * 24 * 3600 * 1000;

export class SqliteAttemptStore implements AttemptStore {
	constructor(private readonly db: Db) {}

	recent(key: string, sinceMs: number): number[] {
		const rows = this.db
			.prepare('SELECT at_ms FROM login_failures WHERE client = ? AND at_ms > ? ORDER BY at_ms')
			.all(key, sinceMs) as { at_ms: number }[];
		return rows.map((r) => r.at_ms);
	}

	add(key: string, atMs: number, forgetBeforeMs: number): void {
		// Each limiter forgets only its own key's old attempts: limiters with different windows share the table.
		this.db.prepare('DELETE FROM login_failures WHERE client = ? AND at_ms <= ?').run(key, forgetBeforeMs);
		this.db.prepare('DELETE FROM login_failures WHERE at_ms <= ?').run(atMs - RETENTION_MS);
		this.db.prepare('INSERT INTO login_failures (client, at_ms) VALUES (?, ?)').run(key, atMs);
	}

	/** IMMEDIATE takes the write lock before the check, so two workers cannot both pass it. */
	atomically<T>(fn: () => T): T {
		return this.db.transaction(fn).immediate();
	}
}
