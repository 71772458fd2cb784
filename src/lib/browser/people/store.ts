import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { PersonTemplate } from '../../core/gallery';
import { buildTemplate } from '../../core/gallery';
import type { EngineInfo } from '../../core/types';
import { allocateIds, openRecord, sealPlainRecords, sealRecord, type SealedRecord } from '../vault/sealed';
import { dataKey } from '../vault/vault';

/**
 * Registered people live in their own IndexedDB database, apart from the verifier's samples, so each
 * schema evolves on its own. Only embeddings are kept (never the photos), each tagged with the
 * embedder id and version that made it: a gallery only ever holds vectors of one model version.
 * Records are sealed (vault/sealed.ts): only ids, and which person an embedding belongs to, are in clear.
 */

export const PEOPLE_DB_NAME = 'me-verifier-people';
const DB_VERSION = 2;

export interface PersonRecord {
	id: string;
	name: string;
	createdAt: number;
}

export interface FaceEmbeddingRecord {
	id?: number;
	personId: string;
	embedding: Float32Array;
	embedder: string;
	embedderVersion: string;
	/** File name, or 'camera'. */
	source: string;
	addedAt: number;
}

export interface PersonSummary extends PersonRecord {
	/** Embeddings usable with the engine in use. */
	embeddings: number;
	/** Embeddings from another embedder or version: kept, never compared. */
	otherModel: number;
}

export interface NewFaceEmbedding {
	embedding: Float32Array;
	source: string;
}

type EmbedderRef = Pick<EngineInfo, 'embedder' | 'embedderVersion'>;

/** As stored: sealed, or still plain from version 1 until the first open seals it. */
type StoredPerson = SealedRecord<string> | PersonRecord;
type StoredEmbedding = SealedRecord<number, { personId: string }> | FaceEmbeddingRecord;

interface Schema extends DBSchema {
	people: { key: string; value: StoredPerson; indexes: { name: string } };
	embeddings: { key: number; value: StoredEmbedding; indexes: { personId: string } };
	meta: { key: string; value: unknown };
}

const PEOPLE = { db: PEOPLE_DB_NAME, store: 'people' } as const;
const EMBEDDINGS = { db: PEOPLE_DB_NAME, store: 'embeddings' } as const;

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
	dbPromise ??= openDB<Schema>(PEOPLE_DB_NAME, DB_VERSION, {
		upgrade(database, oldVersion, _newVersion, tx) {
			// Versioned upgrades: each step only adds what its version introduced.
			if (oldVersion < 1) {
				const people = database.createObjectStore('people', { keyPath: 'id' });
				people.createIndex('name', 'name');
				const embeddings = database.createObjectStore('embeddings', { keyPath: 'id', autoIncrement: true });
				embeddings.createIndex('personId', 'personId');
			}
			// 2: sealed records. Names are inside the box (no index on them); `meta` holds the key counter.
			if (oldVersion < 2) {
				tx.objectStore('people').deleteIndex('name');
				database.createObjectStore('meta');
			}
		},
		blocking() {
			void dbPromise?.then((d) => d.close());
			dbPromise = null;
		}
	});
	return dbPromise;
}

/** randomUUID needs a secure context; the app may also be opened over plain HTTP on a LAN. */
function newId(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
		''
	);
}

const sameModel = (record: FaceEmbeddingRecord, model: EmbedderRef) =>
	record.embedder === model.embedder && record.embedderVersion === model.embedderVersion;

/** Names compare without case or surrounding spaces: "Amy" and "amy " are one person. */
export function nameKey(name: string): string {
	return name.trim().toLocaleLowerCase();
}

type PersonContent = Omit<PersonRecord, 'id'>;
type EmbeddingContent = Omit<FaceEmbeddingRecord, 'id' | 'personId'>;

const sealPerson = (key: CryptoKey, { id, ...content }: PersonRecord) =>
	sealRecord(key, PEOPLE, id, content, {});
const sealEmbedding = (key: CryptoKey, id: number, personId: string, content: EmbeddingContent) =>
	sealRecord(key, EMBEDDINGS, id, content, { personId });

let migration: Promise<unknown> | null = null;

