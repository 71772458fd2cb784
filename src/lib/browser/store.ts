import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { erasePeople } from './people/store';
import {
	allocateIds,
	isSealed,
	openRecord,
	sealPlainRecords,
	sealRecord,
	type SealedRecord
} from './vault/sealed';
import { dataKey, destroyKey } from './vault/vault';
import type { ModelFile } from '../core/classifier/model-file';
import type { Box, EngineInfo } from '../core/types';

/**
 * Everything the app keeps lives in one IndexedDB database. By default a sample is an embedding plus
 * metadata; a face thumbnail only when the user opts in. Each sample and model is sealed (vault/sealed.ts):
 * only its numeric key is stored in clear.
 */

export const DB_NAME = 'me-verifier';
const DB_VERSION = 2;

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

/** A record as stored: sealed, or still plain from version 1 until the first open seals it. */
type Stored<T> = SealedRecord<number> | (T & { id: number });

interface Schema extends DBSchema {
	samples: { key: number; value: Stored<SampleRecord>; indexes: { label: Label } };
	models: { key: number; value: Stored<ModelRecord> };
	meta: { key: string; value: unknown };
}

const SAMPLES = { db: DB_NAME, store: 'samples' } as const;
const MODELS = { db: DB_NAME, store: 'models' } as const;
const META = { db: DB_NAME, store: 'meta' } as const;

export function embedderKey(info: Pick<EngineInfo, 'embedder' | 'embedderVersion'>): string {
	return `${info.embedder}@${info.embedderVersion}`;
}

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
	dbPromise ??= openDB<Schema>(DB_NAME, DB_VERSION, {
		upgrade(database, oldVersion, _newVersion, tx) {
			// Versioned upgrades: each step only adds what its version introduced.
			if (oldVersion < 1) {
				const samples = database.createObjectStore('samples', { keyPath: 'id', autoIncrement: true });
				samples.createIndex('label', 'label');
				database.createObjectStore('models', { keyPath: 'id', autoIncrement: true });
				database.createObjectStore('meta');
			}
			// 2: records are sealed; the label is inside the box, so its index would only list plain leftovers.
			if (oldVersion < 2) tx.objectStore('samples').deleteIndex('label');
		},
		blocking() {
			// Another tab wants to upgrade or delete the database: let it.
			void dbPromise?.then((d) => d.close());
			dbPromise = null;
		}
	});
	return dbPromise;
}

type SampleContent = Omit<SampleRecord, 'id'>;
type ModelContent = Omit<ModelRecord, 'id'>;

let migration: Promise<unknown> | null = null;

/** The database and the data key, once this page has sealed whatever version 1 stored in clear. */
async function sealedDb(): Promise<{ d: IDBPDatabase<Schema>; key: CryptoKey }> {
	const [d, key] = await Promise.all([db(), dataKey()]);
	migration ??= Promise.all([
		sealPlainRecords(d, 'samples', ({ id, ...plain }) => sealRecord(key, SAMPLES, id as number, plain, {})),
		sealPlainRecords(d, 'models', ({ id, ...plain }) => sealRecord(key, MODELS, id as number, plain, {}))
	]).catch((error: unknown) => {
		migration = null;
		throw error;
	});
	await migration;
	return { d, key };
}

const sealSample = (key: CryptoKey, id: number, sample: SampleContent) =>
	sealRecord(key, SAMPLES, id, sample, {});
const sealModel = (key: CryptoKey, id: number, model: ModelContent) => sealRecord(key, MODELS, id, model, {});

export async function addSample(sample: SampleContent): Promise<number> {
	const { d, key } = await sealedDb();
	const [id] = await allocateIds(d, 'samples', 1);
	await d.add('samples', await sealSample(key, id, sample));
	return id;
}

export async function listSamples(): Promise<SampleRecord[]> {
	const { d, key } = await sealedDb();
	const stored = (await d.getAll('samples')) as SealedRecord<number>[];
	return Promise.all(stored.map((r) => openRecord<SampleRecord>(key, SAMPLES, r)));
}

/** Counted after decryption: the label is sealed too. */
export async function countSamples(): Promise<Record<Label, number>> {
	const samples = await listSamples();
	const me = samples.filter((s) => s.label === 'me').length;
	return { me, not_me: samples.length - me };
}

export async function deleteSample(id: number): Promise<void> {
	await (await db()).delete('samples', id);
}

