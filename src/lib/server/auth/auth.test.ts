import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { FailureLimiter, MemoryFailureStore } from './rate-limit';
import { resolveJwtSecret } from './secret';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService, tokenFromAuthorization } from './tokens';

const secret = new TextEncoder().encode('a-test-secret-that-is-long-enough-for-hs256');
const user = { id: 7, email: 'ana@example.com' };

/**
 * Changes the first character of a base64url segment. Not the last one: there it may only carry padding bits
 * (32 signature bytes = 43 characters, the last holding 4 data bits), so the bytes, and the signature, can
 * survive the change and the test would pass by luck.
 */
function tamper(segment: string): string {
	return (segment[0] === 'A' ? 'B' : 'A') + segment.slice(1);
}

describe('TokenService', () => {
	const service = new TokenService({ secret, ttlSeconds: 900 });

	it('signs an HS256 token that verifies back to the user, expiring after the TTL', async () => {
		const before = Math.floor(Date.now() / 1000);
		const { token, expiresAt } = await service.sign(user);
		const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
		expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
		const claims = await service.verify(token);
		expect(claims).toMatchObject({ userId: 7, email: 'ana@example.com', expiresAt });
		expect(expiresAt - before).toBeGreaterThanOrEqual(900);
		expect(expiresAt - before).toBeLessThanOrEqual(901);
	});

	it('rejects a token whose payload or signature was changed', async () => {
		const { token } = await service.sign(user);
		const [header, payload, signature] = token.split('.');
		const forged = Buffer.from(
			JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '1' })
		).toString('base64url');
		await expect(service.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
			code: 'UNAUTHORIZED'
		});
		await expect(service.verify(`${header}.${payload}.${tamper(signature)}`)).rejects.toThrow(/invalid/);
	});

	it('rejects a token signed with another secret', async () => {
		const other = new TokenService({ secret: new TextEncoder().encode('x'.repeat(40)), ttlSeconds: 900 });
		const { token } = await other.sign(user);
		await expect(service.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('rejects an expired token with a message that says so', async () => {
		let now = 1_000_000;
		const clocked = new TokenService({ secret, ttlSeconds: 60, now: () => now });
		const { token } = await clocked.sign(user);
		now += 59;
		await expect(clocked.verify(token)).resolves.toMatchObject({ userId: 7 });
		now += 2;
		await expect(clocked.verify(token)).rejects.toThrow(/expired/);
	});

	it("pins the algorithm: 'none' and HS512 with the same secret are rejected", async () => {
		const claims = { email: user.email, sub: '7', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE };
		const unsigned = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('10m').encode();
		await expect(service.verify(unsigned)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		const hs512 = await new SignJWT(claims)
			.setProtectedHeader({ alg: 'HS512' })
			.setIssuedAt()
			.setExpirationTime('10m')
			.sign(secret);
		await expect(service.verify(hs512)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		const hs256 = await new SignJWT(claims)
			.setProtectedHeader({ alg: 'HS256' })
			.setIssuedAt()
			.setExpirationTime('10m')
			.sign(secret);
		await expect(service.verify(hs256)).resolves.toMatchObject({ userId: 7 });
	});

	it('rejects a well-signed token for another audience or without a subject', async () => {
		const wrongAudience = await new SignJWT({})
			.setProtectedHeader({ alg: 'HS256' })
			.setSubject('7')
			.setIssuer(TOKEN_ISSUER)
			.setAudience('someone-else')
			.setIssuedAt()
			.setExpirationTime('10m')
			.sign(secret);
		await expect(service.verify(wrongAudience)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		const noSubject = await new SignJWT({})
			.setProtectedHeader({ alg: 'HS256' })
			.setIssuer(TOKEN_ISSUER)
			.setAudience(TOKEN_AUDIENCE)
			.setIssuedAt()
			.setExpirationTime('10m')
			.sign(secret);
		await expect(service.verify(noSubject)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
	});

	it('rejects garbage', async () => {
		for (const token of ['', 'abc', 'a.b.c', 'a.b']) {
			await expect(service.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
		}
	});
});

describe('tokenFromAuthorization', () => {
	it('accepts Bearer (any case) and the bare token', () => {
		expect(tokenFromAuthorization('Bearer abc.def.ghi')).toBe('abc.def.ghi');
		expect(tokenFromAuthorization('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
		expect(tokenFromAuthorization('abc.def.ghi')).toBe('abc.def.ghi');
	});

	it('rejects a missing header and other schemes', () => {
		expect(() => tokenFromAuthorization(null)).toThrow(/Missing token/);
		expect(() => tokenFromAuthorization('  ')).toThrow(/Missing token/);
		expect(() => tokenFromAuthorization('Basic dXNlcjpwYXNz')).toThrow(/Unsupported/);
		expect(() => tokenFromAuthorization('Bearer a b')).toThrow(/Unsupported/);
	});
});

describe('resolveJwtSecret', () => {
	const neverAsked = () => {
		throw new Error('the development secret must not be used here');
	};

	it('refuses to run in production without a secret, or with a short one, saying what to set', () => {
		const production = (jwtSecret: string | null) =>
			resolveJwtSecret({ nodeEnv: 'production', jwtSecret }, neverAsked);
		expect(() => production(null)).toThrow(/JWT_SECRET is not set: refusing to start in production/);
		expect(() => production('short')).toThrow(/only 5 characters/);
		expect(new TextDecoder().decode(production('s'.repeat(32)))).toBe('s'.repeat(32));
	});

	it('in development without a secret uses the shared development secret and says so', () => {
		const warn = vi.fn();
		const key = resolveJwtSecret({ nodeEnv: 'development', jwtSecret: null }, () => 'dev-secret', warn);
		expect(new TextDecoder().decode(key)).toBe('dev-secret');
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toMatch(/JWT_SECRET is not set.*generated development secret/);
		const configured = resolveJwtSecret({ nodeEnv: 'development', jwtSecret: 'mine' }, neverAsked, warn);
		expect(new TextDecoder().decode(configured)).toBe('mine');
		expect(warn).toHaveBeenCalledTimes(1);
	});
});

describe('FailureLimiter', () => {
	it('blocks after maxFailures inside the window, with Retry-After until the oldest expires', () => {
		let now = 0;
		const limiter = new FailureLimiter({ maxFailures: 3, windowSeconds: 60, now: () => now });
		for (let i = 0; i < 3; i++) {
			limiter.assertAllowed('1.2.3.4');
			limiter.recordFailure('1.2.3.4');
			now += 10_000;
		}
		// Failures at 0, 10 and 20 s; now 30 s: the first expires at 60 s.
		expect(() => limiter.assertAllowed('1.2.3.4')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
		expect(limiter.retryAfterSeconds('1.2.3.4')).toBe(30);
		try {
			limiter.assertAllowed('1.2.3.4');
		} catch (error) {
			expect((error as { details: unknown }).details).toEqual({ retryAfterSeconds: 30 });
		}
		expect(() => limiter.assertAllowed('5.6.7.8')).not.toThrow();
		now = 60_001;
		expect(() => limiter.assertAllowed('1.2.3.4')).not.toThrow();
	});

	it('a success clears the record', () => {
		const limiter = new FailureLimiter({ maxFailures: 2, windowSeconds: 60 });
		limiter.recordFailure('k');
		limiter.reset('k');
		limiter.recordFailure('k');
		expect(limiter.retryAfterSeconds('k')).toBe(0);
		limiter.recordFailure('k');
		expect(limiter.retryAfterSeconds('k')).toBeGreaterThan(0);
	});

	it('remembers a bounded number of clients', () => {
		const limiter = new FailureLimiter({
			maxFailures: 1,
			windowSeconds: 60,
			store: new MemoryFailureStore(2)
		});
		limiter.recordFailure('a');
		limiter.recordFailure('b');
		limiter.recordFailure('c');
		expect(limiter.retryAfterSeconds('a')).toBe(0);
		expect(limiter.retryAfterSeconds('c')).toBeGreaterThan(0);
	});
});
