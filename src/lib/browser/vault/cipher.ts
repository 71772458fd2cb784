import { VaultError } from './errors';

/**
 * The WebCrypto primitives of the vault. One data key (DEK, AES-GCM 256) seals every stored record; a
 * key-encryption key (KEK) per unlock method wraps the DEK. Every key here is created non-extractable,
 * except the DEK inside newWrappedDataKey and rewrapDataKey: wrapKey() needs an extractable handle, so
 * those two hold one for the length of one wrapKey() call and drop it. The DEK's raw bytes never reach
 * JavaScript (no exportKey anywhere), and the DEK the app encrypts with is always non-extractable.
 */

export type UnlockMethod = 'device' | 'passphrase' | 'passkey';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; the count is stored with the salt, so it can only grow. */
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_PASSPHRASE_LENGTH = 8;
const IV_BYTES = 12;
const DATA_KEY: AesKeyGenParams = { name: 'AES-GCM', length: 256 };

/** AES-GCM ciphertext (tag included) and its random 96-bit IV, never reused under one key. */
export interface SealedBox {
	iv: Uint8Array<ArrayBuffer>;
	data: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
	return crypto.getRandomValues(new Uint8Array(length));
}

function gcm(iv: Uint8Array<ArrayBuffer>, aad: string): AesGcmParams {
	return { name: 'AES-GCM', iv, additionalData: encoder.encode(aad) };
}

/** Encrypts `plain` under `key`; `aad` (where the record lives) is authenticated, not stored. */
export async function seal(key: CryptoKey, aad: string, plain: BufferSource): Promise<SealedBox> {
	const iv = randomBytes(IV_BYTES);
	return { iv, data: new Uint8Array(await crypto.subtle.encrypt(gcm(iv, aad), key, plain)) };
}

/** Decrypts a box sealed with the same `aad`; UNREADABLE when the key, the place or a byte differs. */
export async function unseal(key: CryptoKey, aad: string, box: SealedBox): Promise<Uint8Array<ArrayBuffer>> {
	try {
		return new Uint8Array(await crypto.subtle.decrypt(gcm(box.iv, aad), key, box.data));
	} catch (cause) {
		throw new VaultError('UNREADABLE', `record ${aad} cannot be decrypted`, { cause });
	}
}

const KEK_USAGES: KeyUsage[] = ['wrapKey', 'unwrapKey'];

/** The device method's KEK: random, non-extractable, kept in IndexedDB as a CryptoKey object. */
export function newDeviceKek(): Promise<CryptoKey> {
	return crypto.subtle.generateKey(DATA_KEY, false, KEK_USAGES) as Promise<CryptoKey>;
}

/** PBKDF2-HMAC-SHA-256 from a passphrase (NFC-normalised, so the same words typed elsewhere match). */
export async function passphraseKey(
	passphrase: string,
	salt: Uint8Array<ArrayBuffer>,
	iterations: number,
	usages: KeyUsage[]
): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey(
		'raw',
		encoder.encode(passphrase.normalize('NFC')),
		'PBKDF2',
		false,
		['deriveKey']
	);
	return crypto.subtle.deriveKey(
		{ name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
		material,
		DATA_KEY,
		false,
		usages
	);
}

export function passphraseKek(
	passphrase: string,
	salt: Uint8Array<ArrayBuffer>,
	iterations = PBKDF2_ITERATIONS
): Promise<CryptoKey> {
	return passphraseKey(passphrase, salt, iterations, KEK_USAGES);
}

/** A passkey's PRF output (32 secret bytes from the authenticator) stretched into a KEK with HKDF-SHA-256. */
export async function prfKek(prfOutput: BufferSource, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey('raw', prfOutput, 'HKDF', false, ['deriveKey']);
	return crypto.subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode('me-verifier/kek/passkey/v1') },
		material,
		DATA_KEY,
		false,
		KEK_USAGES
	);
}

/** The wrapped DEK is bound to its method: a record relabelled with another method does not unwrap. */
export const wrapAad = (method: UnlockMethod) => `me-verifier/data-key/v1/${method}`;

async function wrap(dek: CryptoKey, kek: CryptoKey, method: UnlockMethod): Promise<SealedBox> {
	const iv = randomBytes(IV_BYTES);
	return { iv, data: new Uint8Array(await crypto.subtle.wrapKey('raw', dek, kek, gcm(iv, wrapAad(method)))) };
}

/** Unwraps the DEK; UNREADABLE when `kek` is not the one it was wrapped under (a wrong passphrase). */
export async function unwrapDataKey(
	wrapped: SealedBox,
	kek: CryptoKey,
	method: UnlockMethod,
	extractable = false
): Promise<CryptoKey> {
	try {
		return await crypto.subtle.unwrapKey(
			'raw',
			wrapped.data,
			kek,
			gcm(wrapped.iv, wrapAad(method)),
			DATA_KEY,
			extractable,
			['encrypt', 'decrypt']
		);
	} catch (cause) {
		throw new VaultError('UNREADABLE', 'the data key does not unwrap with this key', { cause });
	}
}

/** A new DEK, wrapped under `kek`, and its non-extractable handle for use. */
export async function newWrappedDataKey(
	kek: CryptoKey,
	method: UnlockMethod
): Promise<{ wrapped: SealedBox; dek: CryptoKey }> {
	const exportable = (await crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt'])) as CryptoKey;
	const wrapped = await wrap(exportable, kek, method);
	return { wrapped, dek: await unwrapDataKey(wrapped, kek, method) };
}

/** The same DEK wrapped under another KEK: nothing it sealed is touched. */
export async function rewrapDataKey(
	wrapped: SealedBox,
	from: { kek: CryptoKey; method: UnlockMethod },
	to: { kek: CryptoKey; method: UnlockMethod }
): Promise<SealedBox> {
	const transient = await unwrapDataKey(wrapped, from.kek, from.method, true);
	return wrap(transient, to.kek, to.method);
}
