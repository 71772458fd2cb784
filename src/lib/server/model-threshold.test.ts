import { describe, expect, it } from 'vitest';
import { checkThreshold, displayPath } from './model-store';

describe('model files the server refuses', () => {
	it('a threshold outside [0, 1] is MODEL_INVALID (it would accept everyone or no one)', () => {
		for (const value of [-5, 1.5, Number.NaN]) {
			expect(() => checkThreshold({ threshold: { value } }, 'models/model.json')).toThrow(
				expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringMatching(/outside \[0, 1\]/) })
			);
		}
		for (const value of [0, 0.5, 1])
			expect(checkThreshold({ threshold: { value } }, 'm').threshold.value).toBe(value);
	});

	it('answers name files relative to the working directory, never by a host path', () => {
		expect(displayPath(`${process.cwd()}/models/model.json`)).toBe('models/model.json');
		expect(displayPath('/srv/secret/place/model.json')).toBe('model.json');
	});
});
