import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanDirection, normalize } from '../src/lib/core/gallery';
import type { PostgresStore } from '../src/lib/server/db/postgres/store';
import { modelIndexes } from '../src/lib/server/db/postgres/vector-index';
import { vectorToBlob } from '../src/lib/server/db/vectors';
import { configuredModel as modelOf } from '../src/lib/server/people/people-engine';
import { DELETE as deletePerson } from '../src/routes/(api)/people/[id]/+server';
import { POST as processFrame } from '../src/routes/(api)/process_frame/+server';
import { POST as register } from '../src/routes/(api)/register/+server';
import { GROUP_PHOTOS } from './helpers/group-photos';
import { startPglite, type PgliteServer } from './helpers/pglite';
import { call, form, isolatedServerState, type JsonBody } from './people-routes';

// Issue 11, point 6 with real models on real photos: the server (its route handlers, in-process, on a
// DATABASE_URL) with PG_VECTOR_INDEX=on against PostgreSQL with pgvector (PGlite over the wire protocol), then
// the same database with the setting off (brute force in memory). Sixteen real people are registered through
// POST /register and 20,000 synthetic people shaped like them are added, so the index has a real job (4
// candidates per face out of 20,016) and the planner picks it (at a few thousand rows an exact scan is cheaper
// at hnsw.ef_search 200). Every answer of /process_frame must be the same both ways.

const PEOPLE: Record<string, string[]> = {
	...Object.fromEntries(
		['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].map((n) => [
			n,
			[1, 2, 3, 4].map((i) => `${n}/${n}${i}.png`)
		])
	),
	john_salley: ['000179_02159509', '000183_02159543', '000186_02159346', '000189_02159361'].map(
		(f) => `John_Salley/${f}.jpg`
	),
	john_savage: ['000264_01099001', '000274_01099061', '000277_01099000', '000289_01099139'].map(
		(f) => `John_Savage/${f}.jpg`
	),
	john_schneider: ['000288_00925786', '000302_00925785', '000307_00925823', '000325_00925954'].map(
		(f) => `John_Schneider/${f}.jpg`
	),
	john_shimkus: ['000373_03228153', '000375_03227651', '000376_02340068', '000378_02340151'].map(
		(f) => `John_Shimkus/${f}.jpg`
	),
	john_simm: ['000288_00470387', '000297_00470170', '000300_00470148', '000304_00470122'].map(
		(f) => `John_Simm/${f}.jpg`
	),
	obama: ['Barack_Obama/obama1.jpg', 'Barack_Obama/obama2.jpg', 'Barack_Obama/obama3.jpg'],
	kit: ['Kit_Harington/john2.jpeg', 'Kit_Harington/johnsnow_test1.jpg'],
	alex: ['Alex_Lacamoire/alex-lacamoire.png', 'Alex_Lacamoire/img1.jpg']
};

/** Photos nobody was registered with: group photos, held-back photos of the registered, and strangers. */
const QUERIES = [
	...Object.keys(GROUP_PHOTOS),
	...['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'].map(
		(n) => `${n}/${n}5.png`
	),
	'John_Salley/000190_02159501.jpg',
	'John_Savage/000290_01099067.jpg',
	'John_Schneider/000326_00925765.jpg',
	'John_Shimkus/000383_03227939.jpg',
	'John_Simm/000305_00470162.jpg',
	'Barack_Obama/obama.jpg',
	'Kit_Harington/john1.jpeg',
	'Alex_Lacamoire/alex_lacamoire1.jpg',
	'Rose_Leslie/img1.jpg',
	'Rose_Leslie/img2.jpg',
	'unknown/ivan.jpg',
	'unknown/lin-manuel-miranda.png',
	'unknown/happy.jpg',
	'multi/kit_with_rose.jpg'
];

const DISTRACTORS = 20_000;
/** Registered once the index is on (the others before: migration 6 then fills the tables from their ciphertext). */
const LATE = ['obama', 'alex'];

let server: PgliteServer;
let state: ReturnType<typeof isolatedServerState>;
const registered = new Map<string, string>();

