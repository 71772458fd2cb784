import type { Page } from '@playwright/test';

/** What the raw IndexedDB records of a page's origin reveal (tests/e2e: "sealed at rest"). */
export interface RawScan {
	/** Records read, over every database and store of the origin. */
	records: number;
	/** Float32Array values found in them (an embedding stored as such). */
	float32Arrays: number;
	/** The needles found in clear: "embedding <i>" or the text itself. */
	found: string[];
	/** The same search over one embedding kept in clear finds it (the search works). */
	controlFound: boolean;
}

/**
 * Reads every record of every IndexedDB database of the page's origin as stored (no app code involved) and
 * looks through all their bytes (binary fields, strings and property names) for each embedding's float32
 * bytes (its first eight values: 32 bytes, never by chance) and for each text.
 */
export async function scanRawRecords(page: Page, embeddings: number[][], texts: string[]): Promise<RawScan> {
	return page.evaluate(
		async ({ embeddings, texts }) => {
			const encoder = new TextEncoder();
			const request = <T>(r: IDBRequest<T>) =>
				new Promise<T>((resolve, reject) => {
					r.onsuccess = () => resolve(r.result);
					r.onerror = () => reject(r.error);
				});
			const bytesOf = async (records: unknown[]) => {
				const chunks: Uint8Array[] = [];
				let float32Arrays = 0;
				const walk = async (v: unknown): Promise<void> => {
					if (v instanceof Float32Array) float32Arrays++;
					if (ArrayBuffer.isView(v)) chunks.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
					else if (v instanceof ArrayBuffer) chunks.push(new Uint8Array(v));
					else if (v instanceof Blob) chunks.push(new Uint8Array(await v.arrayBuffer()));
					else if (typeof v === 'string') chunks.push(encoder.encode(v));
					else if (v && typeof v === 'object' && !(v instanceof CryptoKey))
						for (const [key, item] of Object.entries(v)) {
							chunks.push(encoder.encode(key));
							await walk(item);
						}
				};
				for (const record of records) await walk(record);
				return { chunks, float32Arrays };
			};
			const contains = (chunks: Uint8Array[], needle: Uint8Array) =>
				chunks.some((hay) => {
					outer: for (let i = 0; i + needle.length <= hay.length; i++) {
						for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
						return true;
					}
					return false;
				});
			const needleOf = (e: number[]) => new Uint8Array(Float32Array.from(e.slice(0, 8)).buffer);

			const records: unknown[] = [];
			for (const { name } of await indexedDB.databases()) {
				if (!name) continue;
				const db = await request(indexedDB.open(name));
				for (const store of Array.from(db.objectStoreNames))
					records.push(...(await request(db.transaction(store).objectStore(store).getAll())));
				db.close();
			}
			const raw = await bytesOf(records);
			const control = await bytesOf([{ embedding: Float32Array.from(embeddings[0] ?? []) }]);
			return {
				records: records.length,
				float32Arrays: raw.float32Arrays,
				found: [
					...embeddings.flatMap((e, i) => (contains(raw.chunks, needleOf(e)) ? [`embedding ${i}`] : [])),
					...texts.filter((text) => contains(raw.chunks, encoder.encode(text)))
				],
				controlFound: embeddings.length > 0 && contains(control.chunks, needleOf(embeddings[0]))
			};
		},
		{ embeddings, texts }
	);
}

/** Chromium's virtual authenticator (DevTools protocol) with the PRF extension, for the passkey unlock method. */
export async function addVirtualPasskeyAuthenticator(page: Page): Promise<void> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('WebAuthn.enable', { enableUI: false });
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			ctap2Version: 'ctap2_1',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: true,
			isUserVerified: true,
			automaticPresenceSimulation: true,
			hasPrf: true
		}
	});
}

/** A digest of one store's raw records (binary fields included): equal digests, no record rewritten. */
export async function rawStoreDigest(page: Page, db: string, store: string): Promise<string> {
	return page.evaluate(
		async ({ db, store }) => {
			const request = <T>(r: IDBRequest<T>) =>
				new Promise<T>((resolve, reject) => {
					r.onsuccess = () => resolve(r.result);
					r.onerror = () => reject(r.error);
				});
			const database = await request(indexedDB.open(db));
			const records = await request(database.transaction(store).objectStore(store).getAll());
			database.close();
			const text = JSON.stringify(records, (_key, v: unknown) =>
				ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) : v
			);
			const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
			return `${records.length}:${Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('')}`;
		},
		{ db, store }
	);
}
