import { BackupError, exportBackup, importBackup, type Backup } from './backup';
import { PBKDF2_ITERATIONS, passphraseKey, randomBytes, seal, unseal } from './vault/cipher';

/**
 * The default backup file: the plain backup's JSON encrypted with AES-GCM under a key derived from a passphrase
 * (PBKDF2-HMAC-SHA-256, random salt). The header (format, version, KDF parameters) is the additional data, so
 * it cannot be edited, e.g. to lower the iteration count, without the file failing to open.
 */

export const SEALED_BACKUP_FORMAT = 'me-verifier/sealed-backup';
export const SEALED_BACKUP_VERSION = 1;
/** A file cannot make the page spend minutes deriving a key. */
const MAX_ITERATIONS = 10_000_000;

interface Header {
	format: typeof SEALED_BACKUP_FORMAT;
	version: typeof SEALED_BACKUP_VERSION;
	kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
	cipher: { name: 'AES-GCM'; iv: string };
}

export interface SealedBackup extends Header {
	exported_at: string;
	data: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const headerAad = (h: Header) =>
	JSON.stringify([h.format, h.version, h.kdf.name, h.kdf.hash, h.kdf.iterations, h.kdf.salt, h.cipher.name]);

export function isSealedBackup(json: unknown): json is SealedBackup {
	return (json as Partial<SealedBackup> | null)?.format === SEALED_BACKUP_FORMAT;
}

export async function sealBackup(backup: Backup, passphrase: string): Promise<SealedBackup> {
	if (!passphrase)
		throw new BackupError('a passphrase is required to encrypt the backup', 'PASSPHRASE_REQUIRED');
	const salt = randomBytes(16);
	const key = await passphraseKey(passphrase, salt, PBKDF2_ITERATIONS, ['encrypt']);
	const header = {
		format: SEALED_BACKUP_FORMAT,
		version: SEALED_BACKUP_VERSION,
		kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS, salt: toBase64(salt) },
		cipher: { name: 'AES-GCM', iv: '' }
	} satisfies Header;
	const box = await seal(key, headerAad(header), new TextEncoder().encode(JSON.stringify(backup)));
	return {
		...header,
		cipher: { name: 'AES-GCM', iv: toBase64(box.iv) },
		exported_at: backup.exported_at,
		data: toBase64(box.data)
	};
}

/** The plain backup inside (still to be validated); WRONG_PASSPHRASE when it does not decrypt. */
export async function openSealedBackup(file: SealedBackup, passphrase: string): Promise<unknown> {
	if (!passphrase)
		throw new BackupError('this backup is encrypted: enter its passphrase', 'PASSPHRASE_REQUIRED');
	const { version, kdf, cipher, data } = file;
	const iterations = kdf?.iterations;
	if (
		version !== SEALED_BACKUP_VERSION ||
		kdf.name !== 'PBKDF2' ||
		kdf.hash !== 'SHA-256' ||
		cipher?.name !== 'AES-GCM' ||
		!Number.isInteger(iterations) ||
		iterations < PBKDF2_ITERATIONS ||
		iterations > MAX_ITERATIONS ||
		typeof kdf.salt !== 'string' ||
		typeof cipher.iv !== 'string' ||
		typeof data !== 'string'
	)
		throw new BackupError('not an encrypted backup this version can read');
	let iv: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, bytes: Uint8Array<ArrayBuffer>;
	try {
		[iv, salt, bytes] = [fromBase64(cipher.iv), fromBase64(kdf.salt), fromBase64(data)];
	} catch (cause) {
		throw new BackupError('the encrypted backup is damaged', 'INVALID', { cause });
	}
	const key = await passphraseKey(passphrase, salt, iterations, ['decrypt']);
	let plain: Uint8Array;
	try {
		plain = await unseal(key, headerAad(file), { iv, data: bytes });
	} catch (cause) {
		throw new BackupError('wrong passphrase, or the file was altered', 'WRONG_PASSPHRASE', { cause });
	}
	return JSON.parse(new TextDecoder().decode(plain)) as unknown;
}

/** The text of a backup file: encrypted with `passphrase`, or plain JSON when it is null (an explicit choice). */
export async function backupFileText(passphrase: string | null): Promise<string> {
	const backup = await exportBackup();
	return JSON.stringify(passphrase === null ? backup : await sealBackup(backup, passphrase));
}

/** Imports a backup file in either format; plain files, the only kind older versions wrote, stay importable. */
export async function importBackupFile(
	json: unknown,
	passphrase: string
): Promise<{ samples: number; models: number }> {
	return importBackup(isSealedBackup(json) ? await openSealedBackup(json, passphrase) : json);
}
