import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PBKDF2_ITERATIONS } from './cipher';
import type { SealedRecord } from './sealed';

// The vault and the stores on an in-memory IndexedDB (fake-indexeddb; CryptoKey objects are stored as such,
// as in a browser). Each test gets a fresh database and fresh modules, as a fresh page load would.

async function fresh() {
	vi.resetModules();
	return {
		store: await import('../store'),
		people: await import('../people/store'),
		vault: await import('./vault'),
		keyring: await import('./keyring')
	};
}

/** What a new page load finds: the same databases, modules (and the unlocked key) forgotten. */
const reload = fresh;

const sample = (label: 'me' | 'not_me', seed: number) => ({
	label,
	embedding: Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 31 + i)),
	embedder: 'dlib-resnet128@1',
	source: `${label}-${seed}.jpg`,
	box: [1, 2, 3, 4] as [number, number, number, number],
	quality: { faceSize: 120, sharpness: 40, yaw: 3 },
	addedAt: seed
});

async function rawRecords(db: string, store: string): Promise<unknown[]> {
	const d = await openDB(db);
	try {
		return await d.getAll(store);
	} finally {
		d.close();
	}
}

/** True when the embedding's bytes appear anywhere in the raw record's binary fields. */
function containsBytes(record: unknown, needle: Float32Array): boolean {
	const target = new Uint8Array(needle.buffer).slice(0, 16);
	const hay: Uint8Array[] = [];
	const walk = (v: unknown) => {
		if (ArrayBuffer.isView(v)) hay.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
		else if (v && typeof v === 'object') Object.values(v).forEach(walk);
	};
	walk(record);
	return hay.some((h) => {
		for (let i = 0; i + target.length <= h.length; i++)
			if (target.every((b, j) => h[i + j] === b)) return true;
		return false;
	});
}

beforeEach(() => {
	globalThis.indexedDB = new IDBFactory();
});

describe('sealed store (device key, the default)', () => {
	it('stores no embedding in clear, and reads it back exactly after a reload', async () => {
		const { store } = await fresh();
		const me = sample('me', 1);
		const id = await store.addSample(me);
		const [raw] = (await rawRecords('me-verifier', 'samples')) as SealedRecord<number>[];
		expect(Object.keys(raw).sort()).toEqual(['id', 'sealed']);
		expect(raw.id).toBe(id);
		expect(containsBytes(raw, me.embedding), 'embedding bytes in the raw record').toBe(false);
		expect(containsBytes({ plain: me.embedding }, me.embedding), 'the search finds them in clear').toBe(true);

		const again = await reload();
		const [back] = await again.store.listSamples();
		expect(back.embedding).toEqual(me.embedding);
		expect(back.label).toBe('me');
		expect(await again.store.countSamples()).toEqual({ me: 1, not_me: 0 });
	});

	it('keeps the data key and the device key non-extractable; the key record holds only the wrapped key', async () => {
		const { store, vault, keyring } = await fresh();
		await store.addSample(sample('me', 1));
		const dek = await vault.dataKey();
		expect(dek.extractable).toBe(false);
		const record = await keyring.readKeyRecord();
		expect(record?.method).toBe('device');
		if (record?.method !== 'device') return;
		expect(record.kek.extractable).toBe(false);
		expect(record.kek.usages.sort()).toEqual(['unwrapKey', 'wrapKey']);
		await expect(crypto.subtle.exportKey('raw', dek)).rejects.toThrow();
	});

	it('refuses a sealed box moved onto another record (the key is in the additional data)', async () => {
		const { store } = await fresh();
		await store.addSample(sample('me', 1));
		await store.addSample(sample('not_me', 2));
		const d = await openDB('me-verifier');
		const [a, b] = (await d.getAll('samples')) as SealedRecord<number>[];
		await d.put('samples', { id: b.id, sealed: a.sealed });
		d.close();
		const again = await reload();
		await expect(again.store.listSamples()).rejects.toMatchObject({ code: 'UNREADABLE' });
	});

	it('seals what version 1 stored in clear on first open, and keeps it', async () => {
		const legacy = await openDB('me-verifier', 1, {
			upgrade(d) {
				d.createObjectStore('samples', { keyPath: 'id', autoIncrement: true }).createIndex('label', 'label');
				d.createObjectStore('models', { keyPath: 'id', autoIncrement: true });
				d.createObjectStore('meta');
			}
		});
		const old = sample('me', 7);
		const oldId = await legacy.add('samples', old);
		legacy.close();

		const { store } = await fresh();
		const [migrated] = await store.listSamples();
		expect(migrated.id).toBe(oldId);
		expect(migrated.embedding).toEqual(old.embedding);
		const [raw] = await rawRecords('me-verifier', 'samples');
		expect(Object.keys(raw as object).sort()).toEqual(['id', 'sealed']);
		expect(containsBytes(raw, old.embedding)).toBe(false);
		// New records never reuse a key: an old box could otherwise be replayed under it.
		expect(await store.addSample(sample('me', 8))).toBeGreaterThan(oldId as number);
	});

	it('seals people: names and embeddings are not in clear', async () => {
		const { people } = await fresh();
		const face = sample('me', 3).embedding;
		const model = { embedder: 'dlib-resnet128', embedderVersion: '1' };
		await people.registerFaces('Amy Farrah', [{ embedding: face, source: 'amy.png' }], model);
		const rawPeople = JSON.stringify(await rawRecords('me-verifier-people', 'people'));
		expect(rawPeople).not.toContain('Amy');
		const rawFaces = await rawRecords('me-verifier-people', 'embeddings');
		expect(containsBytes(rawFaces, face)).toBe(false);
		const again = await reload();
		const [template] = await again.people.loadGallery(model);
		expect(template.name).toBe('Amy Farrah');
		expect((await again.people.listPeople(model))[0].embeddings).toBe(1);
	});
});