export async function saveModel(
	file: ModelFile,
	options: { origin?: ModelRecord['origin']; validation?: ModelRecord['validation']; savedAt?: number } = {}
): Promise<number> {
	const { d, key } = await sealedDb();
	const { origin = 'trained', validation, savedAt = Date.now() } = options;
	const [id] = await allocateIds(d, 'models', 1);
	const record = await sealModel(key, id, { savedAt, origin, file, ...(validation ? { validation } : {}) });
	const tx = d.transaction(['models', 'meta'], 'readwrite');
	await Promise.all([
		tx.objectStore('models').add(record),
		tx.objectStore('meta').put(id, 'activeModelId'),
		tx.done
	]);
	return id;
}

export interface ImportedModel {
	record: ModelContent;
	active: boolean;
}

/**
 * Writes imported samples and models in one transaction: a failure part-way leaves nothing behind. Models
 * are added oldest first, so the newest stays the default; the backup's active model becomes active.
 */
export async function importRecords(
	samples: readonly SampleContent[],
	models: readonly ImportedModel[]
): Promise<void> {
	const { d, key } = await sealedDb();
	const sampleIds = await allocateIds(d, 'samples', samples.length);
	const modelIds = await allocateIds(d, 'models', models.length);
	const ordered = [...models].sort((a, b) => a.record.savedAt - b.record.savedAt);
	// Sealed before the transaction opens: it would commit while waiting for WebCrypto.
	const sealedSamples = await Promise.all(samples.map((s, i) => sealSample(key, sampleIds[i], s)));
	const sealedModels = await Promise.all(ordered.map((m, i) => sealModel(key, modelIds[i], m.record)));
	const activeIndex = ordered.findLastIndex((m) => m.active);
	const chosen = ordered.length ? modelIds[activeIndex >= 0 ? activeIndex : ordered.length - 1] : null;
	const tx = d.transaction(['samples', 'models', 'meta'], 'readwrite');
	const writes: Promise<unknown>[] = [
		...sealedSamples.map((s) => tx.objectStore('samples').add(s)),
		...sealedModels.map((m) => tx.objectStore('models').add(m))
	];
	if (chosen !== null) writes.push(tx.objectStore('meta').put(chosen, 'activeModelId'));
	await Promise.all([...writes, tx.done]);
}

export async function listModels(): Promise<ModelRecord[]> {
	const { d, key } = await sealedDb();
	const stored = (await d.getAll('models')) as SealedRecord<number>[];
	const models = await Promise.all(stored.map((r) => openRecord<ModelRecord>(key, MODELS, r)));
	return models.sort((a, b) => b.savedAt - a.savedAt);
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
	const { d, key } = await sealedDb();
	const id = await d.get('meta', 'activeModelId');
	const chosen =
		typeof id === 'number' ? ((await d.get('models', id)) as SealedRecord<number> | undefined) : undefined;
	if (chosen) return openRecord<ModelRecord>(key, MODELS, chosen);
	return (await listModels())[0] ?? null;
}

/** Secrets kept sealed in `meta`, under their name: the operator's API key for the People page's server mode. */
export type SecretName = 'serverApiKey';

/** The secret, or null when none is stored; LOCKED while the data key is, UNREADABLE if its box was moved. */
export async function readSecret(name: SecretName): Promise<string | null> {
	const { d, key } = await sealedDb();
	const stored: unknown = await d.get('meta', name);
	if (!stored || typeof stored !== 'object' || !isSealed(stored)) return null;
	// `meta` keys are out of line: the place is the key it was read from, whatever id the box carries.
	return (await openRecord<{ value: string }>(key, META, { id: name, sealed: stored.sealed })).value;
}

/** Seals and stores it; with `keepExisting`, a secret stored already (by another tab) wins. */
export async function writeSecret(
	name: SecretName,
	value: string,
	options: { keepExisting?: boolean } = {}
): Promise<void> {
	const { d, key } = await sealedDb();
	const record = await sealRecord(key, META, name, { value }, {});
	const tx = d.transaction('meta', 'readwrite');
	if (!(options.keepExisting && (await tx.store.get(name)) !== undefined)) await tx.store.put(record, name);
	await tx.done;
}

export async function deleteSecret(name: SecretName): Promise<void> {
	await (await db()).delete('meta', name);
}

/**
 * Removes every IndexedDB database of the app (samples, models and the sealed server API key; the People page's
 * faces; any other the origin lists), every Cache Storage entry and the saved settings: no trace is left. The data
 * key goes first: if anything after it fails, what is left can no longer be decrypted.
 */
export async function eraseEverything(): Promise<void> {
	await destroyKey();
	if (dbPromise) (await dbPromise).close();
	dbPromise = null;
	migration = null;
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
