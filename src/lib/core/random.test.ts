import { describe, expect, it } from 'vitest';
import { createRng, gaussian, shuffleInPlace } from './random';

describe('createRng', () => {
	it('repeats the same sequence for the same seed and differs for another', () => {
		const a = createRng(42);
		const b = createRng(42);
		const c = createRng(43);
		const seqA = Array.from({ length: 50 }, () => a());
		expect(Array.from({ length: 50 }, () => b())).toEqual(seqA);
		expect(Array.from({ length: 50 }, () => c())).not.toEqual(seqA);
	});

	it('stays in [0, 1) and is roughly uniform', () => {
		const rng = createRng(7);
		const values = Array.from({ length: 20_000 }, () => rng());
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThan(1);
		const mean = values.reduce((s, v) => s + v, 0) / values.length;
		expect(mean).toBeCloseTo(0.5, 1);
		const deciles = new Array(10).fill(0);
		for (const v of values) deciles[Math.floor(v * 10)]++;
		for (const count of deciles) expect(count).toBeGreaterThan(1700);
	});
});

describe('shuffleInPlace', () => {
	it('returns a permutation of the same array, reproducibly', () => {
		const items = Array.from({ length: 100 }, (_, i) => i);
		const shuffled = shuffleInPlace(items.slice(), createRng(1));
		expect(shuffled).not.toEqual(items);
		expect(shuffled.slice().sort((a, b) => a - b)).toEqual(items);
		expect(shuffleInPlace(items.slice(), createRng(1))).toEqual(shuffled);
	});

	it('puts each item in each place about equally often', () => {
		const rng = createRng(3);
		const firstPlace = [0, 0, 0];
		for (let k = 0; k < 3000; k++) firstPlace[shuffleInPlace([0, 1, 2], rng)[0]]++;
		for (const count of firstPlace) expect(count).toBeGreaterThan(900);
	});
});

describe('gaussian', () => {
	it('has mean 0 and variance 1', () => {
		const rng = createRng(5);
		const values = Array.from({ length: 20_000 }, () => gaussian(rng));
		const mean = values.reduce((s, v) => s + v, 0) / values.length;
		const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
		expect(Math.abs(mean)).toBeLessThan(0.03);
		expect(variance).toBeGreaterThan(0.95);
		expect(variance).toBeLessThan(1.05);
	});
});
