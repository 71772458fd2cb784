import type { SqliteDb } from './sqlite';
import { RETENTION_MS, type AttemptStore, type SettingsStore } from './store';

export { RETENTION_MS } from './store';

/**
 * Rate-limit attempts in the database, so that every server worker (production runs several processes on one
 * port) counts the same attempts. The table is still called login_failures (migration 3).
 */
export class SqliteAttemptStore implements AttemptStore {
	constructor(private readonly db: SqliteDb) {}

	private recentSync(key: string, sinceMs: number): number[] {
		const rows = this.db
			.prepare('SELECT at_ms FROM login_failures WHERE client = ? AND at_ms > ? ORDER BY at_ms')
			.all(key, sinceMs) as { at_ms: number }[];
		return rows.map((r) => r.at_ms);
	}

	async recent(key: string, sinceMs: number): Promise<number[]> {
		return this.recentSync(key, sinceMs);
	}

	async tryAdd(
		key: string,
		atMs: number,
		sinceMs: number,
		max: number
	): Promise<{ added: boolean; recent: number[] }> {
		// IMMEDIATE takes the write lock before the check, so two workers cannot both pass it.
		return this.db
			.transaction(() => {
				const recent = this.recentSync(key, sinceMs);
				if (recent.length >= max) return { added: false, recent };
				// Each limiter forgets only its own key's old attempts: limiters with different windows share the table.
				this.db.prepare('DELETE FROM login_failures WHERE client = ? AND at_ms <= ?').run(key, sinceMs);
				this.db.prepare('DELETE FROM login_failures WHERE at_ms <= ?').run(atMs - RETENTION_MS);
				this.db.prepare('INSERT INTO login_failures (client, at_ms) VALUES (?, ?)').run(key, atMs);
				return { added: true, recent };
			})
			.immediate();
	}
}

export class SqliteSettingsStore implements SettingsStore {
	constructor(private readonly db: SqliteDb) {}

	async get(key: string): Promise<string | null> {
		const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
			{ value: string } | undefined;
		return row?.value ?? null;
	}

	async setIfAbsent(key: string, value: string): Promise<string> {
		this.db
			.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
			.run(key, value);
		return (await this.get(key))!;
	}
}
