import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors';
import { binaryMetrics } from './confusion';
import { chooseThreshold, equalErrorRate, tarAtFar, thresholdAnalysis } from './threshold';

// Positives 0.9, 0.8, 0.6, 0.5; negatives 0.8, 0.5, 0.3, 0.1 (ROC points listed in curves.test.ts).
const scores = [0.9, 0.8, 0.8, 0.6, 0.5, 0.5, 0.3, 0.1];
const labels = [1, 1, 0, 1, 0, 1, 0, 0];

describe('equalErrorRate', () => {
	it('lands on a ROC point where FAR = FRR exactly (0.25 at 0.6)', () => {
		expect(equalErrorRate(scores, labels)).toEqual({ eer: 0.25, threshold: 0.6 });
	});

	it('interpolates between the two points around the crossing', () => {
		// Positives 0.9, 0.6; negatives 0.8, 0.7, 0.1. FAR / FRR: 0.8 -> 1/3 / 1/2, 0.7 -> 2/3 / 1/2.
		// FAR - FRR goes -1/6 -> +1/6, so the crossing is half-way: FAR = FRR = 1/2.
		const result = equalErrorRate([0.9, 0.6, 0.8, 0.7, 0.1], [1, 1, 0, 0, 0]);
		expect(result.eer).toBeCloseTo(0.5, 12);
		expect(result.threshold).toBe(0.7);
	});

	it('is 0 for separated scores', () => {
		expect(equalErrorRate([0.9, 0.8, 0.3], [1, 1, 0]).eer).toBe(0);
	});
});

describe('tarAtFar', () => {
	it('takes the highest TAR whose FAR stays within the target', () => {
		expect(tarAtFar(scores, labels, 0)).toEqual({ tar: 0.25, threshold: 0.9, far: 0 });
		expect(tarAtFar(scores, labels, 0.25)).toEqual({ tar: 0.75, threshold: 0.6, far: 0.25 });
		expect(tarAtFar(scores, labels, 0.49)).toEqual({ tar: 0.75, threshold: 0.6, far: 0.25 });
		expect(tarAtFar(scores, labels, 0.5)).toEqual({ tar: 1, threshold: 0.5, far: 0.5 });
	});

	it('answers "accept nobody" when the top score is a negative and FAR must be 0', () => {
		expect(tarAtFar([0.9, 0.5, 0.1], [0, 1, 0], 0)).toEqual({ tar: 0, threshold: Infinity, far: 0 });
	});
});

describe('chooseThreshold', () => {
	it('best_f1: F1 peaks at 0.5 (0.8), so the middle of the gap to 0.3', () => {
		// F1 = 2tp / (tp + fp + P): 0.9 -> 0.4, 0.8 -> 0.571, 0.6 -> 0.75, 0.5 -> 0.8, 0.3 -> 0.727, 0.1 -> 0.667.
		const choice = chooseThreshold(scores, labels, 'best_f1');
		expect(choice).toEqual({ value: 0.4, method: 'best_f1' });
		expect(binaryMetrics(scores, labels, choice.value).f1).toBeCloseTo(0.8, 12);
	});

	it('youden: J = TPR - FPR ties at 0.6 and 0.5 (0.5 each); the higher one wins', () => {
		const choice = chooseThreshold(scores, labels, 'youden');
		expect(choice.value).toBeCloseTo(0.55, 12);
		expect(binaryMetrics(scores, labels, choice.value).confusion).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1 });
	});

	it('target_far: stays on the winning score and records the target', () => {
		expect(chooseThreshold(scores, labels, 'target_far', { targetFar: 0.25 })).toEqual({
			value: 0.6,
			method: 'target_far',
			target_far: 0.25
		});
		const none = chooseThreshold([0.9, 0.5, 0.1], [0, 1, 0], 'target_far', { targetFar: 0 });
		expect(none.value).toBeGreaterThan(0.9);
		expect(binaryMetrics([0.9, 0.5, 0.1], [0, 1, 0], none.value).confusion.fp).toBe(0);
		expect(() => chooseThreshold(scores, labels, 'target_far')).toThrow(RangeError);
	});

	it('manual: returns the given value, which must be finite', () => {
		expect(chooseThreshold(scores, labels, 'manual', { value: 0.7 })).toEqual({
			value: 0.7,
			method: 'manual'
		});
		expect(() => chooseThreshold(scores, labels, 'manual')).toThrow(RangeError);
	});

	it('keeps the decisions of the winning score for adjacent doubles', () => {
		const lower = 0.5;
		const upper = lower + Number.EPSILON / 2;
		const choice = chooseThreshold([upper, lower], [1, 0], 'best_f1');
		expect(binaryMetrics([upper, lower], [1, 0], choice.value).confusion).toEqual({
			tp: 1,
			fp: 0,
			tn: 1,
			fn: 0
		});
	});

	it('needs both classes', () => {
		expect(() => chooseThreshold([0.1, 0.2], [1, 1], 'best_f1')).toThrow(CoreError);
	});
});

describe('thresholdAnalysis', () => {
	it('summarises the operating points with their metrics', () => {
		const analysis = thresholdAnalysis(scores, labels);
		expect(analysis.best_f1.threshold).toBe(0.4);
		expect(analysis.best_f1.f1).toBeCloseTo(0.8, 12);
		expect(analysis.youden.recall).toBe(0.75);
		expect(analysis.far_1e2).toMatchObject({ target_far: 0.01, threshold: 0.9, recall: 0.25, far: 0 });
		expect(analysis.far_1e3.threshold).toBe(0.9);
		expect(analysis.eer).toMatchObject({ eer: 0.25, threshold: 0.6, far: 0.25, frr: 0.25 });
	});
});
