// npm run bench:match: the 1:N match step alone, on synthetic unit vectors (timing does not depend on faces).
// For each gallery size: p50/p95 per query on one core, and memory per template. BENCH_MATCH_SIZES (comma list),
// BENCH_DIM (128 = the default embedder), BENCH_QUERIES override. Each size is timed with the WebAssembly SIMD
// kernel and with the plain JavaScript loop; --legacy also times the list of templates
// scored one by one and sorted (the matcher before the matrix) up to 100,000.
// --pgvector: the optional pgvector index instead (PG_VECTOR_INDEX=on): see pgvectorBench below.
import { performance } from 'node:perf_hooks';
import { buildTemplate, GalleryMatrix, matchFace, type PersonTemplate } from '../../src/lib/core/gallery';
import { createRng, gaussian } from '../../src/lib/core/random';

const sizes = (process.env.BENCH_MATCH_SIZES ?? '1000,10000,100000,1000000').split(',').map(Number);
const dim = Number(process.env.BENCH_DIM ?? 128);
const queries = Number(process.env.BENCH_QUERIES ?? 200);
const legacy = process.argv.includes('--legacy');
// The JavaScript loop needs a second copy of the matrix: skipped above this size to spare memory.
const jsMax = Number(process.env.BENCH_JS_MAX ?? 100_000);
const policy = { threshold: 0.961, margin: 0.03, strategy: 'centroid' as const };

