import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SealedBox } from './cipher';

/**
 * The wrapped data key, in a database of its own, apart from what it seals: "erase everything" deletes
 * this one first, and then the data cannot be read even if a copy of it survives somewhere.
 */

export const KEYS_DB_NAME = 'me-verifier-keys';
const KEY_ID = 'data-key';

export type KeyRecord =
	| { method: 'device'; wrapped: SealedBox; kek: CryptoKey }
	| { method: 'passphrase'; wrapped: SealedBox; salt: Uint8Array<ArrayBuffer>; iterations: number }
	| {
			method: 'passkey';
			wrapped: SealedBox;
			credentialId: Uint8Array<ArrayBuffer>;
			/** Sent to the authenticator's PRF; its answer is the secret. */
			prfSalt: Uint8Array<ArrayBuffer>;
			hkdfSalt: Uint8Array<ArrayBuffer>;
	  };

interface Schema extends DBSchema {
	keys: { key: string; value: KeyRecord };
}

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;
let onGone: () => void = () => {};

/** `callback` runs when another tab deletes the keys (erase everything): this tab must forget its key too. */
export function onKeyringDeleted(callback: () => void): void {
	onGone = callback;
}

function db(): Promise<IDBPDatabase<Schema>> {
	dbPromise ??= openDB<Schema>(KEYS_DB_NAME, 1, {
		upgrade(database) {
			database.createObjectStore('keys');
		},
		blocking() {
			void dbPromise?.then((d) => d.close());
			dbPromise = null;
			onGone();
		}
	});
	return dbPromise;
}

export async function readKeyRecord(): Promise<KeyRecord | null> {
	return (await (await db()).get('keys', KEY_ID)) ?? null;
}

/** Stores the first key; if another tab stored one meanwhile, that one wins and is returned. */
export async function createKeyRecord(record: KeyRecord): Promise<KeyRecord> {
	const tx = (await db()).transaction('keys', 'readwrite');
	const existing = await tx.store.get(KEY_ID);
	if (!existing) await tx.store.add(record, KEY_ID);
	await tx.done;
	return existing ?? record;
}

export async function replaceKeyRecord(record: KeyRecord): Promise<void> {
	await (await db()).put('keys', record, KEY_ID);
}

export async function deleteKeyring(): Promise<void> {
	if (dbPromise) (await dbPromise).close();
	dbPromise = null;
	await deleteDB(KEYS_DB_NAME);
}
