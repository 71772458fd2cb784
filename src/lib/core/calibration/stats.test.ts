import { describe, expect, it } from 'vitest';
import {
	calibrationFor,
	farAtThreshold,
	thresholdForFar,
	type EmbedderCalibration
} from './operating-points';
import { countAtOrAbove, operatingPoint, sortedScores, thresholdAtFar, upperBound, wilson } from './stats';

describe('calibration statistics', () => {
	it('counts scores at or above a threshold', () => {
		const s = sortedScores([0.5, 0.1, 0.9, 0.5, 0.7]);
		expect(countAtOrAbove(s, 0.5)).toBe(4);
		expect(countAtOrAbove(s, 0.51)).toBe(2);
		expect(countAtOrAbove(s, 2)).toBe(0);
		expect(countAtOrAbove(s, -1)).toBe(5);
	});

	it('puts the threshold just above the impostors it must refuse', () => {
		const impostors = sortedScores(Array.from({ length: 1000 }, (_, i) => i / 1000));
		const t = thresholdAtFar(impostors, 0.01);
		// 10 of 1000 may pass: 0.990 .. 0.999; 0.989 must not.
		expect(countAtOrAbove(impostors, t)).toBe(10);
		expect(t).toBeGreaterThan(0.989);
		expect(countAtOrAbove(impostors, thresholdAtFar(impostors, 0))).toBe(0);
		// Ties at the cut are refused together rather than half accepted.
		const tied = sortedScores([0.2, 0.5, 0.5, 0.5, 0.9]);
		expect(countAtOrAbove(tied, thresholdAtFar(tied, 0.4))).toBe(1);
	});

	it('gives Wilson intervals and a rule-of-three bound when nothing was seen', () => {
		const [lo, hi] = wilson(50, 100);
		expect(lo).toBeCloseTo(0.4038, 3);
		expect(hi).toBeCloseTo(0.5962, 3);
		expect(upperBound(0, 30_000)).toBeCloseTo(1e-4, 8);
		expect(upperBound(5, 100)).toBeGreaterThan(0.05);
	});

	it('reports TAR and FAR of one threshold', () => {
		const p = operatingPoint(sortedScores([0.8, 0.9, 0.95, 0.4]), sortedScores([0.1, 0.2, 0.85]), 0.85);
		expect(p).toMatchObject({ tar: 0.5, far: 1 / 3, falseAccepts: 1, genuine: 4, impostors: 3 });
	});
});

describe('shipped operating points', () => {
	const curve: EmbedderCalibration = {
		embedder: 'x',
		embedderVersion: 'v',
		verification: [
			{ far: 1e-2, threshold: 0.9 },
			{ far: 1e-3, threshold: 0.92 },
			{ far: 1e-4, threshold: 0.94 }
		],
		identification: { gallery: 100, targetFpir: 1e-3, threshold: 0.95, margin: 0.03 },
		login: { users: 20, targetFar: 1e-4, threshold: 0.96, margin: 0.03 }
	};

	it('interpolates FAR on a log scale and inverts it', () => {
		expect(farAtThreshold(curve, 0.92)).toBeCloseTo(1e-3, 12);
		expect(farAtThreshold(curve, 0.93)).toBeCloseTo(10 ** -3.5, 10);
		expect(thresholdForFar(curve, 10 ** -3.5)).toBeCloseTo(0.93, 10);
		expect(farAtThreshold(curve, 0.5)).toBe(1e-2);
		expect(farAtThreshold(curve, 0.99)).toBe(1e-4);
		for (const far of [3e-3, 1e-3, 2e-4])
			expect(farAtThreshold(curve, thresholdForFar(curve, far))).toBeCloseTo(far, 10);
	});

	it('the default embedder has a monotone curve with the three presets', () => {
		const c = calibrationFor('dlib-resnet128', 'faceapi-1.7.15+align-v1+flip-v1');
		expect(c).not.toBeNull();
		const pts = c!.verification;
		for (let i = 1; i < pts.length; i++) {
			expect(pts[i].threshold).toBeGreaterThan(pts[i - 1].threshold);
			expect(pts[i].far).toBeLessThan(pts[i - 1].far);
		}
		for (const far of [1e-2, 1e-3, 1e-4]) expect(pts.some((p) => p.far === far)).toBe(true);
		expect(c!.login.threshold).toBeGreaterThan(c!.identification.threshold);
	});
});
