import { randomBytes } from 'node:crypto';
import type { FailureStore } from '../auth/rate-limit';
import type { Db } from './database';

/**
 * State that every server worker must see alike (production runs several processes on one port):
 * failed face logins for the rate limit, and the development JWT secret.
 */

export class SqliteFailureStore implements FailureStore {
	constructor(private readonly db: Db) {}

	recent(key: string, sinceMs: number): number[] {
		const rows = this.db
			.prepare('SELECT at_ms FROM login_failures WHERE client = ? AND at_ms > ? ORDER BY at_ms')
			.all(key, sinceMs) as { at_ms: number }[];
		return rows.map((r) => r.at_ms);
	}

	add(key: string, atMs: number, forgetBeforeMs: number): void {
		this.db.transaction(() => {
			this.db.prepare('DELETE FROM login_failures WHERE at_ms <= ?').run(forgetBeforeMs);
			this.db.prepare('INSERT INTO login_failures (client, at_ms) VALUES (?, ?)').run(key, atMs);
		})();
	}

	clear(key: string): void {
		this.db.prepare('DELETE FROM login_failures WHERE client = ?').run(key);
	}
}

const DEV_SECRET_KEY = 'development_jwt_secret';

/** One random development secret per database, so every worker (and a restart) signs alike. */
export function developmentSecret(db: Db): string {
	db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(
		DEV_SECRET_KEY,
		randomBytes(32).toString('base64url')
	);
	return (db.prepare('SELECT value FROM settings WHERE key = ?').get(DEV_SECRET_KEY) as { value: string })
		.value;
}
