import { getConfig } from '../config';
import { getDatabase } from '../db/database';
import { developmentSecret, SqliteFailureStore } from '../db/shared-state';
import { FailureLimiter } from './rate-limit';
import { resolveJwtSecret } from './secret';
import { TokenService } from './tokens';

export { FailureLimiter, MemoryFailureStore, type FailureStore } from './rate-limit';
export { MIN_SECRET_LENGTH, MissingSecretError, resolveJwtSecret } from './secret';
export { TokenService, tokenFromAuthorization, type TokenClaims } from './tokens';

let tokens: TokenService | null = null;
let limiter: FailureLimiter | null = null;

/**
 * Call at server start (hooks `init`): in production a missing or weak JWT_SECRET throws here, with
 * a message saying what to set, so the server never starts half-secured.
 */
export function initAuth(): void {
	getTokenService();
}

export function getTokenService(): TokenService {
	if (!tokens) {
		const config = getConfig();
		const secret = resolveJwtSecret(config, () => developmentSecret(getDatabase()));
		tokens = new TokenService({ secret, ttlSeconds: config.jwtTtlSeconds });
	}
	return tokens;
}

export function getLoginLimiter(): FailureLimiter {
	if (!limiter) {
		const config = getConfig();
		// In the database, so that every server worker counts the same failures.
		limiter = new FailureLimiter({
			maxFailures: config.loginMaxFailures,
			windowSeconds: config.loginWindowSeconds,
			store: new SqliteFailureStore(getDatabase())
		});
	}
	return limiter;
}

/** Drops the token service and limiter (failures stay in the database); tests call it after changing the environment. */
export function resetAuth(): void {
	tokens = null;
	limiter = null;
}
