import {
	MIN_PASSPHRASE_LENGTH,
	PBKDF2_ITERATIONS,
	newDeviceKek,
	newWrappedDataKey,
	passphraseKek,
	prfKek,
	randomBytes,
	rewrapDataKey,
	unwrapDataKey,
	type SealedBox,
	type UnlockMethod
} from './cipher';
import { VaultError } from './errors';
import {
	createKeyRecord,
	deleteKeyring,
	onKeyringDeleted,
	readKeyRecord,
	replaceKeyRecord,
	type KeyRecord
} from './keyring';
import { passkeySecret, registerPasskey } from './passkey';

/**
 * The page's unlocked data key. New users get the device method (no prompt); a passphrase or a passkey
 * has to be given once per page load. Changing the method re-wraps the same data key: no record is
 * re-encrypted, and tabs that hold the key keep working.
 */

interface Session {
	dek: CryptoKey;
	kek: CryptoKey;
	method: UnlockMethod;
	record: KeyRecord;
}

let session: Session | null = null;
let opening: Promise<Session> | null = null;

onKeyringDeleted(() => {
	session = null;
});

/** How the key is unlocked (null before the first use), and whether this page holds it. */
export async function vaultState(): Promise<{ method: UnlockMethod | null; unlocked: boolean }> {
	if (session) return { method: session.method, unlocked: true };
	const record = await readKeyRecord();
	return { method: record?.method ?? null, unlocked: false };
}

async function openWithDeviceKey(): Promise<Session> {
	let record = await readKeyRecord();
	if (!record) {
		const kek = await newDeviceKek();
		const { wrapped } = await newWrappedDataKey(kek, 'device');
		// Another tab may have created one meanwhile: the first stored wins, so every tab shares one key.
		record = await createKeyRecord({ method: 'device', wrapped, kek });
	}
	if (record.method !== 'device')
		throw new VaultError('LOCKED', `the stored faces are locked with a ${record.method}`);
	return {
		dek: await unwrapDataKey(record.wrapped, record.kek, 'device'),
		kek: record.kek,
		method: 'device',
		record
	};
}

/** The key that seals every record. Opens the device key without asking; LOCKED under the other methods. */
export async function dataKey(): Promise<CryptoKey> {
	if (session) return session.dek;
	opening ??= openWithDeviceKey().finally(() => (opening = null));
	session = await opening;
	return session.dek;
}

export async function unlockWithPassphrase(passphrase: string): Promise<void> {
	const record = await readKeyRecord();
	if (record?.method !== 'passphrase') throw new VaultError('LOCKED', 'no passphrase is set');
	const kek = await passphraseKek(passphrase, record.salt, record.iterations);
	try {
		session = {
			dek: await unwrapDataKey(record.wrapped, kek, 'passphrase'),
			kek,
			method: 'passphrase',
			record
		};
	} catch (cause) {
		throw new VaultError('WRONG_PASSPHRASE', 'wrong passphrase', { cause });
	}
}

export async function unlockWithPasskey(): Promise<void> {
	const record = await readKeyRecord();
	if (record?.method !== 'passkey') throw new VaultError('LOCKED', 'no passkey is set');
	const kek = await prfKek(await passkeySecret(record.credentialId, record.prfSalt), record.hkdfSalt);
	try {
		session = { dek: await unwrapDataKey(record.wrapped, kek, 'passkey'), kek, method: 'passkey', record };
	} catch (cause) {
		throw new VaultError('PASSKEY_FAILED', 'this passkey does not open the stored faces', { cause });
	}
}

/** Wraps the page's data key under `kek` and stores it as `describe` says; LOCKED if the page has no key. */
async function rewrap(kek: CryptoKey, method: UnlockMethod, describe: (wrapped: SealedBox) => KeyRecord) {
	await dataKey();
	const current = session;
	if (!current) throw new VaultError('LOCKED', 'unlock before changing how the key is unlocked');
	const record = describe(await rewrapDataKey(current.record.wrapped, current, { kek, method }));
	await replaceKeyRecord(record);
	session = { dek: current.dek, kek, method, record };
}

export function checkPassphrase(passphrase: string, confirmation = passphrase): void {
	if (passphrase.length < MIN_PASSPHRASE_LENGTH || passphrase !== confirmation)
		throw new VaultError(
			'WEAK_PASSPHRASE',
			`a passphrase needs ${MIN_PASSPHRASE_LENGTH} characters or more, typed twice alike`
		);
}

/** From now on the key opens with `passphrase` (PBKDF2-SHA-256, a fresh random salt). */
export async function usePassphrase(passphrase: string, confirmation = passphrase): Promise<void> {
	checkPassphrase(passphrase, confirmation);
	const salt = randomBytes(16);
	const kek = await passphraseKek(passphrase, salt, PBKDF2_ITERATIONS);
	await rewrap(kek, 'passphrase', (wrapped) => ({
		method: 'passphrase',
		wrapped,
		salt,
		iterations: PBKDF2_ITERATIONS
	}));
}

/** From now on the key opens with a new passkey (created here; WebAuthn PRF). */
export async function usePasskey(): Promise<void> {
	const { credentialId, prfSalt, secret } = await registerPasskey();
	const hkdfSalt = randomBytes(32);
	const kek = await prfKek(secret, hkdfSalt);
	await rewrap(kek, 'passkey', (wrapped) => ({
		method: 'passkey',
		wrapped,
		credentialId,
		prfSalt,
		hkdfSalt
	}));
}

/** From now on the key opens without a prompt, with a new key kept in this browser. */
export async function useDeviceKey(): Promise<void> {
	const kek = await newDeviceKek();
	await rewrap(kek, 'device', (wrapped) => ({ method: 'device', wrapped, kek }));
}

/** Forgets the key in this page; the next use asks again (under the passphrase or passkey methods). */
export function lock(): void {
	session = null;
}

/** Destroys the wrapped key (first step of "erase everything"): what it sealed can no longer be read. */
export async function destroyKey(): Promise<void> {
	session = null;
	await deleteKeyring();
}
