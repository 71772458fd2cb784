import { GalleryMatrix } from '../../core/gallery';
import type { SqliteDb as Db } from './sqlite';
import type { EmbedderRef, NewEmbedding } from './types';
import { blobToVector, vectorToBlob } from './vectors';

/**
 * `person_embeddings` and `user_embeddings` have the same shape; this is the one place that reads and writes
 * it. Table and column names come from the constants below, never from input.
 */
export interface EmbeddingTable {
	table: 'person_embeddings' | 'user_embeddings';
	owners: 'people' | 'users';
	ownerColumn: 'person_id' | 'user_id';
}

export const PERSON_EMBEDDINGS: EmbeddingTable = {
	table: 'person_embeddings',
	owners: 'people',
	ownerColumn: 'person_id'
};

export const USER_EMBEDDINGS: EmbeddingTable = {
	table: 'user_embeddings',
	owners: 'users',
	ownerColumn: 'user_id'
};

/** Inserts the embeddings (call inside the caller's transaction), each tagged with the model that made it. */
export function insertEmbeddings(
	db: Db,
	t: EmbeddingTable,
	ownerId: string | number,
	embeddings: readonly NewEmbedding[],
	model: EmbedderRef
): void {
	const insert = db.prepare(
		`INSERT INTO ${t.table} (${t.ownerColumn}, embedder, embedder_version, dim, vector, key_id, source, detector_score)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	);
	for (const e of embeddings) {
		const { blob, keyId } = db.cipher.encrypt(vectorToBlob(e.vector));
		insert.run(
			ownerId,
			model.embedder,
			model.version,
			e.vector.length,
			blob,
			keyId,
			e.source ?? null,
			e.detectorScore ?? null
		);
	}
}

export function countEmbeddings(db: Db, t: EmbeddingTable, ownerId?: string | number): number {
	const row =
		ownerId === undefined
			? db.prepare(`SELECT COUNT(*) AS n FROM ${t.table}`).get()
			: db.prepare(`SELECT COUNT(*) AS n FROM ${t.table} WHERE ${t.ownerColumn} = ?`).get(ownerId);
	return (row as { n: number }).n;
}

// The gallery is read on every recognised frame; rebuilding it costs ~13 ms at 100 people and ~130 ms at 1,000
// (5 x 1024-D each). It is kept until the database changes: `data_version` moves when another connection
// (another server worker) commits, `total_changes()` when this one writes.
const cache = new WeakMap<Db, Map<string, { stamp: string; gallery: GalleryMatrix }>>();

function changeStamp(db: Db): string {
	const { changes } = db.prepare('SELECT total_changes() AS changes').get() as { changes: number };
	return `${String(db.pragma('data_version', { simple: true }))}:${changes}`;
}

/** One row per owner with embeddings from this model (ids as strings); other models' vectors are ignored. */
export function galleryOf(db: Db, t: EmbeddingTable, model: EmbedderRef): GalleryMatrix {
	const key = `${t.table}\u0000${model.embedder}\u0000${model.version}`;
	const stamp = changeStamp(db);
	const byKey = cache.get(db) ?? new Map();
	cache.set(db, byKey);
	const hit = byKey.get(key);
	if (hit?.stamp === stamp) return hit.gallery;
	const gallery = readGallery(db, t, model);
	byKey.set(key, { stamp, gallery });
	return gallery;
}

function readGallery(db: Db, t: EmbeddingTable, model: EmbedderRef): GalleryMatrix {
	const rows = db
		.prepare(
			`SELECT o.id, o.name, e.vector, e.key_id FROM ${t.table} e JOIN ${t.owners} o ON o.id = e.${t.ownerColumn}
			 WHERE e.embedder = ? AND e.embedder_version = ? ORDER BY o.id, e.id`
		)
		.all(model.embedder, model.version) as {
		id: string | number;
		name: string;
		vector: Uint8Array;
		key_id: string | null;
	}[];
	const byId = new Map<string, { name: string; vectors: Float32Array[] }>();
	for (const row of rows) {
		const id = String(row.id);
		const entry = byId.get(id) ?? { name: row.name, vectors: [] };
		entry.vectors.push(blobToVector(db.cipher.decrypt(row.vector, row.key_id)));
		byId.set(id, entry);
	}
	const gallery = new GalleryMatrix(0, Math.max(64, byId.size));
	for (const [id, { name, vectors }] of byId) gallery.set(id, name, vectors);
	return gallery;
}

const TABLES = [PERSON_EMBEDDINGS, USER_EMBEDDINGS];

/**
 * Re-encrypts with the current key every row not already under it: rows from before encryption (key_id NULL)
 * at start, and every row during a key rotation. One transaction: a failure leaves the old rows readable.
 */
export function reencryptRows(db: Db, { onlyPlaintext = false } = {}): number {
	let changed = 0;
	db.transaction(() => {
		for (const t of TABLES) {
			const rows = db
				.prepare(
					onlyPlaintext
						? `SELECT id, vector, key_id FROM ${t.table} WHERE key_id IS NULL`
						: `SELECT id, vector, key_id FROM ${t.table} WHERE key_id IS NULL OR key_id != ?`
				)
				.all(...(onlyPlaintext ? [] : [db.cipher.currentKeyId])) as {
				id: number;
				vector: Uint8Array;
				key_id: string | null;
			}[];
			const update = db.prepare(`UPDATE ${t.table} SET vector = ?, key_id = ? WHERE id = ?`);
			for (const row of rows) {
				const { blob, keyId } = db.cipher.encrypt(db.cipher.decrypt(row.vector, row.key_id));
				update.run(blob, keyId, row.id);
				changed++;
			}
		}
	}).immediate();
	if (changed > 0) db.checkpoint();
	return changed;
}

export function encryptPlaintextRows(db: Db): number {
	const pending = TABLES.some((t) =>
		db.prepare(`SELECT 1 FROM ${t.table} WHERE key_id IS NULL LIMIT 1`).get()
	);
	return pending ? reencryptRows(db, { onlyPlaintext: true }) : 0;
}
