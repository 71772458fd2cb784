import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds ciphertexts to their purpose: a blob cannot be replayed as some other encrypted value of ours.
const AAD = Buffer.from('me-verifier:template:v1');

/** A short, stable name for a key, stored beside each row so rotation knows which key made it. */
export function keyIdOf(key: Uint8Array): string {
	return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * AES-256-GCM for stored face templates. Encrypts with the current key; decrypts with any key it was given
 * (the current one and, during a rotation, the previous ones). Blob layout: IV (12) | ciphertext | tag (16).
 */
export class TemplateCipher {
	private readonly keys = new Map<string, Buffer>();
	readonly currentKeyId: string;

	constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
		for (const key of [current, ...previous]) {
			if (key.byteLength !== 32) throw new Error('A template key must be 32 bytes (AES-256).');
			this.keys.set(keyIdOf(key), Buffer.from(key));
		}
		this.currentKeyId = keyIdOf(current);
	}

	encrypt(plain: Uint8Array): { blob: Uint8Array; keyId: string } {
		const iv = randomBytes(IV_BYTES);
		const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
		cipher.setAAD(AAD);
		const body = Buffer.concat([cipher.update(plain), cipher.final()]);
		return { blob: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])), keyId: this.currentKeyId };
	}

	/** `keyId` null means a plaintext row written before encryption existed. */
	decrypt(blob: Uint8Array, keyId: string | null): Uint8Array {
		if (keyId === null) return blob;
		const key = this.keys.get(keyId);
		if (!key) {
			throw new Error(`No template key with id ${keyId}: set the key it was encrypted with (see README).`);
		}
		const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
		const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
		decipher.setAAD(AAD);
		decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
		const plain = Buffer.concat([
			decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
			decipher.final()
		]);
		return new Uint8Array(plain);
	}
}

// Databases opened without a configured key (unit tests, ':memory:') still never hold plaintext.
const processKey = randomBytes(32);
export function ephemeralCipher(): TemplateCipher {
	return new TemplateCipher(processKey);
}
