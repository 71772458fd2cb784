import { createRng, shuffleInPlace } from '../random';
import { checkInputs, gapMiddle, justAbove, sweep } from './sweep';

/**
 * k-fold accuracy as in the LFW protocol: for each fold, the threshold with the best accuracy on the
 * other folds is applied to the held-out fold. Folds are stratified (each class dealt round-robin
 * after a seeded shuffle), so the result is deterministic for a given seed. std is the population
 * standard deviation of the fold accuracies, as LFW tables usually report it.
 */
export function kFoldAccuracy(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	folds: number,
	seed = 42
): { mean: number; std: number; perFold: number[] } {
	checkInputs(scores, labels);
	if (!Number.isInteger(folds) || folds < 2 || folds > scores.length) {
		throw new RangeError(`folds must be an integer in [2, ${scores.length}], got ${folds}`);
	}
	const foldOf = stratifiedFolds(labels, folds, seed);
	const perFold: number[] = [];
	for (let f = 0; f < folds; f++) {
		const fit = { scores: [] as number[], labels: [] as number[] };
		let correct = 0;
		let held = 0;
		for (let i = 0; i < scores.length; i++) {
			if (foldOf[i] !== f) {
				fit.scores.push(scores[i]);
				fit.labels.push(labels[i]);
			}
		}
		const threshold = bestAccuracyThreshold(fit.scores, fit.labels);
		for (let i = 0; i < scores.length; i++) {
			if (foldOf[i] !== f) continue;
			held++;
			if ((scores[i] >= threshold ? 1 : 0) === labels[i]) correct++;
		}
		perFold.push(correct / held);
	}
	const mean = perFold.reduce((a, b) => a + b, 0) / folds;
	const std = Math.sqrt(perFold.reduce((a, b) => a + (b - mean) ** 2, 0) / folds);
	return { mean, std, perFold };
}

/** The threshold with the highest accuracy (ties: the higher threshold), in the middle of its gap. */
export function bestAccuracyThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
	const s = sweep(scores, labels);
	let bestCorrect = s.negatives; // "accept nobody" gets every negative right
	let best = -1;
	s.points.forEach((p, k) => {
		const correct = p.tp + s.negatives - p.fp;
		if (correct > bestCorrect) [bestCorrect, best] = [correct, k];
	});
	return best < 0 ? justAbove(s.points[0].threshold) : gapMiddle(s, best);
}

/** Fold number per sample: each class shuffled (seeded) and dealt round-robin, positives first. */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): number[] {
	const rng = createRng(seed);
	const foldOf = new Array<number>(labels.length).fill(0);
	let next = 0;
	for (const label of [1, 0]) {
		const members = Array.from({ length: labels.length }, (_, i) => i).filter((i) => labels[i] === label);
		for (const i of shuffleInPlace(members, rng)) foldOf[i] = next++ % folds;
	}
	return foldOf;
}
