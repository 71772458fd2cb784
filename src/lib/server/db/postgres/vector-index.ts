import { createHash } from 'node:crypto';
import type pg from 'pg';
import { GalleryMatrix, normalize, type ScoreStrategy } from '../../../core/gallery';
import type { TemplateCipher } from '../../secrets/template-cipher';
import type { EmbedderRef } from '../types';
import { blobToVector } from '../vectors';
import { loadOwners } from './galleries';
import { inTransaction } from './transaction';

/**
 * The optional pgvector index over people's templates (migration 6, PG_VECTOR_INDEX=on). Templates stay
 * AES-GCM ciphertext in `person_embeddings`; this keeps a PLAINTEXT copy beside them, because an index cannot
 * search ciphertext: each member photo unit length in `person_vectors`, each person's centroid (the average of
 * their unit members) in `person_centroids`, one partial HNSW index (cosine) per model over `vector(N)`.
 *
 * 1:N with the index: the nearest people by the strategy's own score (centroid cosine, or best member cosine)
 * are fetched with `ORDER BY … <=> $1 LIMIT k`, their ciphertext templates decrypted into a small GalleryMatrix,
 * and the decision is the core matcher's on that matrix, with the same thresholds: the answer is brute force's
 * whenever the true best and runner-up are among the candidates (HNSW is approximate; k is generous).
 */

/** The optional migration that creates the tables. */
export const VECTOR_MIGRATION = 6;

/** Lock key (with the model's hash) while a model's indexes are made. */
const INDEX_LOCK = 0x6d655f69; // 'me_i'
/** HNSW's candidate list is at most this long (pgvector's limit for hnsw.ef_search). */
const MAX_EF_SEARCH = 1000;
/**
 * HNSW graph options. pgvector's defaults (m 16, ef_construction 64) built a graph that missed clear matches
 * (cosine 0.98) among 20,000 synthetic people even at ef_search 400 (tests/pgvector-people.test.ts); with these
 * no answer differed from brute force at ef_search 200. A denser graph costs build time and index size.
 */
const HNSW_BUILD = 'm = 32, ef_construction = 200';
/** Rows per page when the tables are filled from existing templates. */
const FILL_ROWS = 2000;

/** A text literal for SQL: the partial indexes' predicates must appear literally in queries to be used. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** pgvector's text form. Float32 values print exactly enough digits to be read back as the same float. */
export const vectorText = (v: ArrayLike<number>): string => `[${Array.from(v).join(',')}]`;

export const parseVector = (text: string): Float32Array =>
	Float32Array.from(text.slice(1, -1).split(','), (x) => Number(x));

/** Whether this PostgreSQL server can create the `vector` extension (installed or just available). */
export async function vectorAvailable(client: pg.ClientBase | pg.Pool): Promise<boolean> {
	const { rows } = await client.query(
		"SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available"
	);
	return rows[0].available === true;
}

/** The names of one model's two indexes and the predicate that selects its rows. */
export function modelIndexes(model: EmbedderRef): { centroids: string; members: string; where: string } {
	const hash = createHash('sha256').update(`${model.embedder}\u0000${model.version}`).digest('hex');
	return {
		centroids: `person_centroids_hnsw_${hash.slice(0, 16)}`,
		members: `person_vectors_hnsw_${hash.slice(0, 16)}`,
		where: `embedder = ${literal(model.embedder)} AND embedder_version = ${literal(model.version)}`
	};
}

export class VectorIndex {
	/** Models whose indexes are known to exist (committed), by `embedder\0version`. */
	private readonly ready = new Set<string>();

	constructor(
		private readonly cipher: TemplateCipher,
		/** People returned per query face (the candidates the core matcher then decides among). */
		readonly candidates = 16,
		/** HNSW's search list length (hnsw.ef_search): longer finds the true nearest more often, and costs more. */
		readonly efSearch = 200
	) {}

