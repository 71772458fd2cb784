import { randomInt } from 'node:crypto';
import { CoreError } from '../../core/errors';
import type { GalleryMatrix } from '../../core/gallery';
import { countEmbeddings, galleryOf, insertEmbeddings, USER_EMBEDDINGS } from './embedding-table';
import type { SqliteDb } from './sqlite';
import type { UserRow, UsersStore, UserSummary } from './store';
import type { EmbedderRef, NewEmbedding } from './types';

// node:sqlite reports SQLite's extended result code; 2067 is SQLITE_CONSTRAINT_UNIQUE.
const SQLITE_CONSTRAINT_UNIQUE = 2067;

function isUniqueViolation(error: unknown): boolean {
	return (error as { errcode?: number })?.errcode === SQLITE_CONSTRAINT_UNIQUE;
}

export const NOT_YOUR_ENROLMENT =
	'A valid enrolment token for this user is needed (Authorization: Bearer <enrolment_token>).';

/** UsersStore on SQLite. */
export class SqliteUsersStore implements UsersStore {
	constructor(private readonly db: SqliteDb) {}

	private getSync(id: number): UserRow | null {
		return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined) ?? null;
	}

	async get(id: number): Promise<UserRow | null> {
		return this.getSync(id);
	}

	async summary(id: number, model: EmbedderRef): Promise<UserSummary | null> {
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

	async create(name: string, email: string): Promise<UserRow> {
		try {
			const id = randomInt(1, 2 ** 48);
			this.db.prepare('INSERT INTO users (id, name, email) VALUES (?, ?, ?)').run(id, name, email);
			return this.getSync(id)!;
		} catch (error) {
			if (isUniqueViolation(error))
				throw new CoreError('CONFLICT', `A user with e-mail ${email} already exists.`);
			throw error;
		}
	}

	async update(id: number, changes: { name?: string; email?: string }): Promise<UserRow> {
		const current = this.getSync(id);
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
		return this.getSync(id)!;
	}

	async replaceEmbeddings(
		userId: number,
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef,
		options: { enrolmentHash?: string | null; nowMs?: number } = {}
	): Promise<number> {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		const replaced = this.db
			.transaction(() => {
				if (options.enrolmentHash && !this.consumeSync(userId, options.enrolmentHash, options.nowMs)) {
					throw new CoreError('UNAUTHORIZED', NOT_YOUR_ENROLMENT);
				}
				if (!this.getSync(userId)) throw new CoreError('NOT_FOUND', `User ${userId} does not exist.`);
				const removed = this.db
					.prepare('DELETE FROM user_embeddings WHERE user_id = ? AND embedder = ? AND embedder_version = ?')
					.run(userId, model.embedder, model.version).changes;
				insertEmbeddings(this.db, USER_EMBEDDINGS, userId, embeddings, model);
				this.bumpSync(userId);
				return Number(removed);
			})
			.immediate();
		if (replaced > 0) this.db.checkpoint();
		return embeddings.length;
	}

	private bumpSync(userId: number): void {
		this.db
			.prepare(
				`UPDATE users SET token_version = token_version + 1, enrolment_hash = NULL, enrolment_expires_ms = NULL
				 WHERE id = ?`
			)
			.run(userId);
	}

	async bumpTokenVersion(userId: number): Promise<void> {
		this.bumpSync(userId);
	}

	async setEnrolmentToken(userId: number, hash: string, expiresMs: number): Promise<void> {
		this.db
			.prepare('UPDATE users SET enrolment_hash = ?, enrolment_expires_ms = ? WHERE id = ?')
			.run(hash, expiresMs, userId);
	}

	private consumeSync(userId: number, hash: string, nowMs = Date.now()): boolean {
		const { changes } = this.db
			.prepare(
				`UPDATE users SET enrolment_hash = NULL, enrolment_expires_ms = NULL
				 WHERE id = ? AND enrolment_hash = ? AND enrolment_expires_ms > ?`
			)
			.run(userId, hash, nowMs);
		return Number(changes) === 1;
	}

	async consumeEnrolmentToken(userId: number, hash: string, nowMs: number): Promise<boolean> {
		return this.consumeSync(userId, hash, nowMs);
	}

	async delete(userId: number): Promise<boolean> {
		const deleted = this.db
			.transaction(() => {
				const gone = Number(this.db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes) > 0;
				// The per-account login attempts name the user too.
				if (gone) this.db.prepare('DELETE FROM login_failures WHERE client = ?').run(`account:${userId}`);
				return gone;
			})
			.immediate();
		if (deleted) this.db.checkpoint();
		return deleted;
	}

	async countEmbeddings(userId?: number): Promise<number> {
		return countEmbeddings(this.db, USER_EMBEDDINGS, userId);
	}

	async gallery(model: EmbedderRef): Promise<GalleryMatrix> {
		return galleryOf(this.db, USER_EMBEDDINGS, model);
	}
}
