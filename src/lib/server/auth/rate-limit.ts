import { CoreError } from '../../core/errors';

/** Where attempts are kept: in memory for one process, or in SQLite for all server workers. */
export interface AttemptStore {
	/** Attempt times (ms) of this key after `sinceMs`, oldest first. */
	recent(key: string, sinceMs: number): number[];
	/** Records an attempt and forgets every attempt (any key) at or before `forgetBeforeMs`. */
	add(key: string, atMs: number, forgetBeforeMs: number): void;
	/** Runs check-then-add as one step: no other worker or request can slip in between. */
	atomically<T>(fn: () => T): T;
}

/** A bounded in-process store: a flood of addresses cannot grow memory without limit. */
export class MemoryAttemptStore implements AttemptStore {
	private readonly attempts = new Map<string, number[]>();

	constructor(private readonly maxKeys = 10_000) {}

	recent(key: string, sinceMs: number): number[] {
		return (this.attempts.get(key) ?? []).filter((t) => t > sinceMs);
	}

	add(key: string, atMs: number, forgetBeforeMs: number): void {
		const kept = this.recent(key, forgetBeforeMs);
		kept.push(atMs);
		// Re-inserting keeps the Map in order of last attempt: the first key is the one idle the longest.
		this.attempts.delete(key);
		this.attempts.set(key, kept);
		if (this.attempts.size > this.maxKeys) {
			const stalest = this.attempts.keys().next().value;
			if (stalest !== undefined) this.attempts.delete(stalest);
		}
	}

	atomically<T>(fn: () => T): T {
		return fn(); // one thread, synchronous: already atomic
	}
}

export interface AttemptLimiterOptions {
	maxAttempts: number;
	windowSeconds: number;
	store?: AttemptStore;
	/** What the 429 message calls the limited thing. */
	what?: string;
	/** Milliseconds; injectable for tests. */
	now?: () => number;
}

/**
 * Sliding-window limit on face-login attempts. An attempt is reserved before any face work, atomically, and
 * is never given back: a success does not refill the budget, and parallel requests cannot all pass one check.
 */
export class AttemptLimiter {
	private readonly store: AttemptStore;
	private readonly maxAttempts: number;
	private readonly windowMs: number;
	private readonly what: string;
	private readonly now: () => number;

	constructor(options: AttemptLimiterOptions) {
		this.maxAttempts = options.maxAttempts;
		this.windowMs = options.windowSeconds * 1000;
		this.store = options.store ?? new MemoryAttemptStore();
		this.what = options.what ?? 'face-login attempts';
		this.now = options.now ?? Date.now;
	}

	/** Seconds until this key may try again; 0 when it may try now. */
	retryAfterSeconds(key: string): number {
		const now = this.now();
		const recent = this.store.recent(key, now - this.windowMs);
		if (recent.length < this.maxAttempts) return 0;
		const oldestThatCounts = recent[recent.length - this.maxAttempts];
		return Math.max(1, Math.ceil((oldestThatCounts + this.windowMs - now) / 1000));
	}

	/** Counts one attempt for `key`, or throws RATE_LIMITED (429 with Retry-After) and counts nothing. */
	reserve(key: string): void {
		this.store.atomically(() => {
			const retryAfterSeconds = this.retryAfterSeconds(key);
			if (retryAfterSeconds > 0) {
				throw new CoreError('RATE_LIMITED', `Too many ${this.what}. Try again in ${retryAfterSeconds} s.`, {
					retryAfterSeconds
				});
			}
			const now = this.now();
			this.store.add(key, now, now - this.windowMs);
		});
	}
}
