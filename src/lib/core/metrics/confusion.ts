import { checkInputs } from './sweep';

export interface Confusion {
	tp: number;
	fp: number;
	tn: number;
	fn: number;
}

export interface BinaryMetrics {
	threshold: number;
	accuracy: number;
	precision: number;
	recall: number;
	f1: number;
	specificity: number;
	/** False accept rate: negatives accepted / negatives (= false positive rate). */
	far: number;
	/** False reject rate: positives rejected / positives (= 1 - recall). */
	frr: number;
	confusion: Confusion;
}

/** Counts at one threshold; predicted positive when score >= threshold. */
export function confusionAt(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	threshold: number
): Confusion {
	checkInputs(scores, labels);
	const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
	for (let i = 0; i < scores.length; i++) {
		const accepted = scores[i] >= threshold;
		if (labels[i] === 1) {
			if (accepted) c.tp++;
			else c.fn++;
		} else if (accepted) c.fp++;
		else c.tn++;
	}
	return c;
}

/** A ratio whose denominator is empty counts as 0, like sklearn's zero_division=0. */
export function ratio(numerator: number, denominator: number): number {
	return denominator === 0 ? 0 : numerator / denominator;
}

export function metricsFromConfusion(c: Confusion, threshold: number): BinaryMetrics {
	const precision = ratio(c.tp, c.tp + c.fp);
	const recall = ratio(c.tp, c.tp + c.fn);
	return {
		threshold,
		accuracy: ratio(c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
		precision,
		recall,
		f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
		specificity: ratio(c.tn, c.tn + c.fp),
		far: ratio(c.fp, c.fp + c.tn),
		frr: ratio(c.fn, c.tp + c.fn),
		confusion: { ...c }
	};
}

export function binaryMetrics(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	threshold: number
): BinaryMetrics {
	return metricsFromConfusion(confusionAt(scores, labels, threshold), threshold);
}
