/** Why the vault (the key that seals what the app stores) refused: one code per case, for the UI's message. */
export const VAULT_ERROR_CODES = [
	/** The key is sealed under a passphrase or a passkey and nobody unlocked it yet. */
	'LOCKED',
	'WRONG_PASSPHRASE',
	/** Shorter than MIN_PASSPHRASE_LENGTH, or the confirmation differs. */
	'WEAK_PASSPHRASE',
	/** The passkey ceremony was cancelled, failed, or gave a secret that does not open the key. */
	'PASSKEY_FAILED',
	/** This browser or authenticator does not offer WebAuthn's PRF extension. */
	'PRF_UNSUPPORTED',
	/** A stored record failed authentication: altered, moved to another key, or sealed under another key. */
	'UNREADABLE'
] as const;

export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export class VaultError extends Error {
	readonly code: VaultErrorCode;

	constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
		super(message, options);
		this.name = 'VaultError';
		this.code = code;
	}
}

export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
	return error instanceof VaultError && (code === undefined || error.code === code);
}
