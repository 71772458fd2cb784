import { errors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { CoreError } from '../../core/errors';

export const TOKEN_ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'me-verifier';
export const TOKEN_AUDIENCE = 'me-verifier:face-login';

export interface TokenSubject {
	id: number;
	email: string;
	/** The user's token_version when signed; a newer one in the database revokes this token. */
	version?: number;
}

export interface TokenClaims {
	userId: number;
	email: string;
	version: number;
	expiresAt: number;
}

export interface TokenServiceOptions {
	secret: Uint8Array;
	ttlSeconds: number;
	/** Seconds since the epoch; injectable so tests can make expired tokens without waiting. */
	now?: () => number;
}

/** Signs and checks face-login JWTs: HS256 only, fixed issuer and audience, short expiry. */
export class TokenService {
	readonly ttlSeconds: number;
	private readonly secret: Uint8Array;
	private readonly now: () => number;

	/** The signing key (for the replicas' shared-secret check; never sent anywhere). */
	get secretBytes(): Uint8Array {
		return this.secret;
	}

	constructor(options: TokenServiceOptions) {
		this.secret = options.secret;
		this.ttlSeconds = options.ttlSeconds;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
	}

	async sign(subject: TokenSubject): Promise<{ token: string; expiresAt: number }> {
		const issuedAt = this.now();
		const expiresAt = issuedAt + this.ttlSeconds;
		const token = await new SignJWT({ email: subject.email, ver: subject.version ?? 0 })
			.setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
			.setSubject(String(subject.id))
			.setIssuer(TOKEN_ISSUER)
			.setAudience(TOKEN_AUDIENCE)
			.setIssuedAt(issuedAt)
			.setExpirationTime(expiresAt)
			.setJti(randomUUID())
			.sign(this.secret);
		return { token, expiresAt };
	}

	/** The claims of a valid token; UNAUTHORIZED for anything else (tampered, expired, other alg, none). */
	async verify(token: string): Promise<TokenClaims> {
		try {
			const { payload } = await jwtVerify(token, this.secret, {
				algorithms: [TOKEN_ALGORITHM],
				issuer: TOKEN_ISSUER,
				audience: TOKEN_AUDIENCE,
				requiredClaims: ['sub', 'exp', 'iat'],
				currentDate: new Date(this.now() * 1000)
			});
			const userId = Number(payload.sub);
			if (!Number.isSafeInteger(userId) || userId <= 0) throw new errors.JWTInvalid('bad subject');
			const version = Number(payload.ver ?? 0);
			if (!Number.isSafeInteger(version)) throw new errors.JWTInvalid('bad version');
			return { userId, email: String(payload.email ?? ''), version, expiresAt: payload.exp! };
		} catch (error) {
			if (error instanceof errors.JWTExpired) throw new CoreError('UNAUTHORIZED', 'The token has expired.');
			throw new CoreError('UNAUTHORIZED', 'The token is invalid.');
		}
	}
}

/** `Authorization: Bearer <token>`, or the bare token as the seed's clients send it. */
export function tokenFromAuthorization(header: string | null): string {
	const value = header?.trim() ?? '';
	if (!value) {
		throw new CoreError('UNAUTHORIZED', 'Missing token: send the header Authorization: Bearer <token>.');
	}
	const parts = value.split(/\s+/);
	if (parts.length === 1) return parts[0];
	if (parts.length === 2 && parts[0].toLowerCase() === 'bearer') return parts[1];
	throw new CoreError('UNAUTHORIZED', 'Unsupported Authorization header: use Authorization: Bearer <token>.');
}
