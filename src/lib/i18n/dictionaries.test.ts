import { describe, expect, it } from 'vitest';
import { en } from './en';
import { es } from './es';

/** The type makes a missing Spanish key an error; this checks what types cannot: the placeholders match. */
describe('the dictionaries', () => {
	const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

	it('have the same keys in both languages', () => {
		expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
	});

	it('fill the same placeholders in both languages', () => {
		const differ = Object.entries(en).filter(
			([key, text]) => placeholders(text).join() !== placeholders(es[key as keyof typeof es]).join()
		);
		expect(differ.map(([key]) => key)).toEqual([]);
	});
});
