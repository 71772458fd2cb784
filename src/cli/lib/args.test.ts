import { describe, expect, it } from 'vitest';
import { parseChoice, parseCommand, parseNumberOption, usage, UsageError, type OptionSpecs } from './args';

const SPECS = {
	input: { type: 'string', short: 'i', description: 'in' },
	'data-dir': { type: 'string', env: 'DATA_DIR', default: 'data', description: 'root' },
	clean: { type: 'boolean', env: 'CLEAN', description: 'wipe' }
} satisfies OptionSpecs;

describe('parseCommand', () => {
	it('takes flags over environment over defaults', () => {
		expect(parseCommand([], SPECS, {}).options).toEqual({
			input: undefined,
			'data-dir': 'data',
			clean: false
		});
		expect(parseCommand([], SPECS, { DATA_DIR: '/d', CLEAN: 'true' }).options).toMatchObject({
			'data-dir': '/d',
			clean: true
		});
		const parsed = parseCommand(['-i', 'x', '--data-dir', '/f'], SPECS, { DATA_DIR: '/d' });
		expect(parsed.options).toMatchObject({ input: 'x', 'data-dir': '/f' });
		expect(parsed.help).toBe(false);
	});

	it('rejects unknown flags as a usage error and recognises --help', () => {
		expect(() => parseCommand(['--nope'], SPECS, {})).toThrow(UsageError);
		expect(parseCommand(['-h'], SPECS, {}).help).toBe(true);
	});

	it('checks numbers and choices', () => {
		expect(parseNumberOption('0.2', 'f', { min: 0, max: 1 })).toBe(0.2);
		expect(() => parseNumberOption('1.5', 'f', { max: 1 })).toThrow('--f must be a number <= 1, got "1.5"');
		expect(() => parseNumberOption('2.5', 'n', { integer: true })).toThrow(UsageError);
		expect(() => parseNumberOption('', 'n')).toThrow(UsageError);
		expect(parseChoice('youden', 'm', ['best_f1', 'youden'] as const)).toBe('youden');
		expect(() => parseChoice('x', 'm', ['best_f1'] as const)).toThrow('one of best_f1');
	});

	it('lists every option with its default and variable in the usage', () => {
		const text = usage('crop', 'Crops.', SPECS);
		expect(text).toContain('--data-dir <value>');
		expect(text).toContain('default data, env DATA_DIR');
	});
});