async function answers(): Promise<Record<string, JsonBody>> {
	const out: Record<string, JsonBody> = {};
	for (const file of QUERIES) {
		const { status, json } = await call(processFrame, form({}, { image: [file] }));
		expect(status, `${file}: ${JSON.stringify(json)}`).toBe(200);
		delete json.timing_ms;
		out[file] = json;
	}
	return out;
}

async function pgStore(): Promise<PostgresStore> {
	return (await state.services()).store as PostgresStore;
}

async function configuredModel() {
	return modelOf((await state.services()).config);
}

/** Scans of this model's HNSW indexes so far (statistics flushed first). */
async function hnswScans(): Promise<number> {
	const store = await pgStore();
	const { centroids, members } = modelIndexes(await configuredModel());
	await store.pool.query('SELECT pg_stat_force_next_flush()');
	const { rows } = await store.pool.query(
		'SELECT COALESCE(SUM(idx_scan), 0) AS n FROM pg_stat_user_indexes WHERE indexrelname = ANY($1)',
		[[centroids, members]]
	);
	return Number(rows[0].n);
}

const count = async (sql: string, params: unknown[] = []) =>
	Number((await (await pgStore()).pool.query(sql, params)).rows[0].n);

function setIndex(on: boolean) {
	process.env.PG_VECTOR_INDEX = on ? 'on' : 'off';
	state.restart();
}

async function registerAll(names: string[]) {
	for (const name of names) {
		const { status, json } = await call(register, form({ name }, { images: PEOPLE[name] }));
		expect(status, `${name}: ${JSON.stringify(json)}`).toBe(201);
		registered.set(name, json.person_id);
	}
}

/**
 * Synthetic people around the registered ones' mean face, as far from it as the real people are, written as the
 * store writes templates (AES-GCM under the server's key) but in bulk, while the index is off.
 */
async function addDistractors() {
	const store = await pgStore();
	const model = await configuredModel();
	const real = (await store.people.gallery(model)).toTemplates().map((t) => t.centroid);
	const mean = meanDirection(real);
	const spread = real.reduce((s, c) => s + c.reduce((d, x, i) => d + x * mean[i], 0), 0) / real.length;
	const sigma = Math.sqrt((1 / spread ** 2 - 1) / mean.length);
	let seed = 12345;
	const uniform = () => {
		seed = (seed + 0x6d2b79f5) >>> 0;
		let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
	};
	const draw = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
	for (let from = 0; from < DISTRACTORS; from += 2000) {
		const ids = Array.from({ length: Math.min(2000, DISTRACTORS - from) }, (_, i) => `d${from + i}`);
		const sealed = ids.map(() =>
			store.cipher.encrypt(vectorToBlob(normalize(mean.map((x) => x + sigma * draw()))))
		);
		await store.pool.query(
			`WITH p AS (INSERT INTO people (id, name) SELECT id, 'Distractor ' || id FROM unnest($1::text[]) AS t (id))
			 INSERT INTO person_embeddings (person_id, embedder, embedder_version, dim, vector, key_id)
			 SELECT id, $2, $3, $4, v, k FROM unnest($1::text[], $5::bytea[], $6::text[]) AS t (id, v, k)`,
			[
				ids,
				model.embedder,
				model.version,
				mean.length,
				sealed.map((s) => Buffer.from(s.blob)),
				sealed.map((s) => s.keyId)
			]
		);
	}
}

beforeAll(async () => {
	server = await startPglite();
	// PG_VECTOR_INDEX is read from the environment at each restart (setIndex); the rest is fixed.
	process.env.PG_VECTOR_INDEX = 'off';
	state = isolatedServerState({ DATABASE_URL: server.url, PG_VECTOR_CANDIDATES: '4' });
	await registerAll(Object.keys(PEOPLE).filter((name) => !LATE.includes(name)));
	expect((await pgStore()).vectorIndex).toBe('absent');
	await addDistractors();
	setIndex(true);
	await registerAll(LATE);
	await (await pgStore()).pool.query('ANALYZE');
}, 900_000);

afterAll(async () => {
	state?.cleanup();
	delete process.env.PG_VECTOR_INDEX;
	await server?.stop();
});

