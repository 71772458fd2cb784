import { randomBytes } from 'node:crypto';
import type { SqliteDb } from './sqlite';
import type { ApiKeyRow, ApiKeysStore } from './store';

export type { ApiKeyRow } from './store';

type NewKey = { name: string; scopes: string; key_hash: string; prefix: string };

/** ApiKeysStore on SQLite. */
export class SqliteApiKeysStore implements ApiKeysStore {
	constructor(private readonly db: SqliteDb) {}

	private insertSync(row: NewKey): ApiKeyRow {
		const id = `key_${randomBytes(6).toString('hex')}`;
		this.db
			.prepare('INSERT INTO api_keys (id, name, scopes, key_hash, prefix) VALUES (?, ?, ?, ?, ?)')
			.run(id, row.name, row.scopes, row.key_hash, row.prefix);
		return this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as unknown as ApiKeyRow;
	}

	async insert(row: NewKey): Promise<ApiKeyRow> {
		return this.insertSync(row);
	}

	async insertIfNone(row: NewKey): Promise<ApiKeyRow | null> {
		// IMMEDIATE takes the write lock before counting: workers starting at once create one first key, not two.
		return this.db
			.transaction(() => {
				const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number };
				return n > 0 ? null : this.insertSync(row);
			})
			.immediate();
	}

	async byHash(hash: string): Promise<ApiKeyRow | null> {
		const row = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(hash);
		return (row as ApiKeyRow | undefined) ?? null;
	}

	async list(): Promise<ApiKeyRow[]> {
		return this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as unknown as ApiKeyRow[];
	}

	async count(): Promise<number> {
		return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
	}

	async revoke(idOrName: string): Promise<number> {
		const { changes } = this.db
			.prepare(
				`UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
				 WHERE (id = ? OR name = ?) AND revoked_at IS NULL`
			)
			.run(idOrName, idOrName);
		return Number(changes);
	}
}
