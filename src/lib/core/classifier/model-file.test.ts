import { describe, expect, it } from 'vitest';
import { CoreError, type ErrorCode } from '../errors';
import {
	MODEL_FORMAT,
	parseModelFile,
	serializeModelFile,
	type ExpectedEmbedder,
	type LogisticModelFile,
	type ModelFile,
	type TemplateModelFile
} from './model-file';

function sampleModel(): LogisticModelFile {
	return {
		format: MODEL_FORMAT,
		format_version: 2,
		model_version: 'me-verifier-test',
		mode: 'logistic',
		embedder: { id: 'faceapi-128', version: '1.7.15', size: 3 },
		scaler: { mean: [0.1, -0.2, 0.3], scale: [1.5, 0.5, 2] },
		weights: [0.25, -1.125, 3e-7],
		bias: -0.5,
		threshold: { value: 0.62, method: 'target_far', target_far: 0.01 },
		metrics: { roc_auc: 0.99, accuracy: 0.95, confusion: { tp: 9, fp: 1, tn: 9, fn: 1 } },
		training: {
			samples: { me: 20, not_me: 30 },
			seed: 42,
			epochs: 200,
			learning_rate: 0.4,
			l2: 0.025,
			backend: 'wasm',
			split: { test_fraction: 0.2, train: 40, validation: 10 }
		},
		created_at: '2026-01-02T03:04:05.000Z'
	};
}

const expected = { embedder: 'faceapi-128', embedderVersion: '1.7.15' };

/** Runs parseModelFile on a modified sample and returns the CoreError it throws. */
function rejection(
	mutate: (json: Record<string, unknown>) => void,
	exp: ExpectedEmbedder = expected
): CoreError {
	const json = JSON.parse(serializeModelFile(sampleModel()));
	mutate(json);
	try {
		parseModelFile(json, exp);
	} catch (error) {
		expect(error).toBeInstanceOf(CoreError);
		return error as CoreError;
	}
	throw new Error('parseModelFile accepted an invalid file');
}

const expectError = (error: CoreError, code: ErrorCode, message: RegExp) => {
	expect(error.code).toBe(code);
	expect(error.message).toMatch(message);
};

