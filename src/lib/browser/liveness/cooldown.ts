/**
 * Device-side rate limit on failed liveness checks: after `failuresPerLock` failures in a row the check is
 * locked for a cool-down that doubles with each further lock (capped), and a passed check resets it. Kept in
 * localStorage so a reload does not reset it. It slows down someone trying pictures at the camera; it is no
 * defence against someone who controls the device (the server keeps its own limits).
 */

export interface CooldownPolicy {
	failuresPerLock: number;
	firstLockMs: number;
	maxLockMs: number;
}

export const DEFAULT_COOLDOWN: CooldownPolicy = {
	failuresPerLock: 3,
	firstLockMs: 30_000,
	maxLockMs: 15 * 60_000
};

export interface CooldownState {
	/** Failures since the last pass. */
	failures: number;
	/** Epoch ms until which a new check is refused (0: not locked). */
	lockedUntil: number;
}

const EMPTY: CooldownState = { failures: 0, lockedUntil: 0 };

/** The state after one more failure at `now`. */
export function afterFailure(state: CooldownState, now: number, policy = DEFAULT_COOLDOWN): CooldownState {
	const failures = state.failures + 1;
	if (failures % policy.failuresPerLock !== 0) return { failures, lockedUntil: state.lockedUntil };
	const locks = failures / policy.failuresPerLock;
	const lockMs = Math.min(policy.maxLockMs, policy.firstLockMs * 2 ** (locks - 1));
	return { failures, lockedUntil: now + lockMs };
}

export function remainingMs(state: CooldownState, now: number): number {
	return Math.max(0, state.lockedUntil - now);
}

export interface KeyValueStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

/** The limiter of one use (verify, enrolment), persisted under its own key. */
export class FailureLimiter {
	#key: string;
	#store: KeyValueStore | null;
	#policy: CooldownPolicy;

	constructor(
		name: string,
		store: KeyValueStore | null = typeof localStorage === 'undefined' ? null : localStorage,
		policy = DEFAULT_COOLDOWN
	) {
		this.#key = `me-verifier.liveness-limit.${name}`;
		this.#store = store;
		this.#policy = policy;
	}

	get state(): CooldownState {
		try {
			const saved = JSON.parse(this.#store?.getItem(this.#key) ?? 'null') as Partial<CooldownState> | null;
			const failures = Number(saved?.failures);
			const lockedUntil = Number(saved?.lockedUntil);
			if (!Number.isFinite(failures) || !Number.isFinite(lockedUntil)) return { ...EMPTY };
			return { failures, lockedUntil };
		} catch {
			return { ...EMPTY };
		}
	}

	#save(state: CooldownState): void {
		this.#store?.setItem(this.#key, JSON.stringify(state));
	}

	remainingMs(now = Date.now()): number {
		return remainingMs(this.state, now);
	}

	/** Records a failure; returns the cool-down it started (0 when none). */
	fail(now = Date.now()): number {
		const next = afterFailure(this.state, now, this.#policy);
		this.#save(next);
		return remainingMs(next, now);
	}

	pass(): void {
		this.#save({ ...EMPTY });
	}
}