	/**
	 * Makes this model's two HNSW indexes if they are missing (under a lock: replicas enrolling the first person
	 * of a model at once make them once). Call inside a transaction; an index on an empty model is instant.
	 */
	async ensureIndexes(client: pg.ClientBase, model: EmbedderRef, dim: number): Promise<void> {
		const key = `${model.embedder}\u0000${model.version}`;
		if (this.ready.has(key)) return;
		const names = modelIndexes(model);
		const exists = async () =>
			(
				await client.query('SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ok', [
					names.centroids,
					names.members
				])
			).rows[0].ok === true;
		if (await exists()) {
			this.ready.add(key);
			return;
		}
		if (!Number.isInteger(dim) || dim <= 0) throw new Error(`bad embedding size ${dim}`);
		await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [INDEX_LOCK, names.centroids]);
		await client.query(
			`CREATE INDEX IF NOT EXISTS ${names.centroids} ON person_centroids
			 USING hnsw ((centroid::vector(${dim})) vector_cosine_ops) WITH (${HNSW_BUILD}) WHERE ${names.where}`
		);
		await client.query(
			`CREATE INDEX IF NOT EXISTS ${names.members} ON person_vectors
			 USING hnsw ((embedding::vector(${dim})) vector_cosine_ops) WITH (${HNSW_BUILD}) WHERE ${names.where}`
		);
	}

	/**
	 * In the transaction that stored a person's new embeddings (their ids and plaintext): their unit vectors, and
	 * the person's centroid for this model recomputed from all of them.
	 */
	async added(
		client: pg.ClientBase,
		personId: string,
		model: EmbedderRef,
		rows: readonly { id: number; vector: Float32Array }[]
	): Promise<void> {
		if (rows.length === 0) return;
		await this.ensureIndexes(client, model, rows[0].vector.length);
		await client.query(
			`INSERT INTO person_vectors (embedding_id, person_id, embedder, embedder_version, embedding)
			 SELECT id, $2, $3, $4, v::vector FROM unnest($1::bigint[], $5::text[]) AS t (id, v)`,
			[
				rows.map((r) => r.id),
				personId,
				model.embedder,
				model.version,
				rows.map((r) => vectorText(normalize(r.vector)))
			]
		);
		await this.refreshCentroids(client, 'WHERE person_id = $1 AND embedder = $2 AND embedder_version = $3', [
			personId,
			model.embedder,
			model.version
		]);
	}

	private async refreshCentroids(client: pg.ClientBase, where: string, params: unknown[]): Promise<void> {
		await client.query(
			`INSERT INTO person_centroids (person_id, embedder, embedder_version, centroid)
			 SELECT person_id, embedder, embedder_version, avg(embedding) FROM person_vectors ${where}
			 GROUP BY person_id, embedder, embedder_version
			 ON CONFLICT (person_id, embedder, embedder_version) DO UPDATE SET centroid = EXCLUDED.centroid`,
			params
		);
	}

	/**
	 * Migration 6's second half, in its transaction: every stored template decrypted into the plaintext tables
	 * (keyset pages), every person's centroid, and the indexes of every model present.
	 */
	async fill(client: pg.ClientBase): Promise<void> {
		let last = 0;
		for (;;) {
			const { rows } = await client.query(
				`SELECT id, person_id, embedder, embedder_version, vector, key_id FROM person_embeddings
				 WHERE id > $1 ORDER BY id LIMIT ${FILL_ROWS}`,
				[last]
			);
			if (rows.length === 0) break;
			await client.query(
				`INSERT INTO person_vectors (embedding_id, person_id, embedder, embedder_version, embedding)
				 SELECT id, p, e, v, x::vector FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
				 AS t (id, p, e, v, x)`,
				[
					rows.map((r) => r.id),
					rows.map((r) => r.person_id),
					rows.map((r) => r.embedder),
					rows.map((r) => r.embedder_version),
					rows.map((r) =>
						vectorText(normalize(blobToVector(this.cipher.decrypt(new Uint8Array(r.vector), r.key_id))))
					)
				]
			);
			last = Number(rows[rows.length - 1].id);
			if (rows.length < FILL_ROWS) break;
		}
		await this.refreshCentroids(client, '', []);
		const { rows: models } = await client.query(
			'SELECT DISTINCT embedder, embedder_version, dim FROM person_embeddings'
		);
		for (const m of models)
			await this.ensureIndexes(client, { embedder: m.embedder, version: m.embedder_version }, Number(m.dim));
	}

	/** The candidate query for one face (also what EXPLAIN is asked about). */
	candidateSql(model: EmbedderRef, dim: number, strategy: ScoreStrategy, limit: number): string {
		const { where } = modelIndexes(model);
		return strategy === 'max'
			? `SELECT person_id FROM person_vectors WHERE ${where}
			   ORDER BY embedding::vector(${dim}) <=> $1::vector(${dim}) LIMIT ${limit}`
			: `SELECT person_id FROM person_centroids WHERE ${where}
			   ORDER BY centroid::vector(${dim}) <=> $1::vector(${dim}) LIMIT ${limit}`;
	}

	/**
	 * The people to match these faces against: for each face the `candidates` nearest by the strategy's score,
	 * read with their ciphertext templates in one read-only transaction, as one small gallery.
	 */
	async gallery(
		pool: pg.Pool,
		queries: readonly ArrayLike<number>[],
		model: EmbedderRef,
		strategy: ScoreStrategy
	): Promise<GalleryMatrix> {
		const matrix = new GalleryMatrix();
		if (queries.length === 0) return matrix;
		const owners = await inTransaction(
			pool,
			async (client) => {
				const ids = new Set<string>();
				for (const query of queries) {
					for (const id of await this.nearest(client, query, model, strategy)) ids.add(id);
				}
				return loadOwners(client, this.cipher, 'people', model, [...ids]);
			},
			'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
		);
		for (const [id, owner] of owners) matrix.set(id, owner.name, owner.vectors);
		return matrix;
	}

	/**
	 * The `candidates` nearest distinct people to one face. With `max` the rows are member photos, several per
	 * person: more are read (up to HNSW's list length) until enough distinct people are among them.
	 */
	private async nearest(
		client: pg.ClientBase,
		query: ArrayLike<number>,
		model: EmbedderRef,
		strategy: ScoreStrategy
	): Promise<string[]> {
		const k = this.candidates;
		const text = vectorText(normalize(query));
		for (let limit = strategy === 'max' ? k * 4 : k; ; limit *= 2) {
			limit = Math.min(limit, MAX_EF_SEARCH);
			// HNSW returns at most ef_search rows: ask for at least as many as the LIMIT.
			await client.query(
				`SET LOCAL hnsw.ef_search = ${Math.min(MAX_EF_SEARCH, Math.max(this.efSearch, limit))}`
			);
			const { rows } = await client.query(this.candidateSql(model, query.length, strategy, limit), [text]);
			const people = [...new Set(rows.map((r) => r.person_id as string))];
			if (people.length >= k || rows.length < limit || limit === MAX_EF_SEARCH) return people.slice(0, k);
		}
	}
}
