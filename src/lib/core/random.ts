/**
 * Seeded randomness for everything tests depend on (splits, folds, synthetic data):
 * never Math.random in logic whose result must be reproducible.
 */

/** mulberry32: tiny, fast, good enough for shuffling; returns numbers in [0, 1). */
export function createRng(seed: number): () => number {
	let state = Math.trunc(seed) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Fisher-Yates shuffle; mutates and returns `items`. */
export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		const tmp = items[i];
		items[i] = items[j];
		items[j] = tmp;
	}
	return items;
}

/** Standard normal sample (Box-Muller), for synthetic data in tests and benchmarks. */
export function gaussian(rng: () => number): number {
	const u = 1 - rng(); // (0, 1]: log(0) is not allowed
	const v = rng();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