describe('unlock methods', () => {
	it('switches to a passphrase by re-wrapping the key only: records are untouched, and it asks after a reload', async () => {
		const { store, vault, keyring } = await fresh();
		const me = sample('me', 1);
		await store.addSample(me);
		const before = await rawRecords('me-verifier', 'samples');
		const deviceWrapped = (await keyring.readKeyRecord())?.wrapped;

		await vault.usePassphrase('correct horse battery');
		const record = await keyring.readKeyRecord();
		expect(record?.method).toBe('passphrase');
		if (record?.method !== 'passphrase') return;
		expect(record.iterations).toBeGreaterThanOrEqual(600_000);
		expect(record.salt.byteLength).toBe(16);
		expect(record.wrapped.data).not.toEqual(deviceWrapped?.data);
		expect(await rawRecords('me-verifier', 'samples'), 'no record re-encrypted').toEqual(before);

		const again = await reload();
		expect(await again.vault.vaultState()).toEqual({ method: 'passphrase', unlocked: false });
		await expect(again.store.listSamples()).rejects.toMatchObject({ code: 'LOCKED' });
		await expect(again.vault.unlockWithPassphrase('correct horse battery!')).rejects.toMatchObject({
			code: 'WRONG_PASSPHRASE'
		});
		await again.vault.unlockWithPassphrase('correct horse battery');
		expect((await again.store.listSamples())[0].embedding).toEqual(me.embedding);
	});

	it('refuses a short or mistyped passphrase', async () => {
		const { vault } = await fresh();
		await expect(vault.usePassphrase('short')).rejects.toMatchObject({ code: 'WEAK_PASSPHRASE' });
		await expect(vault.usePassphrase('long enough', 'long enuogh')).rejects.toMatchObject({
			code: 'WEAK_PASSPHRASE'
		});
	});

	it('goes back to the device key: no prompt after a reload, same data', async () => {
		const { store, vault } = await fresh();
		await store.addSample(sample('not_me', 2));
		await vault.usePassphrase('a passphrase');
		await vault.useDeviceKey();
		const again = await reload();
		expect((await again.store.countSamples()).not_me).toBe(1);
		expect((await again.vault.vaultState()).method).toBe('device');
	});

	it('a wrapped key relabelled with another method does not unwrap', async () => {
		const { vault, keyring } = await fresh();
		await vault.dataKey();
		await vault.usePassphrase('a passphrase');
		const record = await keyring.readKeyRecord();
		if (record?.method !== 'passphrase') throw new Error('expected a passphrase record');
		const { passphraseKek, unwrapDataKey } = await import('./cipher');
		const kek = await passphraseKek('a passphrase', record.salt, PBKDF2_ITERATIONS);
		await expect(unwrapDataKey(record.wrapped, kek, 'passphrase')).resolves.toBeDefined();
		await expect(unwrapDataKey(record.wrapped, kek, 'device')).rejects.toMatchObject({ code: 'UNREADABLE' });
	});

	it('destroying the key leaves any surviving copy of the records unreadable', async () => {
		const { store, vault } = await fresh();
		await store.addSample(sample('me', 1));
		const copy = (await rawRecords('me-verifier', 'samples')) as SealedRecord<number>[];
		await vault.destroyKey();
		expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('me-verifier-keys');
		const again = await reload();
		const key = await again.vault.dataKey(); // a new key, as a new user gets
		const { openRecord } = await import('./sealed');
		await expect(openRecord(key, { db: 'me-verifier', store: 'samples' }, copy[0])).rejects.toMatchObject({
			code: 'UNREADABLE'
		});
	});
});
