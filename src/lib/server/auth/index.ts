import { getConfig } from '../config';
import { getStore } from '../db/database';
import { createHmac } from 'node:crypto';
import type { AttemptStore, Store } from '../db/store';
import { loadSecretsFile } from '../secrets';
import { AttemptLimiter } from './rate-limit';
import { MissingSecretError, resolveJwtSecret } from './secret';
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

/** The store's attempts, resolved per call: the store may be reopened (tests restart it). */
const sharedAttempts: AttemptStore = {
	recent: async (key, sinceMs) => (await getStore()).attempts.recent(key, sinceMs),
	tryAdd: async (key, atMs, sinceMs, max) => (await getStore()).attempts.tryAdd(key, atMs, sinceMs, max)
};

/** Login attempts per client (address or API key) and per matched account, shared by every worker and replica. */
export function getLoginLimiters(): { client: AttemptLimiter; account: AttemptLimiter } {
	if (!limiters) {
		const config = getConfig();
		const store = sharedAttempts;
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
		store: sharedAttempts,
		what: 'new users from this client'
	});
	return signups;
}

/**
 * Replicas on one PostgreSQL must sign tokens with one secret, or a token from A fails on B. The first replica
 * stores a fingerprint of its secret (an HMAC, which reveals nothing of the secret); a replica started with
 * another secret refuses to start, saying so.
 */
export async function checkSharedSecrets(store: Store): Promise<void> {
	if (store.kind !== 'postgres') return;
	const fingerprint = createHmac('sha256', getTokenService().secretBytes)
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

/** Drops the token service and limiters (attempts stay in the database); tests call it after changing the environment. */
export function resetAuth(): void {
	signups = null;
	tokens = null;
	limiters = null;
}
