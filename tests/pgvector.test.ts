import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	matchFrame,
	meanDirection,
	normalize,
	type GalleryMatrix,
	type MatchPolicy,
	type ScoreStrategy
} from '../src/lib/core/gallery';
import { openStore } from '../src/lib/server/db/database';
import { migratePostgres, PG_LATEST_REQUIRED, PG_MIGRATIONS } from '../src/lib/server/db/postgres/migrations';
import type { PostgresStore } from '../src/lib/server/db/postgres/store';
import { modelIndexes, parseVector } from '../src/lib/server/db/postgres/vector-index';
import { TemplateCipher } from '../src/lib/server/secrets/template-cipher';
import { startPglite, type PgliteServer } from './helpers/pglite';
import { freshPostgresDatabase } from './helpers/postgres';

// Issue 11, point 6: the optional pgvector index (migration 6, PG_VECTOR_INDEX=on), against real PostgreSQL
// with the real pgvector extension: PGlite (PostgreSQL 18 compiled to WebAssembly, pgvector 0.8) served over the
// wire protocol, since Debian ships no pgvector. Debian's own PostgreSQL (no pgvector) shows that nothing
// changes where the extension is missing. Vectors here are synthetic but shaped like face embeddings (people
// crowd a cone, each person's photos a tight cluster); tests/pgvector-people.test.ts does it with real photos
// through the server's routes.

const MODEL = { embedder: 'test-embedder', version: '1' };
const DIM = 128;

