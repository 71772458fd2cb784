import { randomInt } from 'node:crypto';
import { CoreError } from '../../core/errors';
import type { PersonTemplate } from '../../core/gallery';
import type { Db } from './database';
import { countEmbeddings, insertEmbeddings, templatesOf, USER_EMBEDDINGS } from './embedding-table';
import type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';

export interface UserRow {
	id: number;
	name: string;
	email: string;
	/** Bumped on every template change, logout and deletion: tokens carry it and older ones stop working. */
	token_version: number;
	enrolment_hash: string | null;
	enrolment_expires_ms: number | null;
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

	/** Ids are random (not sequential), so one id says nothing about how many users there are or the next one. */
	create(name: string, email: string): UserRow {
		try {
			const id = randomInt(1, 2 ** 48);
			this.db.prepare('INSERT INTO users (id, name, email) VALUES (?, ?, ?)').run(id, name, email);
			return this.get(id)!;
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
	replaceEmbeddings(
		userId: number,
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef,
		/** Runs first inside the transaction (e.g. consuming the enrolment token); throwing writes nothing. */
		guard: () => void = () => undefined
	): number {
		if (embeddings.length === 0) throw new CoreError('NOT_ENOUGH_DATA', 'No face embeddings to store.');
		const replaced = this.db
			.transaction(() => {
				guard();
				if (!this.get(userId)) throw new CoreError('NOT_FOUND', `User ${userId} does not exist.`);
				const removed = this.db
					.prepare('DELETE FROM user_embeddings WHERE user_id = ? AND embedder = ? AND embedder_version = ?')
					.run(userId, model.embedder, model.version).changes;
				insertEmbeddings(this.db, USER_EMBEDDINGS, userId, embeddings, model);
				this.bumpTokenVersion(userId);
				return Number(removed);
			})
			.immediate();
		if (replaced > 0) this.db.checkpoint();
		return embeddings.length;
	}

	/**
	 * Revokes every credential issued before now: login tokens (their version no longer matches) and any
	 * pending enrolment token, so one stolen login cannot be turned into a template change after a logout
	 * or a re-enrolment.
	 */
	bumpTokenVersion(userId: number): void {
		this.db
			.prepare(
				`UPDATE users SET token_version = token_version + 1, enrolment_hash = NULL, enrolment_expires_ms = NULL
				 WHERE id = ?`
			)
			.run(userId);
	}

	setEnrolmentToken(userId: number, hash: string, expiresMs: number): void {
		this.db
			.prepare('UPDATE users SET enrolment_hash = ?, enrolment_expires_ms = ? WHERE id = ?')
			.run(hash, expiresMs, userId);
	}

	/** True when the user has this unexpired enrolment token; it is used up in the same statement. */
	consumeEnrolmentToken(userId: number, hash: string, nowMs: number): boolean {
		const { changes } = this.db
			.prepare(
				`UPDATE users SET enrolment_hash = NULL, enrolment_expires_ms = NULL
				 WHERE id = ? AND enrolment_hash = ? AND enrolment_expires_ms > ?`
			)
			.run(userId, hash, nowMs);
		return Number(changes) === 1;
	}

	/** Deletes the user and (by cascade) every embedding, then checkpoints so no copy stays on disk. */
	delete(userId: number): boolean {
		const deleted = Number(this.db.prepare('DELETE FROM users WHERE id = ?').run(userId).changes) > 0;
		// The per-account login attempts name the user too.
		if (deleted) this.db.prepare('DELETE FROM login_failures WHERE client = ?').run(`account:${userId}`);
		if (deleted) this.db.checkpoint();
		return deleted;
	}

	countEmbeddings(userId?: number): number {
		return countEmbeddings(this.db, USER_EMBEDDINGS, userId);
	}

	/** Templates of every user enrolled with this model; the template id is the user id as a string. */
	templates(model: EmbedderRef): readonly PersonTemplate[] {
		return templatesOf(this.db, USER_EMBEDDINGS, model);
	}
}
