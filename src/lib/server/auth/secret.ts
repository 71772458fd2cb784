/** HS256 wants at least as many key bits as the hash: 32 bytes. */
export const MIN_SECRET_LENGTH = 32;

export interface SecretSource {
	nodeEnv: string;
	jwtSecret: string | null;
}

export class MissingSecretError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MissingSecretError';
	}
}

/**
 * The signing key. Production refuses to run without a strong JWT_SECRET. Development uses
 * `developmentSecret()` (a random secret the caller keeps where every server worker finds it) and
 * says so once.
 */
export function resolveJwtSecret(
	source: SecretSource,
	developmentSecret: () => string,
	warn: (message: string) => void = console.warn
): Uint8Array {
	const secret = source.jwtSecret;
	if (source.nodeEnv === 'production') {
		if (!secret) {
			throw new MissingSecretError(
				'JWT_SECRET is not set: refusing to start in production. Set it to a random string of at least ' +
					`${MIN_SECRET_LENGTH} characters, e.g. JWT_SECRET=$(openssl rand -base64 48).`
			);
		}
		if (secret.length < MIN_SECRET_LENGTH) {
			throw new MissingSecretError(
				`JWT_SECRET is only ${secret.length} characters: refusing to start in production. ` +
					`Use at least ${MIN_SECRET_LENGTH}, e.g. JWT_SECRET=$(openssl rand -base64 48).`
			);
		}
	}
	if (secret) return new TextEncoder().encode(secret);
	warn(
		'[me-verifier] JWT_SECRET is not set: face-login tokens are signed with a generated development ' +
			'secret kept in the database (DB_PATH). Set JWT_SECRET; production refuses to start without it.'
	);
	return new TextEncoder().encode(developmentSecret());
}
