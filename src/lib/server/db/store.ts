import type { GalleryMatrix, ScoreStrategy } from '../../core/gallery';
import type { TemplateCipher } from '../secrets/template-cipher';
import type { EmbedderRef, EmbeddingCounts, NewEmbedding } from './types';

/**
 * The one repository interface the server uses. Two implementations: SQLite (`DB_PATH`, the default, one
 * machine) and PostgreSQL (`DATABASE_URL`, shared by replicas). Every method is async (PostgreSQL's drivers
 * are), and every multi-statement change is one transaction inside the implementation, so callers never hold a
 * transaction open across an `await`. The same suite (`store.test.ts`) runs against both.
 */
export interface Store {
	readonly kind: 'sqlite' | 'postgres';
	readonly cipher: TemplateCipher;
	readonly people: PeopleStore;
	readonly users: UsersStore;
	readonly apiKeys: ApiKeysStore;
	readonly attempts: AttemptStore;
	readonly settings: SettingsStore;
	/** Newest migration applied. */
	schemaVersion(): Promise<number>;
	/**
	 * Re-encrypts with the current key every template row not already under it (all rows during a key rotation;
	 * with `onlyPlaintext`, only rows from before encryption). One transaction.
	 */
	reencryptRows(options?: { onlyPlaintext?: boolean }): Promise<number>;
	close(): Promise<void>;
}

export interface PersonRow {
	id: string;
	name: string;
	created_at: string;
	updated_at: string;
}

export type PersonSummary = PersonRow & EmbeddingCounts;

export interface PersonEnrolment {
	person: PersonRow;
	created: boolean;
	added: number;
}

/** People of the multi-person gallery (seeds 002 and 004) and their embeddings. */
export interface PeopleStore {
	get(id: string): Promise<PersonRow | null>;
	findByName(name: string): Promise<PersonRow | null>;
	list(model: EmbedderRef): Promise<PersonSummary[]>;
	summary(id: string, model: EmbedderRef): Promise<PersonSummary | null>;
	/**
	 * Adds embeddings to the person found by `lookup`, creating `create` when there is none, in one
	 * transaction: if any row fails, neither the person nor any embedding is written. A name another person
	 * has (any case) is CONFLICT.
	 */
	enroll(
		lookup: { id: string } | { name: string },
		create: { id: string; name: string },
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef
	): Promise<PersonEnrolment>;
	/** Deletes the person and every embedding of theirs; false when there was no such person. */
	delete(id: string): Promise<boolean>;
	countEmbeddings(personId?: string): Promise<number>;
	/**
	 * The in-memory gallery of every person with embeddings from this model (one contiguous matrix), kept
	 * current: on SQLite by the database's change counters, on PostgreSQL by LISTEN/NOTIFY.
	 */
	gallery(model: EmbedderRef): Promise<GalleryMatrix>;
	/**
	 * What 1:N matches these faces against: the whole in-memory gallery, or, on PostgreSQL with the pgvector
	 * index serving (PG_VECTOR_INDEX=on), only the people nearest each face by the strategy's score, read from
	 * the index with their templates. The caller's matcher decides either way, with the same thresholds.
	 */
	galleryFor(
		queries: readonly ArrayLike<number>[],
		model: EmbedderRef,
		strategy: ScoreStrategy
	): Promise<GalleryMatrix>;
	/** Loads the in-memory gallery ahead of the first request, unless the vector index serves 1:N. */
	warm(model: EmbedderRef): Promise<void>;
}

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

/** Face-login users (seed 003) and their enrolment embeddings. */
export interface UsersStore {
	get(id: number): Promise<UserRow | null>;
	summary(id: number, model: EmbedderRef): Promise<UserSummary | null>;
	/** Random ids (not sequential); a taken e-mail (any case) is CONFLICT. */
	create(name: string, email: string): Promise<UserRow>;
	update(id: number, changes: { name?: string; email?: string }): Promise<UserRow>;
	/**
	 * Replaces the user's template for this model in one transaction (a failed upload keeps the old one) and
	 * revokes every earlier token. With `enrolmentHash`, that unexpired enrolment token is used up in the same
	 * transaction, and without it nothing is written (UNAUTHORIZED). Other models' embeddings stay, unused.
	 */
	replaceEmbeddings(
		userId: number,
		embeddings: readonly NewEmbedding[],
		model: EmbedderRef,
		options?: { enrolmentHash?: string | null; nowMs?: number }
	): Promise<number>;
	/** Revokes every login token issued before now and any pending enrolment token. */
	bumpTokenVersion(userId: number): Promise<void>;
	setEnrolmentToken(userId: number, hash: string, expiresMs: number): Promise<void>;
	/** True when the user had this unexpired enrolment token; it is used up in the same statement. */
	consumeEnrolmentToken(userId: number, hash: string, nowMs: number): Promise<boolean>;
	/** Deletes the user, every embedding and their per-account login attempts. */
	delete(userId: number): Promise<boolean>;
	countEmbeddings(userId?: number): Promise<number>;
	/** Every user enrolled with this model (template ids are user ids as strings), kept current like people's. */
	gallery(model: EmbedderRef): Promise<GalleryMatrix>;
}

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
export interface ApiKeysStore {
	insert(row: { name: string; scopes: string; key_hash: string; prefix: string }): Promise<ApiKeyRow>;
	/** Inserts the row only when there is no key at all (not even a revoked one), atomically across processes. */
	insertIfNone(row: {
		name: string;
		scopes: string;
		key_hash: string;
		prefix: string;
	}): Promise<ApiKeyRow | null>;
	byHash(hash: string): Promise<ApiKeyRow | null>;
	list(): Promise<ApiKeyRow[]>;
	count(): Promise<number>;
	/** Revokes by id or by name (every active key of that name); returns how many were revoked. */
	revoke(idOrName: string): Promise<number>;
}

/** Where rate-limit attempts are kept: in memory for one process, or in the database for every worker/replica. */
export interface AttemptStore {
	/** Attempt times (ms) of this key after `sinceMs`, oldest first. */
	recent(key: string, sinceMs: number): Promise<number[]>;
	/**
	 * One atomic step, whatever other workers or replicas do meanwhile: when `key` has fewer than `max`
	 * attempts after `sinceMs`, records one at `atMs` (forgetting this key's attempts at or before `sinceMs`)
	 * and returns `added: true`; otherwise records nothing. Either way `recent` is what counted before.
	 */
	tryAdd(
		key: string,
		atMs: number,
		sinceMs: number,
		max: number
	): Promise<{ added: boolean; recent: number[] }>;
}

/** Small shared values (e.g. the fingerprint that tells replicas started with different secrets apart). */
export interface SettingsStore {
	get(key: string): Promise<string | null>;
	/** Sets the value unless one is there; returns the value that is stored afterwards. */
	setIfAbsent(key: string, value: string): Promise<string>;
}

/** Attempts older than any limiter's window are dropped whatever their key, so the table stays bounded. */
export const RETENTION_MS = 7 * 24 * 3600 * 1000;
