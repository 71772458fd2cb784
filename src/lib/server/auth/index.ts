import type { ServerConfig } from '../config';
import { createHmac } from 'node:crypto';
import type { AttemptStore, Store } from '../db/store';
import { loadSecretsFile } from '../secrets';
import { AttemptLimiter } from './rate-limit';
import { MissingSecretError, resolveJwtSecret } from './secret';
import { TokenService } from './tokens';

export { AttemptLimiter, MemoryAttemptStore, type AttemptStore } from './rate-limit';
export { MIN_SECRET_LENGTH, MissingSecretError, resolveJwtSecret, weakSecretReason } from './secret';
export { TokenService, tokenFromAuthorization, type TokenClaims } from './tokens';

/**
 * The key face-login tokens and liveness challenges are signed with: JWT_SECRET, else the secrets file's.
 * In production a weak JWT_SECRET throws here, with a message saying what to set, so the server never starts
 * half-secured.
 */
export function jwtSecretOf(config: ServerConfig): Uint8Array {
	return resolveJwtSecret(config, () => loadSecretsFile(config.secretsPath).jwt_secret);
}

export function createTokenService(config: ServerConfig, secret = jwtSecretOf(config)): TokenService {
	return new TokenService({ secret, ttlSeconds: config.jwtTtlSeconds });
}

export interface LoginLimiters {
	/** Per client (address or API key). */
	client: AttemptLimiter;
	/** Per matched account: many clients cannot hammer one user. */
	account: AttemptLimiter;
}

/** Login attempts per client and per matched account, counted in `attempts` (the store every worker and replica shares). */
export function createLoginLimiters(config: ServerConfig, attempts: AttemptStore): LoginLimiters {
	const windowSeconds = config.loginWindowSeconds;
	return {
		client: new AttemptLimiter({ maxAttempts: config.loginMaxFailures, windowSeconds, store: attempts }),
		account: new AttemptLimiter({
			maxAttempts: config.loginMaxPerAccount,
			windowSeconds,
			store: attempts,
			what: 'logins to this account'
		})
	};
}

/**
 * SIGNUP_MAX_PER_HOUR of one kind of request per key an hour, in the shared store: new face-login users per client
 * (without it anyone could create users and enrolment tokens in bulk; operators are not counted), and a user's e-mail
 * changes and new enrolment tokens (each answers a question about other people). `what` names it in the 429.
 */
export function createHourlyLimiter(
	config: ServerConfig,
	attempts: AttemptStore,
	what: string
): AttemptLimiter {
	return new AttemptLimiter({
		maxAttempts: config.signupMaxPerHour,
		windowSeconds: 3600,
		store: attempts,
		what
	});
}

/**
 * Replicas on one PostgreSQL must sign tokens with one secret, or a token from A fails on B. The first replica
 * stores a fingerprint of its secret (an HMAC, which reveals nothing of the secret); a replica started with
 * another secret refuses to start, saying so.
 */
export async function checkSharedSecrets(store: Store, tokens: TokenService): Promise<void> {
	if (store.kind !== 'postgres') return;
	const fingerprint = createHmac('sha256', tokens.secretBytes)
		.update('me-verifier:jwt-secret-fingerprint')
		.digest('hex');
	const stored = await store.settings.setIfAbsent('jwt_secret_fingerprint', fingerprint);
	if (stored !== fingerprint) {
		throw new MissingSecretError(
			'This replica signs tokens with another JWT secret than the replicas already using this DATABASE_URL: ' +
				'give every replica the same JWT_SECRET (and TEMPLATE_KEY).'
		);
	}
}
