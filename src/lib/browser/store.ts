import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { erasePeople } from './people/store';
import type { ModelFile } from '../core/classifier/model-file';
import type { Box, EngineInfo } from '../core/types';

/**
 * Everything the app keeps lives in one IndexedDB database. By default a sample is an embedding
 * (Float32Array, stored as such) plus metadata; a face thumbnail only when the user opts in.
 */

export const DB_NAME = 'me-verifier';
const DB_VERSION = 1;

export type Label = 'me' | 'not_me';

export interface SampleRecord {
	id?: number;
	label: Label;
	embedding: Float32Array;
	/** `${embedder.id}@${embedder.version}`: samples from another embedder cannot train together. */
	embedder: string;
	/** File name, or 'camera'. */
	source: string;
	box: Box;
	quality: { faceSize: number; sharpness: number; yaw: number };
	addedAt: number;
	thumbnail?: Blob;
}

export interface ModelRecord {
	id?: number;
	savedAt: number;
	origin: 'trained' | 'imported';
	file: ModelFile;
	/** Validation scores and labels from training, to redraw the charts later. */
	validation?: { scores: number[]; labels: number[] };
}

interface Schema extends DBSchema {
	samples: { key: number; value: SampleRecord; indexes: { label: Label } };
	models: { key: number; value: ModelRecord };
	meta: { key: string; value: unknown };
}

export function embedderKey(info: Pick<EngineInfo, 'embedder' | 'embedderVersion'>): string {
	return `${info.embedder}@${info.embedderVersion}`;
}

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
	dbPromise ??= openDB<Schema>(DB_NAME, DB_VERSION, {
		upgrade(database, oldVersion) {
			// Versioned upgrades: each step only adds what its version introduced.
			if (oldVersion < 1) {
				const samples = database.createObjectStore('samples', { keyPath: 'id', autoIncrement: true });
				samples.createIndex('label', 'label');
				database.createObjectStore('models', { keyPath: 'id', autoIncrement: true });
				database.createObjectStore('meta');
			}
		},
		blocking() {
			// Another tab wants to upgrade or delete the database: let it.
			void dbPromise?.then((d) => d.close());
			dbPromise = null;
		}
	});
	return dbPromise;
}

export async function addSample(sample: Omit<SampleRecord, 'id'>): Promise<number> {
	return (await db()).add('samples', sample as SampleRecord);
}

export async function listSamples(): Promise<SampleRecord[]> {
	return (await db()).getAll('samples');
}

export async function countSamples(): Promise<Record<Label, number>> {
	const d = await db();
	return {
		me: await d.countFromIndex('samples', 'label', 'me'),
		not_me: await d.countFromIndex('samples', 'label', 'not_me')
	};
}

export async function deleteSample(id: number): Promise<void> {
	await (await db()).delete('samples', id);
}

export async function saveModel(
	file: ModelFile,
	options: { origin?: ModelRecord['origin']; validation?: ModelRecord['validation']; savedAt?: number } = {}
): Promise<number> {
	const d = await db();
	const { origin = 'trained', validation, savedAt = Date.now() } = options;
	const record: ModelRecord = { savedAt, origin, file, ...(validation ? { validation } : {}) };
	const id = await d.add('models', record);
	await d.put('meta', id, 'activeModelId');
	return id;
}

export interface ImportedModel {
	record: Omit<ModelRecord, 'id'>;
	active: boolean;
}

/**
 * Writes imported samples and models in one transaction: a failure part-way leaves nothing behind. Models
 * are added oldest first, so the newest stays the default; the backup's active model becomes active.
 */
export async function importRecords(
	samples: readonly Omit<SampleRecord, 'id'>[],
	models: readonly ImportedModel[]
): Promise<void> {
	const tx = (await db()).transaction(['samples', 'models', 'meta'], 'readwrite');
	const writes: Promise<unknown>[] = samples.map((s) => tx.objectStore('samples').add(s as SampleRecord));
	let newest: Promise<number> | null = null;
	let active: Promise<number> | null = null;
	for (const m of [...models].sort((a, b) => a.record.savedAt - b.record.savedAt)) {
		newest = tx.objectStore('models').add(m.record as ModelRecord);
		writes.push(newest);
		if (m.active) active = newest;
	}
	const chosen = active ?? newest;
	if (chosen) writes.push(chosen.then((id) => tx.objectStore('meta').put(id, 'activeModelId')));
	await Promise.all([...writes, tx.done]);
}

export async function listModels(): Promise<ModelRecord[]> {
	return (await (await db()).getAll('models')).sort((a, b) => b.savedAt - a.savedAt);
}

export async function deleteModel(id: number): Promise<void> {
	const d = await db();
	await d.delete('models', id);
	if ((await d.get('meta', 'activeModelId')) === id) await d.delete('meta', 'activeModelId');
}

export async function setActiveModel(id: number): Promise<void> {
	await (await db()).put('meta', id, 'activeModelId');
}

export async function activeModelId(): Promise<number | null> {
	const id = await (await db()).get('meta', 'activeModelId');
	return typeof id === 'number' ? id : null;
}

/** The model verification uses: the one marked active, else the newest. */
export async function activeModel(): Promise<ModelRecord | null> {
	const d = await db();
	const id = await d.get('meta', 'activeModelId');
	const chosen = typeof id === 'number' ? await d.get('models', id) : undefined;
	return chosen ?? (await listModels())[0] ?? null;
}

/**
 * Removes every IndexedDB database of the app (samples and models, the People page's faces, and any other the
 * origin lists), every Cache Storage entry and the saved settings: no trace is left.
 */
export async function eraseEverything(): Promise<void> {
	if (dbPromise) (await dbPromise).close();
	dbPromise = null;
	await deleteDB(DB_NAME);
	// Closes its own connection first, so the deletion is not blocked by it.
	await erasePeople();
	const others = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
	for (const { name } of others) if (name) await deleteDB(name);
	if (typeof caches !== 'undefined') {
		for (const key of await caches.keys()) await caches.delete(key);
	}
	localStorage.clear();
	sessionStorage.clear();
}
