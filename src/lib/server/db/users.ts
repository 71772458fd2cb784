import { CoreError } from '../../core/errors';
import type { PersonTemplate } from '../../core/gallery';
import type { Db } from './database';
import { countEmbeddings, insertEmbeddings, templatesOf, USER_EMBEDDINGS } from './embedding-table';
import type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';

export interface UserRow {
	id: number;
	name: string;
	email: string;
	created_at: string;
	updated_at: string;
}

export type UserSummary = UserRow & EmbeddingCounts;

// node:sqlite reports SQLite's extended result code; 2067 is SQLITE_CONSTRAINT_UNIQUE.
const SQLITE_CONSTRAINT_UNIQUE = 2067;

function isUniqueViolation(error: unknown): boolean {
	return (error as { errcode?: number })?.errcode === SQLITE_CONSTRAINT_UNIQUE;
}

/** Face-login users (seed 003) and their enrolment embeddings. */
export class UsersRepository {
	constructor(private readonly db: Db) {}

	get(id: number): UserRow | null {
		return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined) ?? null;
	}

	summary(id: number, model: EmbedderRef): UserSummary | null {
		const row = this.db
			.prepare(
				`SELECT u.*,
					COALESCE(SUM(e.embedder = @embedder AND e.embedder_version = @version), 0) AS embeddings,
					COALESCE(SUM(NOT (e.embedder = @embedder AND e.embedder_version = @version)), 0)
						AS other_model_embeddings
				 FROM users u LEFT JOIN user_embeddings e ON e.user_id = u.id WHERE u.id = @id GROUP BY u.id`
			)
			.get({ id, embedder: model.embedder, version: model.version });
		return (row as UserSummary | undefined) ?? null;
	}

	create(name: string, email: string): UserRow {
		try {
			const { lastInsertRowid } = this.db
				.prepare('INSERT INTO users (name, email) VALUES (?, ?)')
				.run(name, email);
			return this.get(Number(lastInsertRowid))!;
		} catch (error) {
			if (isUniqueViolation(error))
				throw new CoreError('CONFLICT', `A user with e-mail ${email} already exists.`);
			throw error;
		}
	}

	update(id: number, changes: { name?: string; email?: string }): UserRow {
		const current = this.get(id);
		if (!current) throw new CoreError('NOT_FOUND', `User ${id} does not exist.`);
		try {
			this.db
				.prepare(
					`UPDATE users SET name = ?, email = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
				)
				.run(changes.name ?? current.name, changes.email ?? current.email, id);
		} catch (error) {
			if (isUniqueViolation(error)) {
				throw new CoreError('CONFLICT', `A user with e-mail ${changes.email} already exists.`);
			}
			throw error;
		}
		return this.get(id)!;
	}

	/**
	 * Replaces the user's template for this model in one transaction (a failed upload keeps the old one).
	 * Embeddings of other models stay, unused, until the user enrols again with them.
	 */
	replaceEmbeddings(userId: number, embeddings: readonly NewEmbedding[], model: EmbedderRef): number {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		return this.db.transaction(() => {
			if (!this.get(userId)) throw new CoreError('NOT_FOUND', `User ${userId} does not exist.`);
			this.db
				.prepare('DELETE FROM user_embeddings WHERE user_id = ? AND embedder = ? AND embedder_version = ?')
				.run(userId, model.embedder, model.version);
			insertEmbeddings(this.db, USER_EMBEDDINGS, userId, embeddings, model);
			return embeddings.length;
		})();
	}

	countEmbeddings(userId?: number): number {
		return countEmbeddings(this.db, USER_EMBEDDINGS, userId);
	}

	/** Templates of every user enrolled with this model; the template id is the user id as a string. */
	templates(model: EmbedderRef): readonly PersonTemplate[] {
		return templatesOf(this.db, USER_EMBEDDINGS, model);
	}
}