/** The database and the data key, once this page has sealed whatever version 1 stored in clear. */
async function sealedDb(): Promise<{ d: IDBPDatabase<Schema>; key: CryptoKey }> {
	const [d, key] = await Promise.all([db(), dataKey()]);
	migration ??= Promise.all([
		sealPlainRecords(d, 'people', (plain) => sealPerson(key, plain as PersonRecord)),
		sealPlainRecords(d, 'embeddings', (plain) => {
			const { id, personId, ...content } = plain as FaceEmbeddingRecord;
			return sealEmbedding(key, id as number, personId, content);
		})
	]).catch((error: unknown) => {
		migration = null;
		throw error;
	});
	await migration;
	return { d, key };
}

async function readAll(): Promise<{ people: PersonRecord[]; embeddings: FaceEmbeddingRecord[] }> {
	const { d, key } = await sealedDb();
	const [people, embeddings] = await Promise.all([d.getAll('people'), d.getAll('embeddings')]);
	return {
		people: await Promise.all(
			people.map((p) => openRecord<PersonRecord>(key, PEOPLE, p as SealedRecord<string>))
		),
		embeddings: await Promise.all(
			(embeddings as SealedRecord<number, { personId: string }>[]).map(async (e) => ({
				...(await openRecord<FaceEmbeddingRecord>(key, EMBEDDINGS, e)),
				personId: e.personId
			}))
		)
	};
}

export async function listPeople(model: EmbedderRef): Promise<PersonSummary[]> {
	const { people, embeddings } = await readAll();
	return people
		.map((person) => {
			const own = embeddings.filter((e) => e.personId === person.id);
			const usable = own.filter((e) => sameModel(e, model)).length;
			return { ...person, embeddings: usable, otherModel: own.length - usable };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Adds embeddings to the person called `name`, creating them if needed, in one transaction: a failed
 * write leaves neither a person without faces nor stray embeddings.
 */
export async function registerFaces(
	name: string,
	faces: readonly NewFaceEmbedding[],
	model: EmbedderRef
): Promise<{ person: PersonRecord; created: boolean }> {
	const trimmed = name.trim();
	if (!trimmed) throw new Error('a name is required');
	if (faces.length === 0) throw new Error('no usable face to register');
	const { d, key } = await sealedDb();
	const existing = (await readAll()).people.find((p) => nameKey(p.name) === nameKey(trimmed));
	const person: PersonRecord = existing ?? { id: newId(), name: trimmed, createdAt: Date.now() };
	const ids = await allocateIds(d, 'embeddings', faces.length);
	const content: PersonContent = { name: person.name, createdAt: person.createdAt };
	const sealedPerson = await sealPerson(key, { id: person.id, ...content });
	const sealedFaces = await Promise.all(
		faces.map((face, i) =>
			sealEmbedding(key, ids[i], person.id, {
				embedding: face.embedding,
				embedder: model.embedder,
				embedderVersion: model.embedderVersion,
				source: face.source,
				addedAt: Date.now()
			})
		)
	);
	const tx = d.transaction(['people', 'embeddings'], 'readwrite');
	// Names are sealed, so the lookup above ran outside this transaction: the person may be gone since.
	const people = tx.objectStore('people');
	if (!existing || !(await people.get(person.id))) await people.put(sealedPerson);
	for (const face of sealedFaces) await tx.objectStore('embeddings').add(face);
	await tx.done;
	return { person, created: !existing };
}

/** Removes the person and every embedding of theirs, in one transaction. */
export async function deletePerson(id: string): Promise<void> {
	const d = await db();
	const tx = d.transaction(['people', 'embeddings'], 'readwrite');
	const embeddings = tx.objectStore('embeddings');
	for (const key of await embeddings.index('personId').getAllKeys(id)) await embeddings.delete(key);
	await tx.objectStore('people').delete(id);
	await tx.done;
}

/** The matcher's view: one template per person who has embeddings from exactly this model version. */
export async function loadGallery(model: EmbedderRef): Promise<PersonTemplate[]> {
	const { people, embeddings } = await readAll();
	return people.flatMap((person) => {
		const vectors = embeddings
			.filter((e) => e.personId === person.id && sameModel(e, model))
			.map((e) => e.embedding);
		return vectors.length ? [buildTemplate(person.id, person.name, vectors)] : [];
	});
}

/** Removes the whole people database. */
export async function erasePeople(): Promise<void> {
	if (dbPromise) (await dbPromise).close();
	dbPromise = null;
	migration = null;
	await deleteDB(PEOPLE_DB_NAME);
}
