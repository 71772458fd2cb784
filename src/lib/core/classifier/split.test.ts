import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './split';

const labels = (me: number, notMe: number) => [...new Array(me).fill(1), ...new Array(notMe).fill(0)];
const count = (indices: number[], y: number[], label: number) => indices.filter((i) => y[i] === label).length;

describe('stratifiedSplit', () => {
	it('holds out 20 % with the class ratio kept (30 / 70 -> 6 / 14 of 20)', () => {
		const y = labels(30, 70);
		const { train, test } = stratifiedSplit(y, 0.2, 42);
		expect(test).toHaveLength(20);
		expect(count(test, y, 1)).toBe(6);
		expect(count(test, y, 0)).toBe(14);
		expect(train).toHaveLength(80);
		expect([...train, ...test].sort((a, b) => a - b)).toEqual(y.map((_, i) => i));
	});

	it('takes ceil(f * n) and shares the remainder by largest fraction (13 / 24 -> 3 / 5 of 8)', () => {
		const y = labels(13, 24);
		const { test } = stratifiedSplit(y, 0.2, 42);
		// n = 37 -> ceil(7.4) = 8; exact shares 2.81 and 5.19 -> floors 2 + 5, the remainder to 'me'.
		expect(count(test, y, 1)).toBe(3);
		expect(count(test, y, 0)).toBe(5);
	});

	it('is not fooled by floating point: 0.55 * 100 = 55.00000000000001 gives 55 test samples', () => {
		expect(stratifiedSplit(labels(40, 60), 0.55, 1).test).toHaveLength(55);
	});

	it('is reproducible for a seed and changes with it', () => {
		const y = labels(40, 60);
		expect(stratifiedSplit(y, 0.2, 42)).toEqual(stratifiedSplit(y, 0.2, 42));
		expect(stratifiedSplit(y, 0.2, 43).test).not.toEqual(stratifiedSplit(y, 0.2, 42).test);
	});

	it('keeps both classes on both sides of a tiny set', () => {
		const y = labels(2, 9);
		const { train, test } = stratifiedSplit(y, 0.2, 1);
		expect(count(test, y, 1)).toBe(1);
		expect(count(train, y, 1)).toBe(1);
		expect(count(test, y, 0)).toBeGreaterThanOrEqual(1);
	});

	it('leaves a class with one sample in training and trains on everything with fraction 0', () => {
		const y = labels(1, 9);
		expect(count(stratifiedSplit(y, 0.3, 1).train, y, 1)).toBe(1);
		expect(stratifiedSplit(y, 0, 1)).toEqual({ train: y.map((_, i) => i), test: [] });
	});

	it('rejects a fraction outside [0, 1)', () => {
		expect(() => stratifiedSplit([0, 1], 1, 1)).toThrow(RangeError);
		expect(() => stratifiedSplit([0, 1], -0.1, 1)).toThrow(RangeError);
		expect(() => stratifiedSplit([0, 1], NaN, 1)).toThrow(RangeError);
	});
});
