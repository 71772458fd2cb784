import { describe, expect, it } from 'vitest';
import { createRng, gaussian } from '../random';
import { bestAccuracyThreshold, kFoldAccuracy, stratifiedFolds } from './kfold';

describe('bestAccuracyThreshold', () => {
	it('picks the most accurate cut (0.7: 7 of 8 right) and returns the middle of its gap', () => {
		// Positives 0.9, 0.8, 0.7, 0.3; negatives 0.6, 0.5, 0.4, 0.2.
		// Correct answers when accepting >= 0.9, 0.8, 0.7, 0.6, ...: 5, 6, 7, 6, 5, 4, 5, 4.
		const scores = [0.9, 0.8, 0.7, 0.3, 0.6, 0.5, 0.4, 0.2];
		const labels = [1, 1, 1, 1, 0, 0, 0, 0];
		expect(bestAccuracyThreshold(scores, labels)).toBeCloseTo(0.65, 12);
	});

	it('accepts nobody when that is the most accurate', () => {
		expect(bestAccuracyThreshold([0.9, 0.1, 0.2], [0, 0, 0])).toBeGreaterThan(0.9);
	});
});

describe('stratifiedFolds', () => {
	it('deals each class evenly over the folds, reproducibly', () => {
		const labels = Array.from({ length: 53 }, (_, i) => (i < 23 ? 1 : 0));
		const folds = stratifiedFolds(labels, 5, 42);
		for (const label of [0, 1]) {
			const sizes = [0, 1, 2, 3, 4].map((f) => labels.filter((l, i) => l === label && folds[i] === f).length);
			expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
		}
		expect(stratifiedFolds(labels, 5, 42)).toEqual(folds);
		expect(stratifiedFolds(labels, 5, 7)).not.toEqual(folds);
	});
});

describe('kFoldAccuracy', () => {
	const rng = createRng(21);
	const labels = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 1 : 0));
	const scores = labels.map((l) => gaussian(rng) + 1.5 * l);

	it('agrees with a brute-force evaluation over the same folds', () => {
		const result = kFoldAccuracy(scores, labels, 10, 42);
		const folds = stratifiedFolds(labels, 10, 42);
		const expected = Array.from({ length: 10 }, (_, f) => {
			const fit = scores.map((s, i) => ({ s, l: labels[i] })).filter((_, i) => folds[i] !== f);
			// Try the middle of every gap between distinct scores (and the lowest score) as the cut.
			const distinct = [...new Set(fit.map((p) => p.s))].sort((a, b) => b - a);
			let best = { cut: Infinity, correct: fit.filter((p) => p.l === 0).length };
			distinct.forEach((s, k) => {
				const cut = k < distinct.length - 1 ? (s + distinct[k + 1]) / 2 : s;
				const correct = fit.filter((p) => (p.s >= cut ? 1 : 0) === p.l).length;
				if (correct > best.correct) best = { cut, correct };
			});
			const held = scores.map((s, i) => ({ s, l: labels[i] })).filter((_, i) => folds[i] === f);
			return held.filter((p) => (p.s >= best.cut ? 1 : 0) === p.l).length / held.length;
		});
		expect(result.perFold).toEqual(expected);
		const mean = expected.reduce((a, b) => a + b, 0) / 10;
		expect(result.mean).toBeCloseTo(mean, 12);
		expect(result.std).toBeCloseTo(Math.sqrt(expected.reduce((a, b) => a + (b - mean) ** 2, 0) / 10), 12);
	});

	it('is about Phi(0.75) = 0.77 for unit Gaussians 1.5 apart, and 1 with std 0 when separable', () => {
		expect(kFoldAccuracy(scores, labels, 10).mean).toBeGreaterThan(0.7);
		expect(kFoldAccuracy(scores, labels, 10).mean).toBeLessThan(0.84);
		const separable = kFoldAccuracy(
			labels.map((l, i) => l + i / 1000),
			labels,
			10
		);
		expect(separable).toEqual({ mean: 1, std: 0, perFold: new Array(10).fill(1) });
	});

	it('rejects a bad fold count', () => {
		expect(() => kFoldAccuracy([0.1, 0.2], [0, 1], 1)).toThrow(RangeError);
		expect(() => kFoldAccuracy([0.1, 0.2], [0, 1], 3)).toThrow(RangeError);
	});
});
