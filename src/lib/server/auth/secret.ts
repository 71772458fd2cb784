/** HS256 wants at least as many key bits as the hash: 32 bytes. */
export const MIN_SECRET_LENGTH = 32;
/** Estimated bits a configured secret must carry; `openssl rand -base64 32` gives ~240 by this measure. */
export const MIN_SECRET_BITS = 160;

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

/** Longest run of characters that repeat or step by one code point (aaaa, abcd, 4321). */
function longestPatternRun(text: string): number {
	let longest = 1;
	let run = 1;
	let step: number | null = null;
	for (let i = 1; i < text.length; i++) {
		const delta = text.charCodeAt(i) - text.charCodeAt(i - 1);
		if (Math.abs(delta) <= 1 && (step === null || delta === step)) {
			run++;
			step = delta;
		} else {
			run = Math.abs(delta) <= 1 ? 2 : 1;
			step = Math.abs(delta) <= 1 ? delta : null;
		}
		longest = Math.max(longest, run);
	}
	return longest;
}

/** Shannon entropy of the character distribution times the length: a cheap, conservative estimate. */
export function estimatedBits(text: string): number {
	const counts = new Map<string, number>();
	for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
	let perChar = 0;
	for (const n of counts.values()) perChar -= (n / text.length) * Math.log2(n / text.length);
	return perChar * text.length;
}

/** Why a secret is too weak to sign tokens with, or null when it will do. */
export function weakSecretReason(secret: string): string | null {
	if (secret.length < MIN_SECRET_LENGTH) return `it is only ${secret.length} characters`;
	if (longestPatternRun(secret) > 4) return 'it contains a repeated or sequential run of characters';
	const bits = estimatedBits(secret);
	if (bits < MIN_SECRET_BITS) return `it carries about ${Math.round(bits)} bits, below ${MIN_SECRET_BITS}`;
	return null;
}

const HOW = 'Use JWT_SECRET=$(openssl rand -base64 48), or leave it unset to use a generated one.';

/**
 * The signing key: JWT_SECRET when set (production refuses a weak one), else the random secret generated
 * into the secrets file (mode 0600, never in the database) that every worker reads alike.
 */
export function resolveJwtSecret(
	source: SecretSource,
	generatedSecret: () => string,
	warn: (message: string) => void = console.warn
): Uint8Array {
	const secret = source.jwtSecret;
	if (!secret) return new TextEncoder().encode(generatedSecret());
	const weakness = weakSecretReason(secret);
	if (weakness && source.nodeEnv === 'production') {
		throw new MissingSecretError(
			`JWT_SECRET is too weak (${weakness}): refusing to start in production. ${HOW}`
		);
	}
	if (weakness) warn(`[me-verifier] JWT_SECRET is weak (${weakness}); production would refuse it. ${HOW}`);
	return new TextEncoder().encode(secret);
}