/** Seeded normal draws: the same gallery every run. */
function gaussian(seed: number): () => number {
	let s = seed >>> 0;
	const uniform = () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `centre` plus isotropic noise of this size per dimension, made unit length. */
function near(centre: Float32Array, sigma: number, draw: () => number): Float32Array {
	return normalize(centre.map((x) => x + sigma * draw()));
}

interface Synthetic {
	centres: Float32Array[];
	members: Float32Array[][];
}

/** People in a cone around one direction (cosine ~0.7 between people), three photos each (~0.95 to theirs). */
function syntheticPeople(count: number, seed = 7): Synthetic {
	const draw = gaussian(seed);
	const axis = normalize(Float32Array.from({ length: DIM }, draw));
	const centres = Array.from({ length: count }, () => near(axis, 0.055, draw));
	const members = centres.map((c) => [0, 1, 2].map(() => near(c, 0.02, draw)));
	return { centres, members };
}

async function enrolAll(store: PostgresStore, people: Synthetic, from = 0, to = people.centres.length) {
	for (let i = from; i < to; i++) {
		await store.people.enroll(
			{ id: `s${i}` },
			{ id: `s${i}`, name: `Synthetic ${i}` },
			people.members[i].map((vector) => ({ vector })),
			MODEL
		);
	}
}

/** Faces to recognise: new photos of enrolled people, faces halfway between two people, and strangers. */
function queries(people: Synthetic, count: number, seed = 11): Float32Array[] {
	const draw = gaussian(seed);
	const n = people.centres.length;
	const pick = () => Math.floor(((draw() + 4) / 8) * n + n) % n;
	return Array.from({ length: count }, (_, i) => {
		if (i % 3 === 0) return near(people.centres[pick()], 0.025, draw);
		if (i % 3 === 1) return near(meanDirection([people.centres[pick()], people.centres[pick()]]), 0.01, draw);
		return near(people.centres[pick()], 0.06, draw);
	});
}

const policy = (strategy: ScoreStrategy): MatchPolicy => ({ threshold: 0.9, margin: 0.02, strategy });

/** Each face's decision, alone (as /process_frame decides a one-face frame). */
function decisions(qs: Float32Array[], gallery: (q: Float32Array) => Promise<GalleryMatrix>, p: MatchPolicy) {
	return Promise.all(qs.map(async (q) => matchFrame([q], await gallery(q), p)[0]));
}

async function plan(store: PostgresStore, sql: string, query: Float32Array): Promise<string> {
	const text = `[${Array.from(query).join(',')}]`;
	const { rows } = await store.pool.query(`EXPLAIN ${sql.replace('$1', `'${text}'`)}`);
	return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/**
 * At 2,000 rows the planner rightly prefers an exact scan to HNSW (tests/pgvector-people.test.ts shows it
 * choosing the index at 20,000). To test the index's answers here, the exact plans (a scan of every row, then a
 * sort) are turned off meanwhile. On PGlite every connection shares one session, so the store's own connections
 * see the settings; the tests count the HNSW scans to be sure.
 */
async function forcingIndex<T>(store: PostgresStore, run: () => Promise<T>): Promise<T> {
	const exact = ['enable_seqscan', 'enable_bitmapscan', 'enable_sort'];
	await store.pool.query(exact.map((name) => `SET ${name} = off`).join('; '));
	try {
		return await run();
	} finally {
		await store.pool.query(exact.map((name) => `SET ${name} = on`).join('; '));
	}
}

/** Scans of the HNSW indexes so far (statistics flushed first). */
async function hnswScans(store: PostgresStore): Promise<number> {
	const { centroids, members } = modelIndexes(MODEL);
	await store.pool.query('SELECT pg_stat_force_next_flush()');
	const { rows } = await store.pool.query(
		'SELECT COALESCE(SUM(idx_scan), 0) AS n FROM pg_stat_user_indexes WHERE indexrelname = ANY($1)',
		[[centroids, members]]
	);
	return Number(rows[0].n);
}

const count = async (store: PostgresStore, sql: string, params: unknown[] = []) =>
	Number((await store.pool.query(sql, params)).rows[0].n);

describe('pgvector index on PostgreSQL with the extension (PGlite + pgvector over the wire protocol)', () => {
	let server: PgliteServer;
	let store: PostgresStore;
	const cipher = new TemplateCipher(new Uint8Array(32).fill(7));
	const people = syntheticPeople(2000);
	const warnings: string[] = [];
	const consoleWarn = console.warn;

	beforeAll(async () => {
		console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
		server = await startPglite();
		// First without the setting: the database stays at the mandatory migrations, as on Debian.
		const plain = (await openStore({ databaseUrl: server.url, cipher })) as PostgresStore;
		expect(plain.vectorIndex).toBe('absent');
		expect(await plain.schemaVersion()).toBe(PG_LATEST_REQUIRED);
		await enrolAll(plain, people, 0, 300);
		await plain.close();
		expect(warnings).toEqual([]);
		// Then on: migration 6 fills the tables from the 300 people's encrypted templates.
		store = (await openStore({
			databaseUrl: server.url,
			cipher,
			vectorIndex: true,
			vectorCandidates: 4
		})) as PostgresStore;
		await enrolAll(store, people, 300);
		await store.pool.query('ANALYZE');
	}, 600_000);

	afterAll(async () => {
		await store?.close();
		await server?.stop();
		console.warn = consoleWarn;
	});

	it('migration 6 creates the vector tables and one HNSW (cosine) index per model over vector(N), with a warning', async () => {
		expect(store.vectorIndex).toBe('serving');
		expect(await store.schemaVersion()).toBe(6);
		expect(warnings.join('\n')).toMatch(/PLAINTEXT/);
		const { centroids, members } = modelIndexes(MODEL);
		const { rows } = await store.pool.query(
			'SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY($1) ORDER BY indexname',
			[[centroids, members]]
		);
		expect(rows.map((r) => r.indexname)).toEqual([centroids, members]);
		for (const r of rows) {
			expect(r.indexdef).toMatch(/USING hnsw/);
			expect(r.indexdef).toMatch(new RegExp(`::vector\\(${DIM}\\)\\) vector_cosine_ops`));
			expect(r.indexdef).toMatch(
				/WHERE \(\(embedder = 'test-embedder'::text\) AND \(embedder_version = '1'::text\)\)/
			);
		}
		expect(
			(await store.pool.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows
		).toHaveLength(1);
	});

	it('holds every template (the 300 filled from ciphertext and the 1,700 enrolled after) and each centroid', async () => {
		expect(await count(store, 'SELECT COUNT(*) AS n FROM person_vectors')).toBe(6000);
		expect(await count(store, 'SELECT COUNT(*) AS n FROM person_centroids')).toBe(2000);
		expect(await count(store, 'SELECT COUNT(*) AS n FROM person_embeddings')).toBe(6000);
		for (const i of [0, 299, 300, 1999]) {
			const { rows } = await store.pool.query(
				'SELECT centroid::text AS c FROM person_centroids WHERE person_id = $1',
				[`s${i}`]
			);
			const fromDb = normalize(parseVector(rows[0].c));
			const expected = meanDirection(people.members[i]);
			expect(fromDb.reduce((s, x, j) => s + x * expected[j], 0)).toBeGreaterThan(0.999999);
		}
	});

	it('1:N through the index gives brute force’s answers (centroid and max strategies, 4 candidates of 2,000)', async () => {
		const full = await store.people.gallery(MODEL);
		expect(full.size).toBe(2000);
		const qs = queries(people, 150);
		for (const strategy of ['centroid', 'max'] as const) {
			const p = policy(strategy);
			const brute = await decisions(qs, async () => full, p);
			const before = await hnswScans(store);
			const indexed = await forcingIndex(store, () =>
				decisions(qs, (q) => store.people.galleryFor([q], MODEL, strategy), p)
			);
			// Every face's candidates came from the HNSW index (no exact scan stood in for it).
			expect((await hnswScans(store)) - before).toBeGreaterThanOrEqual(qs.length);
			const tally = { known: 0, below_threshold: 0, ambiguous: 0 };
			for (const d of brute) tally[d.status === 'known' ? 'known' : (d.reason as 'ambiguous')]++;
			console.log(`[pgvector] ${strategy}: ${JSON.stringify(tally)} of ${qs.length}, brute force = index`);
			// Every kind of answer occurs, so agreeing is not trivial.
			expect(Math.min(tally.known, tally.below_threshold, tally.ambiguous)).toBeGreaterThan(10);
			expect(indexed).toEqual(brute);
		}
		// A whole frame (several faces, one person at most once) decided on the union of their candidates.
		const frame = qs.slice(0, 12);
		const union = await forcingIndex(store, () => store.people.galleryFor(frame, MODEL, 'centroid'));
		expect(union.size).toBeLessThanOrEqual(12 * 4);
		expect(matchFrame(frame, union, policy('centroid'))).toEqual(matchFrame(frame, full, policy('centroid')));
	}, 300_000);

	it('EXPLAIN: the candidate queries can use the HNSW indexes (predicate, expression and operator class match)', async () => {
		const q = queries(people, 1)[0];
		const { centroids, members } = modelIndexes(MODEL);
		const byCentroid = await forcingIndex(store, () =>
			plan(store, store.vectors!.candidateSql(MODEL, DIM, 'centroid', 4), q)
		);
		const byMember = await forcingIndex(store, () =>
			plan(store, store.vectors!.candidateSql(MODEL, DIM, 'max', 16), q)
		);
		console.log(`[pgvector] centroid candidates:\n${byCentroid}\n[pgvector] member candidates:\n${byMember}`);
		expect(byCentroid).toContain(`Index Scan using ${centroids}`);
		expect(byMember).toContain(`Index Scan using ${members}`);
	});

	it('adding photos and deleting a person keep the vector tables in step, in the same transaction', async () => {
		const draw = gaussian(99);
		const extra = near(people.centres[5], 0.02, draw);
		await store.people.enroll({ id: 's5' }, { id: 's5', name: 'x' }, [{ vector: extra }], MODEL);
		expect(await count(store, 'SELECT COUNT(*) AS n FROM person_vectors WHERE person_id = $1', ['s5'])).toBe(
			4
		);
		const { rows } = await store.pool.query(
			'SELECT centroid::text AS c FROM person_centroids WHERE person_id = $1',
			['s5']
		);
		const expected = meanDirection([...people.members[5], extra]);
		const fromDb = normalize(parseVector(rows[0].c));
		expect(fromDb.reduce((s, x, j) => s + x * expected[j], 0)).toBeGreaterThan(0.999999);

		// A failed enrolment (the second embedding is empty) writes nothing, in either table.
		await expect(
			store.people.enroll(
				{ id: 's6' },
				{ id: 's6', name: 'x' },
				[{ vector: extra }, { vector: new Float32Array(0) }],
				MODEL
			)
		).rejects.toThrow(/empty/);
		expect(await count(store, 'SELECT COUNT(*) AS n FROM person_vectors WHERE person_id = $1', ['s6'])).toBe(
			3
		);

		const q = near(people.centres[7], 0.02, gaussian(3));
		const before = matchFrame(
			[q],
			await store.people.galleryFor([q], MODEL, 'centroid'),
			policy('centroid')
		)[0];
		expect(before).toMatchObject({ status: 'known', person: { id: 's7' } });
		expect(await store.people.delete('s7')).toBe(true);
		expect(await count(store, "SELECT COUNT(*) AS n FROM person_vectors WHERE person_id = 's7'")).toBe(0);
		expect(await count(store, "SELECT COUNT(*) AS n FROM person_centroids WHERE person_id = 's7'")).toBe(0);
		const after = matchFrame(
			[q],
			await store.people.galleryFor([q], MODEL, 'centroid'),
			policy('centroid')
		)[0];
		expect(after.status).toBe('unknown');
		expect(after.status === 'unknown' && after.best?.id).not.toBe('s7');
	});

	it('a replica with the setting off keeps the tables in step but matches in memory; an older release is refused', async () => {
		const off = (await openStore({ databaseUrl: server.url, cipher })) as PostgresStore;
		try {
			expect(off.vectorIndex).toBe('maintained');
			const draw = gaussian(5);
			const vectors = [0, 1].map(() => near(people.centres[8], 0.02, draw));
			await off.people.enroll(
				{ id: 'new' },
				{ id: 'new', name: 'New' },
				vectors.map((vector) => ({ vector })),
				MODEL
			);
			expect(await count(store, "SELECT COUNT(*) AS n FROM person_vectors WHERE person_id = 'new'")).toBe(2);
			expect(await count(store, "SELECT COUNT(*) AS n FROM person_centroids WHERE person_id = 'new'")).toBe(
				1
			);
			const q = near(people.centres[8], 0.01, draw);
			expect((await off.people.galleryFor([q], MODEL, 'centroid')).size).toBe(2000);
			expect((await store.people.galleryFor([q], MODEL, 'centroid')).has('new')).toBe(true);
		} finally {
			await off.close();
		}
		// A release that knows only migrations 1-5 would write templates the index never sees: it must not start.
		const client = await store.pool.connect();
		try {
			await expect(
				migratePostgres(
					client,
					PG_MIGRATIONS.filter((m) => !m.optional)
				)
			).rejects.toThrow(/schema is version 6 but this release only knows up to 5/);
		} finally {
			client.release();
		}
	});
});

describe('PG_VECTOR_INDEX=on where the extension is missing changes nothing', () => {
	it('on Debian’s PostgreSQL (no pgvector): a warning, migrations 1-5 only, brute force in memory', async () => {
		const database = await freshPostgresDatabase();
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		try {
			const store = (await openStore({ databaseUrl: database.url, vectorIndex: true })) as PostgresStore;
			try {
				const available = await store.pool.query(
					"SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"
				);
				expect(available.rows).toEqual([]);
				expect(warn.mock.calls.flat().join('\n')).toMatch(/no pgvector/);
				expect(store.vectorIndex).toBe('absent');
				expect(await store.schemaVersion()).toBe(PG_LATEST_REQUIRED);
				expect((await store.pool.query("SELECT to_regclass('person_vectors') AS t")).rows[0].t).toBeNull();
				const { members } = syntheticPeople(3);
				for (const [i, m] of members.entries())
					await store.people.enroll(
						{ id: `p${i}` },
						{ id: `p${i}`, name: `P${i}` },
						m.map((vector) => ({ vector })),
						MODEL
					);
				const q = members[1][0];
				const gallery = await store.people.galleryFor([q], MODEL, 'centroid');
				expect(gallery).toBe(await store.people.gallery(MODEL));
				expect(matchFrame([q], gallery, policy('centroid'))[0]).toMatchObject({
					status: 'known',
					person: { id: 'p1' }
				});
			} finally {
				await store.close();
			}
		} finally {
			warn.mockRestore();
			await database.drop();
		}
	}, 60_000);

	it('on PGlite without the extension loaded: the same', async () => {
		const server = await startPglite({ vector: false });
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		try {
			const store = (await openStore({ databaseUrl: server.url, vectorIndex: true })) as PostgresStore;
			expect(store.vectorIndex).toBe('absent');
			expect(await store.schemaVersion()).toBe(PG_LATEST_REQUIRED);
			await store.close();
		} finally {
			warn.mockRestore();
			await server.stop();
		}
	}, 60_000);
});
