import { CoreError } from '../../core/errors';

/** Where failures are kept: in memory for one process, or in SQLite for all server workers. */
export interface FailureStore {
	/** Failure times (ms) of this key after `sinceMs`, oldest first. */
	recent(key: string, sinceMs: number): number[];
	/** Records a failure and forgets every failure (any key) at or before `forgetBeforeMs`. */
	add(key: string, atMs: number, forgetBeforeMs: number): void;
	clear(key: string): void;
}

/** A bounded in-process store: a flood of addresses cannot grow memory without limit. */
export class MemoryFailureStore implements FailureStore {
	private readonly failures = new Map<string, number[]>();

	constructor(private readonly maxKeys = 10_000) {}

	recent(key: string, sinceMs: number): number[] {
		return (this.failures.get(key) ?? []).filter((t) => t > sinceMs);
	}

	add(key: string, atMs: number, forgetBeforeMs: number): void {
		const kept = this.recent(key, forgetBeforeMs);
		kept.push(atMs);
		// Re-inserting keeps the Map in order of last failure: the first key is the one idle the longest.
		this.failures.delete(key);
		this.failures.set(key, kept);
		if (this.failures.size > this.maxKeys) {
			const stalest = this.failures.keys().next().value;
			if (stalest !== undefined) this.failures.delete(stalest);
		}
	}

	clear(key: string): void {
		this.failures.delete(key);
	}
}

export interface FailureLimiterOptions {
	maxFailures: number;
	windowSeconds: number;
	store?: FailureStore;
	/** Milliseconds; injectable for tests. */
	now?: () => number;
}

/**
 * Sliding-window limiter for failed face logins, per client key (address). After `maxFailures`
 * failures inside the window further attempts get RATE_LIMITED with the seconds until one expires.
 */
export class FailureLimiter {
	private readonly store: FailureStore;
	private readonly maxFailures: number;
	private readonly windowMs: number;
	private readonly now: () => number;

	constructor(options: FailureLimiterOptions) {
		this.maxFailures = options.maxFailures;
		this.windowMs = options.windowSeconds * 1000;
		this.store = options.store ?? new MemoryFailureStore();
		this.now = options.now ?? Date.now;
	}

	/** Seconds until this key may try again; 0 when it may try now. */
	retryAfterSeconds(key: string): number {
		const now = this.now();
		const recent = this.store.recent(key, now - this.windowMs);
		if (recent.length < this.maxFailures) return 0;
		const oldestThatCounts = recent[recent.length - this.maxFailures];
		return Math.max(1, Math.ceil((oldestThatCounts + this.windowMs - now) / 1000));
	}

	/** Throws RATE_LIMITED (429 with Retry-After) before any face work is done for a blocked client. */
	assertAllowed(key: string): void {
		const retryAfterSeconds = this.retryAfterSeconds(key);
		if (retryAfterSeconds > 0) {
			throw new CoreError(
				'RATE_LIMITED',
				`Too many failed face logins. Try again in ${retryAfterSeconds} s.`,
				{
					retryAfterSeconds
				}
			);
		}
	}

	recordFailure(key: string): void {
		const now = this.now();
		this.store.add(key, now, now - this.windowMs);
	}

	/** A successful login clears the client's record. */
	reset(key: string): void {
		this.store.clear(key);
	}
}
