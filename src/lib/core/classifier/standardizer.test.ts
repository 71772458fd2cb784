import { describe, expect, it } from 'vitest';
import { applyScaler, fitScaler } from './standardizer';

describe('fitScaler / applyScaler', () => {
	it('uses the mean and the population standard deviation', () => {
		const scaler = fitScaler([
			[1, 10, -2],
			[3, 10, 0],
			[5, 10, 8]
		]);
		expect(scaler.mean).toEqual([3, 10, 2]);
		// std of (1, 3, 5) = sqrt(8 / 3); of (-2, 0, 8) = sqrt((16 + 4 + 36) / 3).
		expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
		expect(scaler.scale[2]).toBeCloseTo(Math.sqrt(56 / 3), 12);
		expect(scaler.scale[1]).toBe(1); // a constant feature keeps scale 1, not 0
		const z = applyScaler(scaler, [5, 10, 2]);
		expect(z).toBeInstanceOf(Float32Array);
		expect(z[0]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
		expect(z[1]).toBe(0);
		expect(z[2]).toBe(0);
	});

	it('maps the fitted rows to mean 0 and variance 1', () => {
		const rows = [0.5, 1.5, 2.25, 9, -3].map((v, i) => Float32Array.of(v, v * v + i));
		const scaler = fitScaler(rows);
		const z = rows.map((r) => applyScaler(scaler, r));
		for (const j of [0, 1]) {
			const column = z.map((r) => r[j]);
			const mean = column.reduce((a, b) => a + b, 0) / column.length;
			expect(mean).toBeCloseTo(0, 6);
			expect(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length).toBeCloseTo(1, 5);
		}
	});

	it('treats a spread lost in rounding as constant', () => {
		const scaler = fitScaler([[0.1 + 0.2], [0.3]]);
		expect(scaler.scale).toEqual([1]);
	});

	it('rejects empty input and mismatched lengths', () => {
		expect(() => fitScaler([])).toThrow(RangeError);
		expect(() => fitScaler([[1, 2], [3]])).toThrow(RangeError);
		expect(() => applyScaler({ mean: [0, 0], scale: [1, 1] }, [1])).toThrow(RangeError);
	});
});