describe('model file', () => {
	it('round-trips through JSON text unchanged', () => {
		const text = serializeModelFile(sampleModel());
		expect(parseModelFile(text, expected)).toEqual(sampleModel());
		expect(parseModelFile(JSON.parse(text))).toEqual(sampleModel());
	});

	it('writes the same bytes for the same model, whatever the key order it was built with', () => {
		const m = sampleModel();
		const shuffled = { ...m, metrics: { confusion: m.metrics.confusion, accuracy: 0.95, roc_auc: 0.99 } };
		const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as unknown as ModelFile;
		expect(serializeModelFile(reordered)).toBe(serializeModelFile(m));
		const text = serializeModelFile(m);
		expect(Object.keys(JSON.parse(text))[0]).toBe('format');
		expect(text).toContain('"weights": [0.25, -1.125, 3e-7]');
	});

	it('rejects another format or format version as incompatible', () => {
		expectError(
			rejection((j) => (j.format = 'other/thing')),
			'MODEL_INCOMPATIBLE',
			/format is "other\/thing"/
		);
		expectError(
			rejection((j) => (j.format_version = 3)),
			'MODEL_INCOMPATIBLE',
			/format version 3 is not supported/
		);
		expectError(
			rejection((j) => delete j.format),
			'MODEL_INVALID',
			/no "format" field/
		);
	});

	it('rejects a model made for another embedder, naming both', () => {
		const other = { embedder: 'human-faceres', embedderVersion: '3.3.6' };
		expectError(
			rejection(() => undefined, other),
			'MODEL_INCOMPATIBLE',
			/trained with embedder faceapi-128 v1\.7\.15 .*this engine uses human-faceres v3\.3\.6/
		);
		const newer = { ...expected, embedderVersion: '1.8.0' };
		expectError(
			rejection(() => undefined, newer),
			'MODEL_INCOMPATIBLE',
			/v1\.7\.15/
		);
		expectError(
			rejection(() => undefined, { ...expected, size: 1024 }),
			'MODEL_INCOMPATIBLE',
			/1024-D/
		);
	});

	it('rejects non-finite numbers with the field named', () => {
		expectError(
			rejection((j) => ((j.weights as unknown[])[1] = null)),
			'MODEL_INVALID',
			/weights\[1\]/
		);
		expectError(
			rejection((j) => (j.bias = 'x')),
			'MODEL_INVALID',
			/bias must be a finite number/
		);
		const nan = { ...sampleModel(), bias: NaN };
		expect(() => parseModelFile(nan)).toThrow(/bias must be a finite number, got NaN/);
		const infinite = { ...sampleModel(), scaler: { mean: [0, Infinity, 0], scale: [1, 1, 1] } };
		expect(() => parseModelFile(infinite)).toThrow(/scaler\.mean\[1\]/);
	});

	it('rejects arrays whose length differs from the embedder size', () => {
		expectError(
			rejection((j) => (j.weights = [1, 2])),
			'MODEL_INVALID',
			/weights has 2 values, expected 3/
		);
		expectError(
			rejection((j) => ((j.scaler as LogisticModelFile['scaler']).mean = [1])),
			'MODEL_INVALID',
			/scaler\.mean/
		);
		expectError(
			rejection((j) => ((j.scaler as LogisticModelFile['scaler']).scale = [1, 0, 1])),
			'MODEL_INVALID',
			/scaler\.scale\[1\] must be > 0/
		);
		expectError(
			rejection((j) => ((j.embedder as ModelFile['embedder']).size = 2.5)),
			'MODEL_INVALID',
			/integer/
		);
	});

	it('rejects a bad threshold, training record, date or structure', () => {
		const threshold = (t: unknown) => rejection((j) => (j.threshold = t));
		expectError(
			threshold({ value: 0.5, method: 'magic' }),
			'MODEL_INVALID',
			/threshold\.method must be one of/
		);
		expectError(threshold({ value: 0.5, method: 'target_far' }), 'MODEL_INVALID', /threshold\.target_far/);
		expectError(threshold({ method: 'best_f1' }), 'MODEL_INVALID', /threshold\.value/);
		expectError(
			rejection((j) => delete j.training),
			'MODEL_INVALID',
			/training\.samples\.me/
		);
		expectError(
			rejection((j) => (j.metrics = [])),
			'MODEL_INVALID',
			/metrics must be an object/
		);
		expectError(
			rejection((j) => (j.created_at = 'yesterday')),
			'MODEL_INVALID',
			/created_at must be an ISO date/
		);
		expectError(
			rejection((j) => (j.model_version = '')),
			'MODEL_INVALID',
			/model_version/
		);
		expect(() => parseModelFile('{"format":')).toThrow(/not valid JSON/);
		expect(() => parseModelFile([1, 2])).toThrow(/not a JSON object/);
	});

	it('returns a copy that does not share arrays with the input', () => {
		const input = sampleModel();
		const parsed = parseModelFile(input);
		input.weights[0] = 99;
		(input.metrics.confusion as { tp: number }).tp = 0;
		expect(parsed.mode === 'logistic' && parsed.weights[0]).toBe(0.25);
		expect((parsed.metrics.confusion as { tp: number }).tp).toBe(9);
	});

	it('reads a version 1 file (before modes existed) as a logistic model', () => {
		const { mode: _mode, ...v1 } = { ...sampleModel(), format_version: 1 };
		const parsed = parseModelFile(v1);
		expect(parsed.mode).toBe('logistic');
		expect(parsed.format_version).toBe(2);
	});

	it('round-trips a template model and refuses a template that is not unit length', () => {
		const template: TemplateModelFile = {
			...sampleModel(),
			mode: 'template',
			template: [0.6, 0, 0.8],
			threshold: { value: 0.9, method: 'target_far', target_far: 1e-3, far_estimate: 1e-3 }
		};
		const { scaler: _s, weights: _w, bias: _b, ...clean } = template as unknown as LogisticModelFile;
		const parsed = parseModelFile(serializeModelFile(clean as unknown as ModelFile));
		expect(parsed).toMatchObject({ mode: 'template', template: [0.6, 0, 0.8] });
		expect(parsed.threshold.far_estimate).toBe(1e-3);
		expectError(
			rejection((j) => {
				j.mode = 'template';
				j.template = [1, 1, 1];
			}),
			'MODEL_INVALID',
			/template must have unit length/
		);
	});

	it('refuses thresholds outside [0, 1] (a score can never reach them, or every face passes)', () => {
		expectError(
			rejection((j) => (j.threshold = { value: -5, method: 'manual' })),
			'MODEL_INVALID',
			/threshold\.value must be >= 0/
		);
		expectError(
			rejection((j) => (j.threshold = { value: 1.5, method: 'manual' })),
			'MODEL_INVALID',
			/threshold\.value must be <= 1/
		);
	});
});
