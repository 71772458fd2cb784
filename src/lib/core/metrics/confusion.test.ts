import { describe, expect, it } from 'vitest';
import { binaryMetrics, confusionAt } from './confusion';

// Four positives (0.9, 0.8, 0.6, 0.5) and four negatives (0.8, 0.5, 0.3, 0.1), with two ties across classes.
const scores = [0.9, 0.8, 0.8, 0.6, 0.5, 0.5, 0.3, 0.1];
const labels = [1, 1, 0, 1, 0, 1, 0, 0];

describe('confusionAt', () => {
	it('counts a score equal to the threshold as accepted', () => {
		expect(confusionAt(scores, labels, 0.5)).toEqual({ tp: 4, fp: 2, tn: 2, fn: 0 });
		expect(confusionAt(scores, labels, 0.8)).toEqual({ tp: 2, fp: 1, tn: 3, fn: 2 });
		expect(confusionAt(scores, labels, 0.81)).toEqual({ tp: 1, fp: 0, tn: 4, fn: 3 });
	});

	it('rejects mismatched lengths, NaN scores and labels other than 0 / 1', () => {
		expect(() => confusionAt([0.1], [1, 0], 0.5)).toThrow(RangeError);
		expect(() => confusionAt([NaN], [1], 0.5)).toThrow('NaN');
		expect(() => confusionAt([0.1], [2], 0.5)).toThrow('expected 0 or 1');
	});
});

describe('binaryMetrics', () => {
	it('matches the hand computation at 0.5 (tp 4, fp 2, tn 2, fn 0)', () => {
		const m = binaryMetrics(scores, labels, 0.5);
		expect(m.threshold).toBe(0.5);
		expect(m.accuracy).toBe(6 / 8);
		expect(m.precision).toBe(4 / 6);
		expect(m.recall).toBe(1);
		expect(m.f1).toBeCloseTo(0.8, 12); // 2 * (2/3) * 1 / (2/3 + 1)
		expect(m.specificity).toBe(0.5);
		expect(m.far).toBe(0.5);
		expect(m.frr).toBe(0);
	});

	it('matches the hand computation at 0.8 (tp 2, fp 1, tn 3, fn 2)', () => {
		const m = binaryMetrics(scores, labels, 0.8);
		expect(m.accuracy).toBe(5 / 8);
		expect(m.precision).toBe(2 / 3);
		expect(m.recall).toBe(0.5);
		expect(m.f1).toBeCloseTo(4 / 7, 12);
		expect(m.far).toBe(0.25);
		expect(m.frr).toBe(0.5);
	});

	it('counts an empty denominator as 0, like zero_division=0', () => {
		const m = binaryMetrics(scores, labels, 2);
		expect(m.confusion).toEqual({ tp: 0, fp: 0, tn: 4, fn: 4 });
		expect(m.precision).toBe(0);
		expect(m.f1).toBe(0);
		expect(m.accuracy).toBe(0.5);
		expect(binaryMetrics([0.3, 0.4], [0, 0], 0.35).recall).toBe(0);
	});
});