describe('1:N with the pgvector index, real models on real photos', () => {
	let indexed: Record<string, JsonBody>;
	let brute: Record<string, JsonBody>;

	it('the vector tables hold every template (filled from ciphertext, then kept in step by POST /register), and EXPLAIN uses HNSW', async () => {
		const store = await pgStore();
		expect(store.vectorIndex).toBe('serving');
		const stored = await count('SELECT COUNT(*) AS n FROM person_embeddings');
		expect(stored).toBe(Object.values(PEOPLE).flat().length + DISTRACTORS);
		expect(await count('SELECT COUNT(*) AS n FROM person_vectors')).toBe(stored);
		expect(await count('SELECT COUNT(*) AS n FROM person_centroids')).toBe(registered.size + DISTRACTORS);
		const model = await configuredModel();
		const q = (await store.people.gallery(model)).toTemplates()[0].centroid;
		const text = `'[${Array.from(q).join(',')}]'`;
		const sql = store.vectors!.candidateSql(model, q.length, 'centroid', 4).replace('$1', text);
		const plan = (await store.pool.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
		console.log(`[pgvector] ${model.embedder}, ${q.length}-D:\n${plan}`);
		expect(plan).toContain(`Index Scan using ${modelIndexes(model).centroids}`);
	});

	it('/process_frame answers from the index as brute force does (the index may miss a match, never rename a face)', async () => {
		const before = await hnswScans();
		indexed = await answers();
		const scans = (await hnswScans()) - before;
		const faces = Object.values(indexed).reduce(
			(n, j) => n + j.recognized_faces.length + j.unknown_faces.length,
			0
		);
		const named = Object.values(indexed).reduce((n, j) => n + j.recognized_faces.length, 0);
		console.log(
			`[pgvector] ${QUERIES.length} photos, ${faces} faces, ${named} named; ${scans} HNSW index scans`
		);
		// One scan per face (centroid strategy), so the server's 1:N did go through the index.
		expect(scans).toBeGreaterThanOrEqual(faces);

		setIndex(false);
		expect((await pgStore()).vectorIndex).toBe('maintained');
		brute = await answers();
		const misses: string[] = [];
		for (const file of QUERIES) {
			if (JSON.stringify(indexed[file]) === JSON.stringify(brute[file])) continue;
			const names = (j: JsonBody) => j.recognized_faces.map((f: { name: string }) => f.name).sort();
			// HNSW is approximate: a true match it did not return leaves that face unknown. It must never put
			// another name on a face (the candidates are re-ranked exactly, with the usual margin).
			for (const name of names(indexed[file])) expect(names(brute[file]), file).toContain(name);
			misses.push(`${file}: index ${names(indexed[file])}, brute force ${names(brute[file])}`);
		}
		console.log(`[pgvector] answers that differ from brute force: ${misses.length}\n${misses.join('\n')}`);
		// On these isotropic synthetic distractors (the hardest case for a graph search) CI saw one miss of 27
		// photos once in several runs; more than two would be a regression of the graph or search settings.
		expect(misses.length, misses.join('; ')).toBeLessThanOrEqual(2);
		expect(Object.values(brute).reduce((n, j) => n + j.recognized_faces.length, 0)).toBeGreaterThanOrEqual(
			15
		);
	}, 600_000);

	it('DELETE /people/{id} through the server removes the person from the index at once', async () => {
		setIndex(true);
		const id = registered.get('sheldon')!;
		const photo = 'sheldon/sheldon5.png';
		expect(brute[photo].recognized_faces.map((f: { name: string }) => f.name)).toEqual(['sheldon']);
		const gone = await call(deletePerson, null, { method: 'DELETE', params: { id } });
		expect(gone.status).toBe(200);
		expect(await count('SELECT COUNT(*) AS n FROM person_vectors WHERE person_id = $1', [id])).toBe(0);
		expect(await count('SELECT COUNT(*) AS n FROM person_centroids WHERE person_id = $1', [id])).toBe(0);
		const { json } = await call(processFrame, form({}, { image: [photo] }));
		expect(json.recognized_faces).toEqual([]);
		expect(json.unknown_faces).toHaveLength(1);
	}, 120_000);
});
