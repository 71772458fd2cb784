import { randomBytes } from 'node:crypto';
import type { Db } from './database';

export interface ApiKeyRow {
	id: string;
	name: string;
	/** Comma-separated scopes. */
	scopes: string;
	key_hash: string;
	/** The key's first characters, shown in listings so an operator can tell keys apart. */
	prefix: string;
	created_at: string;
	last_used_at: string | null;
	revoked_at: string | null;
}

/** Operator API keys: only their SHA-256 hashes are stored, never the keys. */
export class ApiKeysRepository {
	constructor(private readonly db: Db) {}

	insert(row: { name: string; scopes: string; key_hash: string; prefix: string }): ApiKeyRow {
		const id = `key_${randomBytes(6).toString('hex')}`;
		this.db
			.prepare('INSERT INTO api_keys (id, name, scopes, key_hash, prefix) VALUES (?, ?, ?, ?, ?)')
			.run(id, row.name, row.scopes, row.key_hash, row.prefix);
		return this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as unknown as ApiKeyRow;
	}

	byHash(hash: string): ApiKeyRow | null {
		const row = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(hash);
		return (row as ApiKeyRow | undefined) ?? null;
	}

	list(): ApiKeyRow[] {
		return this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as unknown as ApiKeyRow[];
	}

	count(): number {
		return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
	}

	/** Revokes by id or by name (every active key of that name); returns how many were revoked. */
	revoke(idOrName: string): number {
		const { changes } = this.db
			.prepare(
				`UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
				 WHERE (id = ? OR name = ?) AND revoked_at IS NULL`
			)
			.run(idOrName, idOrName);
		return Number(changes);
	}

	/** Runs `fn` holding the write lock, so several workers starting at once create one first key, not two. */
	exclusively<T>(fn: () => T): T {
		return this.db.transaction(fn).immediate();
	}
}
