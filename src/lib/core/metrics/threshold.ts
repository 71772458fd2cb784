import { binaryMetrics, type BinaryMetrics } from './confusion';
import { rocCurve } from './curves';
import { gapMiddle, justAbove, requireBothClasses, sweep, type Sweep } from './sweep';

export type ThresholdMethod = 'best_f1' | 'youden' | 'target_far' | 'manual';

export interface ThresholdChoice {
	value: number;
	method: ThresholdMethod;
	target_far?: number;
}

/**
 * Equal error rate: where FAR (false accepts) meets FRR (false rejects), linearly interpolated between
 * the two ROC points around the crossing. `threshold` is the real score of the nearer of those two points.
 */
export function equalErrorRate(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>
): { eer: number; threshold: number } {
	const roc = rocCurve(scores, labels);
	const gap = (k: number) => roc[k].fpr - (1 - roc[k].tpr);
	// The first point has FAR 0 < FRR 1 and the last FAR 1 >= FRR 0, so a crossing exists.
	let k = 1;
	while (gap(k) < 0) k++;
	const t = gap(k - 1) / (gap(k - 1) - gap(k));
	const eer = roc[k - 1].fpr + t * (roc[k].fpr - roc[k - 1].fpr);
	const nearer = t >= 0.5 || k === 1 ? k : k - 1;
	return { eer, threshold: roc[nearer].threshold };
}

/**
 * Highest true accept rate whose false accept rate stays <= `far`; on equal TAR the higher threshold.
 * When nothing but "accept nobody" qualifies, threshold is +Infinity and tar 0.
 */
export function tarAtFar(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	far: number
): { tar: number; threshold: number; far: number } {
	let best = { tar: 0, threshold: Infinity, far: 0 };
	for (const p of rocCurve(scores, labels)) {
		if (p.fpr <= far && p.tpr > best.tar) best = { tar: p.tpr, threshold: p.threshold, far: p.fpr };
	}
	return best;
}

/**
 * Picks an operating threshold on labelled scores (normally the validation set).
 * best_f1 and youden return the middle of the gap between the winning score and the next lower one:
 * the same decisions on this data, but a new sample just under the lowest accepted score is not
 * rejected by a hair. target_far stays on the winning score itself, the cautious side for false
 * accepts; if no score meets the target it lies just above the highest score (accept nobody).
 */
export function chooseThreshold(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	method: ThresholdMethod,
	opts: { targetFar?: number; value?: number } = {}
): ThresholdChoice {
	if (method === 'manual') {
		if (opts.value === undefined || !Number.isFinite(opts.value)) {
			throw new RangeError('a manual threshold needs a finite value');
		}
		return { value: opts.value, method };
	}
	const s = sweep(scores, labels);
	requireBothClasses(s, `threshold choice (${method})`);
	if (method === 'target_far') {
		const targetFar = opts.targetFar;
		if (targetFar === undefined || !(targetFar >= 0 && targetFar <= 1)) {
			throw new RangeError(`target_far needs a target false accept rate in [0, 1], got ${targetFar}`);
		}
		const { threshold } = tarAtFar(scores, labels, targetFar);
		return {
			value: Number.isFinite(threshold) ? threshold : justAbove(s.points[0].threshold),
			method,
			target_far: targetFar
		};
	}
	const score = method === 'best_f1' ? f1Score(s) : youdenScore(s);
	let best = 0;
	for (let k = 1; k < s.points.length; k++) if (score(k) > score(best)) best = k;
	return { value: gapMiddle(s, best), method };
}

const f1Score = (s: Sweep) => (k: number) => {
	const { tp, fp } = s.points[k];
	return (2 * tp) / (tp + fp + s.positives);
};

const youdenScore = (s: Sweep) => (k: number) => s.points[k].tp / s.positives - s.points[k].fp / s.negatives;

export type ThresholdAnalysis = {
	best_f1: BinaryMetrics;
	youden: BinaryMetrics;
	far_1e2: BinaryMetrics & { target_far: number };
	far_1e3: BinaryMetrics & { target_far: number };
	eer: BinaryMetrics & { eer: number };
};

/** The usual operating points side by side, for reports. */
export function thresholdAnalysis(scores: ArrayLike<number>, labels: ArrayLike<number>): ThresholdAnalysis {
	const at = (method: ThresholdMethod, targetFar?: number) =>
		binaryMetrics(scores, labels, chooseThreshold(scores, labels, method, { targetFar }).value);
	const eer = equalErrorRate(scores, labels);
	return {
		best_f1: at('best_f1'),
		youden: at('youden'),
		far_1e2: { ...at('target_far', 1e-2), target_far: 1e-2 },
		far_1e3: { ...at('target_far', 1e-3), target_far: 1e-3 },
		eer: { ...binaryMetrics(scores, labels, eer.threshold), eer: eer.eer }
	};
}
