import { SqliteApiKeysStore } from './api-keys';
import { reencryptRows } from './embedding-table';
import { schemaVersion } from './migrations';
import { SqlitePeopleStore } from './people';
import { SqliteAttemptStore, SqliteSettingsStore } from './shared-state';
import type { SqliteDb } from './sqlite';
import type { Store } from './store';
import { SqliteUsersStore } from './users';

/** The Store on one SQLite file (DB_PATH): the default, for one machine. */
export class SqliteStore implements Store {
	readonly kind = 'sqlite' as const;
	readonly people: SqlitePeopleStore;
	readonly users: SqliteUsersStore;
	readonly apiKeys: SqliteApiKeysStore;
	readonly attempts: SqliteAttemptStore;
	readonly settings: SqliteSettingsStore;

	constructor(
		/** The connection itself, for SQLite-only tests and tools. */
		readonly db: SqliteDb
	) {
		this.people = new SqlitePeopleStore(db);
		this.users = new SqliteUsersStore(db);
		this.apiKeys = new SqliteApiKeysStore(db);
		this.attempts = new SqliteAttemptStore(db);
		this.settings = new SqliteSettingsStore(db);
	}

	get cipher() {
		return this.db.cipher;
	}

	async schemaVersion(): Promise<number> {
		return schemaVersion(this.db);
	}

	async reencryptRows(options: { onlyPlaintext?: boolean } = {}): Promise<number> {
		return reencryptRows(this.db, options);
	}

	async close(): Promise<void> {
		if (this.db.open) this.db.close();
	}
}
