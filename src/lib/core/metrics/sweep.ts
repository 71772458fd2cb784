import { CoreError } from '../errors';

/**
 * Shared core of every curve: scores sorted once, then cumulative counts at each distinct score.
 * Labels: 1 = positive ("me" / "same person"); a sample is predicted positive when score >= threshold.
 */
export interface SweepPoint {
	/** A distinct score, in decreasing order. */
	threshold: number;
	/** Positives / negatives with score >= threshold. */
	tp: number;
	fp: number;
}

export interface Sweep {
	positives: number;
	negatives: number;
	points: SweepPoint[];
}

export function checkInputs(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
	if (scores.length !== labels.length) {
		throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
	}
	for (let i = 0; i < scores.length; i++) {
		if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
		if (labels[i] !== 0 && labels[i] !== 1)
			throw new RangeError(`label ${i} is ${labels[i]}, expected 0 or 1`);
	}
}

export function sweep(scores: ArrayLike<number>, labels: ArrayLike<number>): Sweep {
	checkInputs(scores, labels);
	const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
	const points: SweepPoint[] = [];
	let tp = 0;
	let fp = 0;
	for (let k = 0; k < order.length; k++) {
		const i = order[k];
		if (labels[i] === 1) tp++;
		else fp++;
		// Tied scores cross the threshold together: one point per distinct score, after the last tie.
		if (k === order.length - 1 || scores[order[k + 1]] !== scores[i]) {
			points.push({ threshold: scores[i], tp, fp });
		}
	}
	return { positives: tp, negatives: fp, points };
}

/** Curves need both classes; say so plainly instead of returning NaN. */
export function requireBothClasses(s: Sweep, what: string): void {
	if (s.positives === 0 || s.negatives === 0) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`${what} needs at least one positive and one negative sample (got ${s.positives} and ${s.negatives})`
		);
	}
}

/** Middle of the gap between distinct score k and the next lower one (same decisions on this data). */
export function gapMiddle(s: Sweep, k: number): number {
	const upper = s.points[k].threshold;
	if (k === s.points.length - 1) return upper;
	const lower = s.points[k + 1].threshold;
	const middle = (upper + lower) / 2;
	// Adjacent doubles can round the middle onto the lower score, which would change the decisions.
	return middle > lower && Number.isFinite(middle) ? middle : upper;
}

/** A threshold that accepts nobody: just above the highest score. */
export function justAbove(x: number): number {
	return x + Math.max(Math.abs(x), 1) * 1e-9;
}
