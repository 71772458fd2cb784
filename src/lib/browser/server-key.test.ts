import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from './memory-storage.testing';

// The server mode's API key, sealed at rest: on an in-memory IndexedDB (fake-indexeddb) and an in-memory
// localStorage, with fresh modules per "page load", as vault/vault.test.ts does.

const KEY = 'mvk_3f9a1c7e5b2d4068a1b2c3d4e5f60718';
const SETTINGS = 'me-verifier.settings';

let local: MemoryStorage;

async function fresh() {
	vi.resetModules();
	return {
		serverKey: await import('./server-key'),
		store: await import('./store'),
		settings: await import('./settings.svelte'),
		vault: await import('./vault/vault')
	};
}

/** What a new page load finds: the same databases and localStorage, modules (and the unlocked key) forgotten. */
const reload = fresh;

/** Every record of every database, as stored, read without the app's code. */
async function rawRecords(): Promise<{ db: string; store: string; record: unknown }[]> {
	const out: { db: string; store: string; record: unknown }[] = [];
	for (const { name } of await indexedDB.databases()) {
		if (!name) continue;
		const d = await openDB(name);
		for (const store of Array.from(d.objectStoreNames))
			for (const record of (await d.getAll(store)) as unknown[]) out.push({ db: name, store, record });
		d.close();
	}
	return out;
}

/** True when `text` appears in any string, property name or binary field of the records (as UTF-8). */
function containsText(records: unknown[], text: string): boolean {
	const needle = new TextEncoder().encode(text);
	const hay: Uint8Array[] = [];
	const walk = (v: unknown) => {
		if (typeof v === 'string') hay.push(new TextEncoder().encode(v));
		else if (ArrayBuffer.isView(v)) hay.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
		else if (v && typeof v === 'object')
			for (const [k, item] of Object.entries(v)) {
				hay.push(new TextEncoder().encode(k));
				walk(item);
			}
	};
	records.forEach(walk);
	return hay.some((h) => {
		for (let i = 0; i + needle.length <= h.length; i++)
			if (needle.every((b, j) => h[i + j] === b)) return true;
		return false;
	});
}

async function keyFoundInClear(): Promise<{ indexedDb: boolean; localStorage: boolean }> {
	const raw = (await rawRecords()).map((r) => r.record);
	return { indexedDb: containsText(raw, KEY), localStorage: local.dump().includes(KEY) };
}

beforeEach(() => {
	globalThis.indexedDB = new IDBFactory();
	local = new MemoryStorage();
	vi.stubGlobal('localStorage', local);
	vi.stubGlobal('sessionStorage', new MemoryStorage());
});

describe('server API key at rest', () => {
	it('is stored sealed, found neither in the raw records nor in localStorage, and survives a reload', async () => {
		const { serverKey } = await fresh();
		await serverKey.saveServerApiKey(` ${KEY} `);
		const raw = await rawRecords();
		const sealed = raw.find(
			(r) => r.store === 'meta' && (r.record as { id?: unknown }).id === 'serverApiKey'
		);
		expect(sealed?.db, 'a sealed record in the app database').toBe('me-verifier');
		expect(Object.keys(sealed?.record as object).sort()).toEqual(['id', 'sealed']);
		expect(await keyFoundInClear()).toEqual({ indexedDb: false, localStorage: false });
		expect(containsText([{ apiKey: KEY }], KEY), 'the search finds it in clear').toBe(true);

		const again = await reload();
		expect(await again.serverKey.loadServerApiKey()).toBe(KEY);
		await again.serverKey.saveServerApiKey('');
		expect(await (await reload()).serverKey.loadServerApiKey()).toBe('');
	});

	it('moves the clear key an older version kept in localStorage into the vault, keeping the other settings', async () => {
		local.setItem(SETTINGS, JSON.stringify({ liveness: false, serverApiKey: KEY }));
		const { serverKey, settings } = await fresh();
		expect('serverApiKey' in settings.settings.values, 'not a setting any more').toBe(false);
		// A settings change before the key is sealed must not drop it.
		settings.settings.save();
		expect(settings.clearServerKey()).toBe(KEY);

		await serverKey.sealClearServerKey();
		expect(await keyFoundInClear()).toEqual({ indexedDb: false, localStorage: false });
		expect(JSON.parse(local.getItem(SETTINGS) ?? '{}')).toMatchObject({ liveness: false });
		expect(await (await reload()).serverKey.loadServerApiKey()).toBe(KEY);
	});

	it('a key sealed already wins over a stale clear copy, which is deleted', async () => {
		const { serverKey } = await fresh();
		await serverKey.saveServerApiKey(KEY);
		local.setItem(SETTINGS, JSON.stringify({ serverApiKey: 'mvk_stale' }));
		const again = await reload();
		expect(await again.serverKey.loadServerApiKey()).toBe(KEY);
		expect(local.dump()).not.toContain('mvk_stale');
	});

	it('is unavailable while the data key is locked, and a clear key waits there until unlock', async () => {
		const { serverKey, vault } = await fresh();
		await serverKey.saveServerApiKey(KEY);
		await vault.usePassphrase('correct horse battery');
		local.setItem(SETTINGS, JSON.stringify({ serverApiKey: 'mvk_older' }));

		const again = await reload();
		await expect(again.serverKey.loadServerApiKey()).rejects.toMatchObject({ code: 'LOCKED' });
		expect(again.settings.clearServerKey(), 'not lost while locked').toBe('mvk_older');
		await again.vault.unlockWithPassphrase('correct horse battery');
		expect(await again.serverKey.loadServerApiKey()).toBe(KEY);
		expect(again.settings.clearServerKey()).toBeNull();
	});

	it('is bound to its place: a sample box stored under its name does not open', async () => {
		const { serverKey, store } = await fresh();
		await serverKey.saveServerApiKey(KEY);
		await store.addSample({
			label: 'me',
			embedding: new Float32Array(128),
			embedder: 'dlib-resnet128@1',
			source: 'me.jpg',
			box: [0, 0, 1, 1],
			quality: { faceSize: 100, sharpness: 50, yaw: 0 },
			addedAt: 1
		});
		const d = await openDB('me-verifier');
		const [sample] = (await d.getAll('samples')) as { id: number; sealed: unknown }[];
		await d.put('meta', sample, 'serverApiKey');
		d.close();
		await expect((await reload()).serverKey.loadServerApiKey()).rejects.toMatchObject({ code: 'UNREADABLE' });
	});

	it('is gone after "erase everything": no record, no database, no clear copy', async () => {
		const { serverKey, store } = await fresh();
		await serverKey.saveServerApiKey(KEY);
		expect(await rawRecords()).toContainEqual(expect.objectContaining({ store: 'meta' }));
		await store.eraseEverything();
		const names = (await indexedDB.databases()).map((d) => d.name);
		expect(names).not.toContain('me-verifier');
		expect(names).not.toContain('me-verifier-keys');
		expect(local.length).toBe(0);
		expect(await (await reload()).serverKey.loadServerApiKey()).toBe('');
		expect(await keyFoundInClear()).toEqual({ indexedDb: false, localStorage: false });
	});
});
