import { getConfig } from '../config';
import { getDatabase } from '../db/database';
import { SqliteAttemptStore } from '../db/shared-state';
import { loadSecretsFile } from '../secrets';
import { AttemptLimiter } from './rate-limit';
import { resolveJwtSecret } from './secret';
import { TokenService } from './tokens';

export { AttemptLimiter, MemoryAttemptStore, type AttemptStore } from './rate-limit';
export { MIN_SECRET_LENGTH, MissingSecretError, resolveJwtSecret, weakSecretReason } from './secret';
export { TokenService, tokenFromAuthorization, type TokenClaims } from './tokens';

let tokens: TokenService | null = null;
let limiters: { client: AttemptLimiter; account: AttemptLimiter } | null = null;
let signups: AttemptLimiter | null = null;

/**
 * Call at server start (hooks `init`): in production a weak JWT_SECRET throws here, with a message saying
 * what to set, so the server never starts half-secured.
 */
export function initAuth(): void {
	getTokenService();
}

export function getTokenService(): TokenService {
	if (!tokens) {
		const config = getConfig();
		const secret = resolveJwtSecret(config, () => loadSecretsFile(config.secretsPath).jwt_secret);
		tokens = new TokenService({ secret, ttlSeconds: config.jwtTtlSeconds });
	}
	return tokens;
}

/** Login attempts per client (address or API key) and per matched account, shared by every worker. */
export function getLoginLimiters(): { client: AttemptLimiter; account: AttemptLimiter } {
	if (!limiters) {
		const config = getConfig();
		const store = new SqliteAttemptStore(getDatabase());
		const windowSeconds = config.loginWindowSeconds;
		limiters = {
			client: new AttemptLimiter({ maxAttempts: config.loginMaxFailures, windowSeconds, store }),
			account: new AttemptLimiter({
				maxAttempts: config.loginMaxPerAccount,
				windowSeconds,
				store,
				what: 'logins to this account'
			})
		};
	}
	return limiters;
}

/**
 * New face-login users per client per hour: without it anyone could create users (and enrolment tokens) in
 * bulk. Operators with a `manage` key are not counted.
 */
export function getSignupLimiter(): AttemptLimiter {
	signups ??= new AttemptLimiter({
		maxAttempts: getConfig().signupMaxPerHour,
		windowSeconds: 3600,
		store: new SqliteAttemptStore(getDatabase()),
		what: 'new users from this client'
	});
	return signups;
}

/** Drops the token service and limiters (attempts stay in the database); tests call it after changing the environment. */
export function resetAuth(): void {
	signups = null;
	tokens = null;
	limiters = null;
}
