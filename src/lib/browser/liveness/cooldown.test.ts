import { describe, expect, it } from 'vitest';
import { afterFailure, DEFAULT_COOLDOWN, FailureLimiter, type KeyValueStore } from './cooldown';

function memoryStore(): KeyValueStore {
	const data = new Map<string, string>();
	return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('liveness failure cool-down', () => {
	it('locks after every third failure in a row, twice as long each time, up to the cap', () => {
		let state = { failures: 0, lockedUntil: 0 };
		const locks: number[] = [];
		// An hour between failures: every earlier lock is over by the next one.
		const hour = 3_600_000;
		for (let i = 1; i <= 18; i++) {
			state = afterFailure(state, hour * i);
			if (i % 3 === 0) locks.push(state.lockedUntil - hour * i);
			else expect(state.lockedUntil).toBeLessThanOrEqual(hour * i);
		}
		expect(locks).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, DEFAULT_COOLDOWN.maxLockMs]);
	});

	it('is kept in the store, and a pass resets it', () => {
		const store = memoryStore();
		const limiter = new FailureLimiter('verify', store);
		expect(limiter.fail(0)).toBe(0);
		expect(limiter.fail(0)).toBe(0);
		expect(limiter.fail(0)).toBe(30_000);
		// A new limiter on the same store (a reload) still sees the lock.
		const reloaded = new FailureLimiter('verify', store);
		expect(reloaded.remainingMs(10_000)).toBe(20_000);
		expect(new FailureLimiter('enrol', store).remainingMs(10_000)).toBe(0);
		reloaded.pass();
		expect(limiter.remainingMs(10_000)).toBe(0);
		expect(limiter.state.failures).toBe(0);
	});

	it('treats an unreadable stored value as no failures', () => {
		const store = memoryStore();
		store.setItem('me-verifier.liveness-limit.verify', '{"failures":"x"');
		expect(new FailureLimiter('verify', store).state).toEqual({ failures: 0, lockedUntil: 0 });
	});
});
