import { createRng, shuffleInPlace } from '../random';

/**
 * Stratified train/test split of sample indices (like sklearn's train_test_split with stratify=y).
 * The test set gets ceil(testFraction * n) samples, shared between classes in proportion to their size
 * (largest remainder). When testFraction > 0, every class with at least 2 samples keeps at least one
 * sample on each side, so a small validation set still contains both classes.
 * Indices come back sorted, so the same seed always gives the same arrays.
 */
export function stratifiedSplit(
	labels: ArrayLike<number>,
	testFraction: number,
	seed: number
): { train: number[]; test: number[] } {
	if (!(testFraction >= 0 && testFraction < 1)) {
		throw new RangeError(`testFraction must be in [0, 1), got ${testFraction}`);
	}
	const byClass = new Map<number, number[]>();
	for (let i = 0; i < labels.length; i++) {
		const members = byClass.get(labels[i]) ?? [];
		members.push(i);
		byClass.set(labels[i], members);
	}
	const classes = [...byClass.keys()].sort((a, b) => a - b);
	const quotas = allocateTestCounts(
		classes.map((c) => byClass.get(c)!.length),
		testFraction
	);
	const rng = createRng(seed);
	const train: number[] = [];
	const test: number[] = [];
	classes.forEach((c, k) => {
		const members = shuffleInPlace(byClass.get(c)!.slice(), rng);
		test.push(...members.slice(0, quotas[k]));
		train.push(...members.slice(quotas[k]));
	});
	return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * How many samples of each class go to the test set: largest remainder, then clamped so a class with
 * >= 2 samples keeps one on each side (in tiny sets the total can then differ from ceil(f * n) by one).
 * A class with a single sample stays in training, where it is needed more.
 */
function allocateTestCounts(sizes: number[], testFraction: number): number[] {
	const n = sizes.reduce((a, b) => a + b, 0);
	if (testFraction === 0 || n === 0) return sizes.map(() => 0);
	// The epsilon keeps 0.55 * 100 = 55.00000000000001 at 55 test samples, not 56.
	const nTest = Math.ceil(testFraction * n - 1e-9);
	const exact = sizes.map((s) => (s * nTest) / n);
	const counts = exact.map(Math.floor);
	const remainder = (k: number) => exact[k] - counts[k];
	const order = sizes.map((_, k) => k).sort((a, b) => remainder(b) - remainder(a) || sizes[b] - sizes[a]);
	let left = nTest - counts.reduce((a, b) => a + b, 0);
	for (let i = 0; left > 0; i++, left--) counts[order[i % order.length]]++;
	return counts.map((c, k) => (sizes[k] < 2 ? 0 : Math.min(Math.max(c, 1), sizes[k] - 1)));
}