function unit(rng: () => number): Float32Array {
	const v = Float32Array.from({ length: dim }, () => gaussian(rng));
	const n = Math.hypot(...v);
	for (let i = 0; i < dim; i++) v[i] /= n;
	return v;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function time(run: () => void, count: number): { p50: number; p95: number } {
	for (let i = 0; i < Math.min(5, count); i++) run(); // warm up the JIT
	const ms: number[] = [];
	for (let i = 0; i < count; i++) {
		const t = performance.now();
		run();
		ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

function rss(): number {
	globalThis.gc?.();
	return process.memoryUsage().rss;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const cell = (t: { p50: number; p95: number }) => `${t.p50.toFixed(3)} / ${t.p95.toFixed(3)} ms`;

/**
 * --pgvector (BENCH_PGVECTOR_SIZES, default 20000,100000): per size, people with one template each are written
 * as the store writes them (encrypted), then the store is opened with the index on, so migration 6 fills the
 * tables and builds the HNSW indexes (timed). Then per query: the store's index path (candidates by HNSW, their
 * templates decrypted, the core matcher) against brute force on the in-memory matrix, and how many decisions
 * differ. Half the queries are new photos of an enrolled person (cosine ~0.97), half strangers. The PostgreSQL is
 * PGlite (WebAssembly, one thread, in this process, over the wire protocol): slower than a native server.
 */
async function pgvectorBench(): Promise<void> {
	const { startPglite } = await import('../../tests/helpers/pglite');
	const { openStore } = await import('../../src/lib/server/db/database');
	const { ephemeralCipher } = await import('../../src/lib/server/secrets/template-cipher');
	const { vectorToBlob } = await import('../../src/lib/server/db/vectors');
	const { matchFrame } = await import('../../src/lib/core/gallery');
	type PgStore = import('../../src/lib/server/db/postgres/store').PostgresStore;
	const model = { embedder: 'bench', version: '1' };
	const list = (process.env.BENCH_PGVECTOR_SIZES ?? '20000,100000').split(',').map(Number);
	const cipher = ephemeralCipher();
	console.log(
		`pgvector HNSW (PGlite) vs brute force, ${dim}-D unit vectors, ${queries} queries, centroid strategy`
	);
	console.log(
		'| people | migration 6 (fill + HNSW build) | index path p50 / p95 | HNSW query alone p50 / p95 | brute force p50 / p95 | decisions that differ |'
	);
	console.log('| --- | --- | --- | --- | --- | --- |');
	for (const size of list) {
		const server = await startPglite();
		await server.db.exec("SET maintenance_work_mem = '1GB'");
		const rng = createRng(size);
		const people = Array.from({ length: size }, () => unit(rng));
		const plain = (await openStore({ databaseUrl: server.url, cipher })) as PgStore;
		for (let from = 0; from < size; from += 5000) {
			const ids = Array.from({ length: Math.min(5000, size - from) }, (_, i) => `p${from + i}`);
			const sealed = ids.map((_, i) => cipher.encrypt(vectorToBlob(people[from + i])));
			await plain.pool.query(
				`WITH p AS (INSERT INTO people (id, name) SELECT id, id FROM unnest($1::text[]) AS t (id))
				 INSERT INTO person_embeddings (person_id, embedder, embedder_version, dim, vector, key_id)
				 SELECT id, $2, $3, $4, v, k FROM unnest($1::text[], $5::bytea[], $6::text[]) AS t (id, v, k)`,
				[
					ids,
					model.embedder,
					model.version,
					dim,
					sealed.map((x) => Buffer.from(x.blob)),
					sealed.map((x) => x.keyId)
				]
			);
		}
		await plain.close();
		const started = performance.now();
		const store = (await openStore({ databaseUrl: server.url, cipher, vectorIndex: true })) as PgStore;
		const built = (performance.now() - started) / 1000;
		await store.pool.query('ANALYZE');
		const full = await store.people.gallery(model);
		const probes = Array.from({ length: queries }, (_, i) => {
			if (i % 2) return unit(rng);
			const v = people[Math.floor(rng() * size)].map((x) => x + 0.02 * gaussian(rng));
			return Float32Array.from(v, (x) => x / Math.hypot(...v));
		});
		const timed = async (run: (q: Float32Array) => Promise<unknown>) => {
			const ms: number[] = [];
			for (const q of probes) {
				const t = performance.now();
				await run(q);
				ms.push(performance.now() - t);
			}
			ms.sort((a, b) => a - b);
			return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
		};
		let differ = 0;
		const indexPath = await timed(async (q) => {
			const decided = matchFrame([q], await store.people.galleryFor([q], model, 'centroid'), policy)[0];
			if (JSON.stringify(decided) !== JSON.stringify(matchFrame([q], full, policy)[0])) differ++;
		});
		const sql = store.vectors!.candidateSql(model, dim, 'centroid', store.vectors!.candidates);
		const hnsw = await timed(async (q) => {
			const client = await store.pool.connect();
			try {
				await client.query('BEGIN');
				await client.query(`SET LOCAL hnsw.ef_search = ${store.vectors!.efSearch}`);
				await client.query(sql, [`[${Array.from(q).join(',')}]`]);
				await client.query('COMMIT');
			} finally {
				client.release();
			}
		});
		const brute = await timed(async (q) => void matchFrame([q], full, policy));
		console.log(
			`| ${fmt(size)} | ${built.toFixed(1)} s | ${cell(indexPath)} | ${cell(hnsw)} | ${cell(brute)} | ${differ} of ${queries} |`
		);
		await store.close();
		await server.stop();
	}
}

if (process.argv.includes('--pgvector')) {
	await pgvectorBench();
	process.exit(0);
}

console.log(`1:N match step, ${dim}-D unit vectors, centroid strategy, one core (Node ${process.version})`);
console.log(
	'| templates | WebAssembly SIMD p50 / p95 | JavaScript loop p50 / p95 |' +
		(legacy ? ' list of templates, sorted |' : '') +
		' memory / template (RSS) | matrix / template |'
);
console.log('| --- | --- | --- |' + (legacy ? ' --- |' : '') + ' --- | --- |');
for (const size of sizes) {
	const rng = createRng(size);
	const probes = Array.from({ length: 32 }, () => unit(rng));
	const count = size >= 1_000_000 ? Math.min(queries, 50) : queries;
	let q = 0;
	const before = rss();
	const matrix = new GalleryMatrix(dim, size);
	for (let i = 0; i < size; i++) matrix.setCentroid(`person-${i}`, `Person ${i}`, unit(createRng(i)));
	const perTemplate = (rss() - before) / size;
	const simd = time(() => void matchFace(probes[q++ % probes.length], matrix, policy), count);
	// The same rows without the kernel: the plain JavaScript loop (browsers or runtimes without SIMD).
	let jsCell = '–';
	let plain: GalleryMatrix | null = null;
	if (size <= jsMax) {
		plain = new GalleryMatrix(dim, size, { simd: false });
		for (let i = 0; i < size; i++) plain.setCentroid(`person-${i}`, `Person ${i}`, unit(createRng(i)));
		jsCell = cell(
			time(() => void matchFace(probes[q++ % probes.length], plain!, policy), Math.min(count, 50))
		);
	}
	let legacyCell = '';
	if (legacy && plain && size <= 100_000) {
		const list: PersonTemplate[] = plain.toTemplates().map((t) => buildTemplate(t.id, t.name, [t.centroid]));
		legacyCell = ` ${cell(time(() => void matchFace(probes[q++ % probes.length], list, policy), 20))} |`;
	} else if (legacy) legacyCell = ' – |';
	console.log(
		`| ${fmt(size)} | ${cell(simd)} | ${jsCell} |${legacyCell} ${Math.round(perTemplate)} B | ${matrix.matrixBytes / size} B |`
	);
}
