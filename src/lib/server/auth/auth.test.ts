import { limitBucket } from './client-address';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { AttemptLimiter, MemoryAttemptStore } from './rate-limit';
import { randomBytes } from 'node:crypto';
import { resolveJwtSecret, weakSecretReason } from './secret';
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
		throw new Error('the generated secret must not be used here');
	};
	const production = (jwtSecret: string) =>
		resolveJwtSecret({ nodeEnv: 'production', jwtSecret }, neverAsked);

	it('refuses weak configured secrets in production, saying why and what to set', () => {
		expect(() => production('short')).toThrow(/only 5 characters.*openssl rand/);
		expect(() => production('a'.repeat(32))).toThrow(/repeated or sequential/);
		expect(() => production('abcdefghijklmnopqrstuvwxyz0123456789')).toThrow(/repeated or sequential/);
		expect(() => production('passwordpasswordpasswordpassword')).toThrow(/bits/);
		const strong = randomBytes(32).toString('base64');
		expect(new TextDecoder().decode(production(strong))).toBe(strong);
		expect(weakSecretReason(randomBytes(32).toString('hex'))).toBeNull();
	});

	it('without JWT_SECRET uses the generated secret (secrets file), in production too', () => {
		const key = resolveJwtSecret({ nodeEnv: 'production', jwtSecret: null }, () => 'generated');
		expect(new TextDecoder().decode(key)).toBe('generated');
	});

	it('outside production a weak secret is used with a warning', () => {
		const warn = vi.fn();
		const configured = resolveJwtSecret({ nodeEnv: 'development', jwtSecret: 'mine' }, neverAsked, warn);
		expect(new TextDecoder().decode(configured)).toBe('mine');
		expect(warn).toHaveBeenCalledTimes(1);
	});
});

describe('AttemptLimiter', () => {
	it('blocks after maxAttempts inside the window, with Retry-After until the oldest expires', async () => {
		let now = 0;
		const limiter = new AttemptLimiter({ maxAttempts: 3, windowSeconds: 60, now: () => now });
		for (let i = 0; i < 3; i++) {
			await limiter.reserve('1.2.3.4');
			now += 10_000;
		}
		// Attempts at 0, 10 and 20 s; now 30 s: the first expires at 60 s.
		await expect(limiter.reserve('1.2.3.4')).rejects.toThrow(
			expect.objectContaining({ code: 'RATE_LIMITED' })
		);
		expect(await limiter.retryAfterSeconds('1.2.3.4')).toBe(30);
		await expect(limiter.reserve('1.2.3.4')).rejects.toMatchObject({ details: { retryAfterSeconds: 30 } });
		await expect(limiter.reserve('5.6.7.8')).resolves.toBeUndefined();
		now = 60_001;
		await expect(limiter.reserve('1.2.3.4')).resolves.toBeUndefined();
	});

	it('a refused attempt is not counted, and nothing gives an attempt back', async () => {
		const limiter = new AttemptLimiter({ maxAttempts: 2, windowSeconds: 60 });
		await limiter.reserve('k');
		await limiter.reserve('k');
		for (let i = 0; i < 5; i++) await expect(limiter.reserve('k')).rejects.toThrow(/Too many/);
		expect(await limiter.retryAfterSeconds('k')).toBeGreaterThan(0);
		expect(limiter).not.toHaveProperty('reset');
	});

	it('parallel requests of one process cannot all pass one check', async () => {
		const limiter = new AttemptLimiter({ maxAttempts: 3, windowSeconds: 60 });
		const results = await Promise.allSettled(Array.from({ length: 10 }, () => limiter.reserve('burst')));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
	});

	it('remembers a bounded number of clients', async () => {
		const limiter = new AttemptLimiter({
			maxAttempts: 1,
			windowSeconds: 60,
			store: new MemoryAttemptStore(2)
		});
		await limiter.reserve('a');
		await limiter.reserve('b');
		await limiter.reserve('c');
		expect(await limiter.retryAfterSeconds('a')).toBe(0);
		expect(await limiter.retryAfterSeconds('c')).toBeGreaterThan(0);
	});
});

describe('rate-limit buckets', () => {
	it('one bucket per IPv6 /64, per IPv4 address, and per API key', () => {
		const peer = (address: string) => () => address;
		const bucket = (address: string) => limitBucket(null, peer(address), null, []);
		expect(bucket('2001:db8:1:2:aaaa::1')).toBe(bucket('2001:0db8:0001:0002:ffff:1:2:3'));
		expect(bucket('2001:db8:1:2::9')).toBe('ip:2001:db8:1:2::/64');
		expect(bucket('2001:db8:1:3::9')).not.toBe(bucket('2001:db8:1:2::9'));
		expect(bucket('::1')).toBe('ip:0:0:0:0::/64');
		expect(bucket('198.51.100.7')).toBe('ip:198.51.100.7');
		expect(bucket('::ffff:198.51.100.7')).toBe('ip:198.51.100.7');
		expect(limitBucket('key_1', peer('198.51.100.7'), null, [])).toBe('key:key_1');
	});
});
