import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors';
import { createRng } from '../random';
import { averagePrecision, prCurve, rocAuc, rocCurve } from './curves';

const scores = [0.9, 0.8, 0.8, 0.6, 0.5, 0.5, 0.3, 0.1];
const labels = [1, 1, 0, 1, 0, 1, 0, 0];

/** Mann-Whitney U / (P * N), ties counted 1/2: the definition AUC must agree with. */
function mannWhitney(s: number[], y: number[]): number {
	let wins = 0;
	let pairs = 0;
	s.forEach((a, i) =>
		s.forEach((b, j) => {
			if (y[i] !== 1 || y[j] !== 0) return;
			pairs++;
			wins += a > b ? 1 : a === b ? 0.5 : 0;
		})
	);
	return wins / pairs;
}

describe('rocCurve', () => {
	it('has one point per distinct score, from (0, 0) to (1, 1)', () => {
		expect(rocCurve(scores, labels)).toEqual([
			{ threshold: Infinity, fpr: 0, tpr: 0 },
			{ threshold: 0.9, fpr: 0, tpr: 0.25 },
			{ threshold: 0.8, fpr: 0.25, tpr: 0.5 }, // the tie moves both rates at once
			{ threshold: 0.6, fpr: 0.25, tpr: 0.75 },
			{ threshold: 0.5, fpr: 0.5, tpr: 1 },
			{ threshold: 0.3, fpr: 0.75, tpr: 1 },
			{ threshold: 0.1, fpr: 1, tpr: 1 }
		]);
	});

	it('refuses a single class with NOT_ENOUGH_DATA', () => {
		expect(() => rocCurve([0.1, 0.2], [1, 1])).toThrow(CoreError);
		expect(() => rocAuc([0.1, 0.2], [0, 0])).toThrow(/positive and one negative/);
	});
});

describe('rocAuc', () => {
	it('is 13 / 16 on the tied example (counted pair by pair by hand)', () => {
		// 0.9 beats all 4 negatives; 0.8 beats 3 and ties 1 (3.5); 0.6 beats 3; 0.5 beats 2 and ties 1 (2.5).
		expect(rocAuc(scores, labels)).toBeCloseTo(13 / 16, 12);
	});

	it('is 1, 0 and 0.5 for perfect, reversed and constant scores', () => {
		expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
		expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
		expect(rocAuc([0.5, 0.5, 0.5], [1, 0, 0])).toBe(0.5);
	});

	it('equals the Mann-Whitney statistic on random scores with many ties', () => {
		const rng = createRng(11);
		for (let trial = 0; trial < 20; trial++) {
			const y = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 1 : 0));
			const s = y.map((label) => Math.round((rng() + 0.3 * label) * 10) / 10);
			expect(rocAuc(s, y)).toBeCloseTo(mannWhitney(s, y), 12);
		}
	});
});

describe('prCurve and averagePrecision', () => {
	it('lists precision and recall per distinct score after the (recall 0, precision 1) start', () => {
		const pr = prCurve(scores, labels);
		expect(pr.map((p) => p.threshold)).toEqual([Infinity, 0.9, 0.8, 0.6, 0.5, 0.3, 0.1]);
		expect(pr.map((p) => p.recall)).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1]);
		expect(pr.map((p) => p.precision)).toEqual([1, 1, 2 / 3, 3 / 4, 4 / 6, 4 / 7, 4 / 8]);
	});

	it('computes AP = sum (R_n - R_n-1) P_n = (1 + 2/3 + 3/4 + 2/3) / 4 = 37 / 48 by hand', () => {
		expect(averagePrecision(scores, labels)).toBeCloseTo(37 / 48, 12);
	});

	it('is 1 for a perfect ranking, also without negatives, and needs a positive', () => {
		expect(averagePrecision([0.9, 0.7, 0.2], [1, 1, 0])).toBe(1);
		expect(averagePrecision([0.4, 0.3], [1, 1])).toBe(1);
		expect(() => averagePrecision([0.4, 0.3], [0, 0])).toThrow(CoreError);
	});

	it('equals the positive share when every score is tied', () => {
		expect(averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0])).toBe(0.25);
	});
});
