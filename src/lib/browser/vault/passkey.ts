import { randomBytes } from './cipher';
import { VaultError } from './errors';

/**
 * A passkey as an unlock method, through WebAuthn's PRF extension: the authenticator answers a salt with 32
 * secret bytes that only this credential (after user verification) produces. No server is involved: the
 * assertion's signature is never checked, the PRF output is the only thing used.
 */

/** False where the browser says it lacks PRF; true where it says it has it or does not say (then try). */
export async function passkeysOffered(): Promise<boolean> {
	if (typeof PublicKeyCredential === 'undefined' || !isSecureContext) return false;
	const capabilities = await PublicKeyCredential.getClientCapabilities?.().catch(() => undefined);
	return capabilities?.['extension:prf'] !== false;
}

function failed(cause: unknown): VaultError {
	if (cause instanceof VaultError) return cause;
	const name = cause instanceof Error ? cause.name : '';
	return new VaultError('PASSKEY_FAILED', `the passkey did not answer (${name || String(cause)})`, { cause });
}

function prfFirst(credential: PublicKeyCredential): BufferSource | null {
	return credential.getClientExtensionResults().prf?.results?.first ?? null;
}

/** The PRF output of an existing credential for `prfSalt` (asks the authenticator once). */
export async function passkeySecret(
	credentialId: Uint8Array<ArrayBuffer>,
	prfSalt: Uint8Array<ArrayBuffer>
): Promise<BufferSource> {
	let credential: PublicKeyCredential;
	try {
		credential = (await navigator.credentials.get({
			publicKey: {
				challenge: randomBytes(32),
				allowCredentials: [{ type: 'public-key', id: credentialId }],
				userVerification: 'required',
				extensions: { prf: { eval: { first: prfSalt } } }
			}
		})) as PublicKeyCredential;
	} catch (cause) {
		throw failed(cause);
	}
	const secret = credential ? prfFirst(credential) : null;
	if (!secret) throw new VaultError('PRF_UNSUPPORTED', 'the authenticator gave no PRF output');
	return secret;
}

/** Creates a passkey for this app and returns its id, the PRF salt and the secret it gives for that salt. */
export async function registerPasskey(): Promise<{
	credentialId: Uint8Array<ArrayBuffer>;
	prfSalt: Uint8Array<ArrayBuffer>;
	secret: BufferSource;
}> {
	const prfSalt = randomBytes(32);
	let credential: PublicKeyCredential;
	try {
		credential = (await navigator.credentials.create({
			publicKey: {
				rp: { name: 'Me-Verifier' },
				user: { id: randomBytes(16), name: 'me-verifier', displayName: 'Me-Verifier (this device)' },
				challenge: randomBytes(32),
				// ES256 and RS256: what platform and roaming authenticators offer.
				pubKeyCredParams: [
					{ type: 'public-key', alg: -7 },
					{ type: 'public-key', alg: -257 }
				],
				authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
				extensions: { prf: { eval: { first: prfSalt } } }
			}
		})) as PublicKeyCredential;
	} catch (cause) {
		throw failed(cause);
	}
	if (!credential?.getClientExtensionResults().prf?.enabled)
		throw new VaultError('PRF_UNSUPPORTED', 'this passkey does not offer the PRF extension');
	const credentialId = new Uint8Array(credential.rawId);
	// Some authenticators evaluate the PRF at creation; the others need one assertion.
	const secret = prfFirst(credential) ?? (await passkeySecret(credentialId, prfSalt));
	return { credentialId, prfSalt, secret };
}
