import type { IDBPDatabase } from 'idb';
import { seal, unseal, type SealedBox } from './cipher';
import { pack, unpack } from './codec';

/**
 * Records as IndexedDB holds them: the primary key (and any index field) in clear, every other field in one
 * AES-GCM box under the data key. The box's additional data is "database/store/key", so a box copied onto
 * another record, store or database fails to decrypt instead of showing up there.
 */

export type SealedRecord<K extends string | number, Clear extends object = object> = {
	id: K;
	sealed: SealedBox;
} & Clear;

export const recordAad = (db: string, store: string, id: string | number) => `${db}/${store}/${id}`;

export function isSealed(record: object): record is SealedRecord<string | number> {
	return 'sealed' in record;
}

export async function sealRecord<K extends string | number, Clear extends object>(
	key: CryptoKey,
	place: { db: string; store: string },
	id: K,
	value: object,
	clear: Clear
): Promise<SealedRecord<K, Clear>> {
	const sealed = await seal(key, recordAad(place.db, place.store, id), await pack(value));
	return { ...clear, id, sealed };
}

/** The record's fields with its id; UNREADABLE if the box was altered or moved. */
export async function openRecord<T>(
	key: CryptoKey,
	place: { db: string; store: string },
	record: SealedRecord<string | number>
): Promise<T> {
	const value = unpack<T>(await unseal(key, recordAad(place.db, place.store, record.id), record.sealed));
	return { ...value, id: record.id };
}

// The generic helpers below work on any of the app's databases; idb's schema types stay at their callers.
type AnyDb = IDBPDatabase<unknown>;

/**
 * Reserves `count` new numeric keys in `store`. The key must be known before sealing (it is in the additional
 * data) and a transaction cannot wait for WebCrypto, so keys are handed out first from a counter in `meta`;
 * never reused, so an old box cannot be replayed under a new record's key.
 */
export async function allocateIds(database: object, store: string, count: number): Promise<number[]> {
	const tx = (database as AnyDb).transaction([store, 'meta'], 'readwrite');
	const last = await tx.objectStore(store).openCursor(null, 'prev');
	const counterKey = `nextId.${store}`;
	const counter: unknown = await tx.objectStore('meta').get(counterKey);
	const first = Math.max(typeof counter === 'number' ? counter : 1, Number(last?.key ?? 0) + 1);
	await tx.objectStore('meta').put(first + count, counterKey);
	await tx.done;
	return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Seals the records an older version stored in clear (existing users keep their data). Each is sealed outside
 * the transaction, then written only if it is still the plain record (another tab may have changed it).
 */
export async function sealPlainRecords(
	database: object,
	store: string,
	sealOne: (plain: { id: string | number }) => Promise<SealedRecord<string | number>>
): Promise<number> {
	const d = database as AnyDb;
	const plain = ((await d.getAll(store)) as { id: string | number }[]).filter((r) => !isSealed(r));
	if (plain.length === 0) return 0;
	const sealed = await Promise.all(plain.map(sealOne));
	const tx = d.transaction(store, 'readwrite');
	for (const record of sealed) {
		const current: unknown = await tx.store.get(record.id);
		if (current && typeof current === 'object' && !isSealed(current)) await tx.store.put(record);
	}
	await tx.done;
	return sealed.length;
}
