import { requireBothClasses, sweep } from './sweep';

export interface RocPoint {
	threshold: number;
	fpr: number;
	tpr: number;
}

export interface PrPoint {
	threshold: number;
	precision: number;
	recall: number;
}

/**
 * ROC curve from (0, 0) to (1, 1), one point per distinct score in decreasing threshold order, like
 * sklearn's roc_curve(drop_intermediate=False). The first point's threshold is +Infinity ("accept
 * nobody"), as in sklearn >= 1.3; JSON.stringify writes it as null.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocPoint[] {
	const s = sweep(scores, labels);
	requireBothClasses(s, 'ROC curve');
	return [
		{ threshold: Infinity, fpr: 0, tpr: 0 },
		...s.points.map((p) => ({ threshold: p.threshold, fpr: p.fp / s.negatives, tpr: p.tp / s.positives }))
	];
}

/**
 * Area under the ROC curve by the trapezoid rule. Because tied scores form one diagonal segment,
 * this equals the Mann-Whitney U statistic with ties counted as 1/2.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
	const roc = rocCurve(scores, labels);
	let area = 0;
	for (let k = 1; k < roc.length; k++) {
		area += ((roc[k].fpr - roc[k - 1].fpr) * (roc[k].tpr + roc[k - 1].tpr)) / 2;
	}
	return area;
}

/**
 * Precision-recall points in decreasing threshold order (increasing recall), starting at
 * (recall 0, precision 1) with threshold +Infinity, the same end point sklearn appends.
 * Needs at least one positive; negatives may be absent.
 */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrPoint[] {
	const s = sweep(scores, labels);
	if (s.positives === 0) requireBothClasses(s, 'precision-recall curve');
	return [
		{ threshold: Infinity, precision: 1, recall: 0 },
		...s.points.map((p) => ({
			threshold: p.threshold,
			precision: p.tp / (p.tp + p.fp),
			recall: p.tp / s.positives
		}))
	];
}

/** sklearn's average_precision_score: sum over thresholds of (R_n - R_{n-1}) * P_n, no interpolation. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
	const pr = prCurve(scores, labels);
	let ap = 0;
	for (let k = 1; k < pr.length; k++) ap += (pr[k].recall - pr[k - 1].recall) * pr[k].precision;
	return ap;
}
