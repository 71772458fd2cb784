import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createChallenge } from '../../core/liveness';
import { readConfig } from '../config';
import { createServices, type Services } from '../services';
import { ChallengeSigner } from './challenge-token';
import { issueChallenge, livenessWarnings, spendChallenge } from './index';

describe('signed challenges', () => {
	const signer = new ChallengeSigner('a-server-secret-that-is-long-enough-0123456789');
	const challenge = { ...createChallenge(1_000), purpose: 'login' as const };

	it('round-trip, and anything not signed by this key is refused', () => {
		const token = signer.sign(challenge);
		expect(signer.verify(token)).toEqual(challenge);
		const [prefix, payload, mac] = token.split('.');
		const other = JSON.parse(Buffer.from(payload, 'base64url').toString());
		other.a = ['blink', 'blink', 'blink'];
		const forged = Buffer.from(JSON.stringify(other)).toString('base64url');
		expect(signer.verify(`${prefix}.${forged}.${mac}`)).toBeNull();
		expect(new ChallengeSigner('another-secret-entirely-0123456789abcdef').verify(token)).toBeNull();
		for (const bad of ['', 'lc1', `${prefix}.${payload}`, `${token}.x`, 'lc1.e30.AAAA', token.slice(0, -2)])
			expect(signer.verify(bad), bad).toBeNull();
	});
});

describe('liveness settings', () => {
	it('default to a required challenge for login and warn when any is off', () => {
		const config = readConfig({});
		expect([config.loginLiveness, config.verifyLiveness, config.enrolLiveness]).toEqual([
			'required',
			'optional',
			'optional'
		]);
		expect(livenessWarnings(config)).toEqual([]);
		const off = readConfig({ LOGIN_LIVENESS: 'off' });
		expect(livenessWarnings(off).join()).toMatch(/LOGIN_LIVENESS=off.*unsafe/);
	});

	it('refuse unknown modes and actions, and a single kind of action', () => {
		expect(() => readConfig({ LOGIN_LIVENESS: 'maybe' })).toThrow(/LOGIN_LIVENESS/);
		expect(() => readConfig({ LIVENESS_ACTIONS: 'blink,wink' })).toThrow(/wink/);
		expect(() => readConfig({ LIVENESS_ACTIONS: 'blink' })).toThrow(/two/);
		expect(readConfig({ LIVENESS_ACTIONS: 'turn_left, look_up' }).livenessActions).toEqual([
			'turn_left',
			'look_up'
		]);
	});
});

describe('spending a challenge', () => {
	let services: Services | null = null;
	afterAll(async () => {
		vi.useRealTimers();
		await services?.close();
	});

	it('works once, even on a replica whose clock is behind the one that issued it', async () => {
		services = await createServices(
			readConfig({
				DB_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'nonce-')), 'db.sqlite'),
				JWT_SECRET: 'a-server-secret-that-is-long-enough-0123456789abcdef'
			})
		);
		const issued = issueChallenge(services, 'login');
		// Replica B's clock runs 5 s behind replica A's, which issued the challenge. The nonce used to be
		// recorded at B's time, before `issuedAt`, where the single-use check does not look: a replay passed.
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(issued.issued_at - 5_000);
		await expect(spendChallenge(services, issued.challenge, 'login')).resolves.toMatchObject({
			nonce: issued.nonce
		});
		await expect(spendChallenge(services, issued.challenge, 'login')).rejects.toMatchObject({
			code: 'LIVENESS_FAILED'
		});
		vi.setSystemTime(issued.issued_at + 1_000);
		await expect(spendChallenge(services, issued.challenge, 'login')).rejects.toMatchObject({
			code: 'LIVENESS_FAILED'
		});
	});
});
