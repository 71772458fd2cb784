import { describe, expect, it } from 'vitest';
import { assertShowable, validateName } from './registry';

describe('names a person sees', () => {
	it('keeps names in any script, emoji sequences and joiners; drops plain direction marks', () => {
		for (const name of ['ليلى مراد', 'דוד בן-גוריון', 'देवनागरी नाम', 'Zoë 👩‍👩‍👧', 'می‌خواهم', '李小龍'])
			expect(validateName(name)).toBe(name);
		expect(validateName('\u200fשרה\u200e  Cohen\u061c')).toBe('שרה Cohen');
		expect(validateName('Ada\n\tKing')).toBe('Ada King');
	});

	it('refuses control characters, lone surrogates and direction overrides or isolates', () => {
		for (const name of [
			'z\u0000tail',
			'bell\u0007',
			'del\u007f',
			'c1\u0085x',
			'admin\u202egnp.exe',
			'a\u2066b',
			'x\ud800y'
		])
			expect(() => validateName(name), JSON.stringify(name)).toThrow(/control or text-direction/);
		expect(() => assertShowable('x@y\u200f.z', 'correo')).toThrow(/correo/);
	});
});
