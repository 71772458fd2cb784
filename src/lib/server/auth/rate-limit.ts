import { CoreError } from '../../core/errors';
import type { AttemptStore } from '../db/store';

export type { AttemptStore } from '../db/store';

/** A bounded in-process store: a flood of addresses cannot grow memory without limit. */
export class MemoryAttemptStore implements AttemptStore {
	private readonly attempts = new Map<string, number[]>();

	constructor(private readonly maxKeys = 10_000) {}

	private recentSync(key: string, sinceMs: number): number[] {
		return (this.attempts.get(key) ?? []).filter((t) => t > sinceMs);
	}

	async recent(key: string, sinceMs: number): Promise<number[]> {
		return this.recentSync(key, sinceMs);
	}

	// One thread, no await inside: already atomic.
	async tryAdd(
		key: string,
		atMs: number,
		sinceMs: number,
		max: number
	): Promise<{ added: boolean; recent: number[] }> {
		const recent = this.recentSync(key, sinceMs);
		if (recent.length >= max) return { added: false, recent };
		// Re-inserting keeps the Map in order of last attempt: the first key is the one idle the longest.
		this.attempts.delete(key);
		this.attempts.set(key, [...recent, atMs]);
		if (this.attempts.size > this.maxKeys) {
			const stalest = this.attempts.keys().next().value;
			if (stalest !== undefined) this.attempts.delete(stalest);
		}
		return { added: true, recent };
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

	private secondsUntilFree(recent: readonly number[], now: number): number {
		if (recent.length < this.maxAttempts) return 0;
		const oldestThatCounts = recent[recent.length - this.maxAttempts];
		return Math.max(1, Math.ceil((oldestThatCounts + this.windowMs - now) / 1000));
	}

	/** Seconds until this key may try again; 0 when it may try now. */
	async retryAfterSeconds(key: string): Promise<number> {
		const now = this.now();
		return this.secondsUntilFree(await this.store.recent(key, now - this.windowMs), now);
	}

	/**
	 * Counts one attempt for `key`, or throws RATE_LIMITED (429 with Retry-After) and counts nothing. The check
	 * and the count are one atomic step in the store, across workers and replicas.
	 */
	async reserve(key: string): Promise<void> {
		const now = this.now();
		const { added, recent } = await this.store.tryAdd(key, now, now - this.windowMs, this.maxAttempts);
		if (added) return;
		const retryAfterSeconds = this.secondsUntilFree(recent, now);
		throw new CoreError('RATE_LIMITED', `Too many ${this.what}. Try again in ${retryAfterSeconds} s.`, {
			retryAfterSeconds
		});
	}
}
