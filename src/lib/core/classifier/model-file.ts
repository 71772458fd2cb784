import { CoreError } from '../errors';
import type { ThresholdMethod } from '../metrics/threshold';
import { FieldReader, isRecord } from './model-reader';
import type { Scaler } from './standardizer';

export const MODEL_FORMAT = 'me-verifier/classifier';
/** Version 2 added `mode` (template or logistic); version 1 files are read as logistic models. */
export const MODEL_FORMAT_VERSION = 2;
const READABLE_FORMAT_VERSIONS = [1, 2];
export const MODEL_MODES = ['template', 'logistic'] as const;
export type ModelMode = (typeof MODEL_MODES)[number];
const THRESHOLD_METHODS: readonly ThresholdMethod[] = ['best_f1', 'youden', 'target_far', 'manual'];

/**
 * The one classifier file: the same JSON bytes are used by the CLI, the server and the browser.
 * Two modes: `template` (trained from "me" photos alone: the mean embedding, scored by cosine, with a
 * threshold from the calibrated impostor distribution) and `logistic` (the seed's classifier, when
 * "not me" photos are given; scored as a probability).
 */
export type ModelFile = TemplateModelFile | LogisticModelFile;

export interface TemplateModelFile extends ModelFileBase {
	mode: 'template';
	/** Unit-length mean of the enrolment embeddings; the score is its cosine with a new face's. */
	template: number[];
}

export interface LogisticModelFile extends ModelFileBase {
	mode: 'logistic';
	scaler: Scaler;
	weights: number[];
	bias: number;
}

interface ModelFileBase {
	format: typeof MODEL_FORMAT;
	format_version: typeof MODEL_FORMAT_VERSION;
	model_version: string;
	/** The embedder whose vectors the model was trained on; vectors from another one are meaningless to it. */
	embedder: { id: string; version: string; size: number };
	/**
	 * `far_estimate`: the false-accept rate this threshold is expected to give, from the embedder's
	 * calibration (template mode) or the validation "not me" photos (logistic mode).
	 */
	threshold: { value: number; method: ThresholdMethod; target_far?: number; far_estimate?: number };
	/** Validation metrics at training time. */
	metrics: Record<string, unknown>;
	training: {
		samples: { me: number; not_me: number };
		seed: number;
		epochs: number;
		learning_rate: number;
		l2: number;
		backend: string;
		split: { test_fraction: number; train: number; validation: number };
	};
	created_at: string;
}

export interface ExpectedEmbedder {
	embedder: string;
	embedderVersion: string;
	/** Also checked when given. */
	size?: number;
}

/**
 * Validates an untrusted model file (parsed JSON, or the JSON text itself) and returns a clean copy.
 * A file for another format, format version or embedder throws MODEL_INCOMPATIBLE; anything malformed
 * throws MODEL_INVALID naming the field.
 */
export function parseModelFile(json: unknown, expected?: ExpectedEmbedder): ModelFile {
	if (typeof json === 'string') json = parseJson(json);
	if (!isRecord(json)) throw new CoreError('MODEL_INVALID', 'invalid model file: not a JSON object');
	const r = new FieldReader(json);
	checkFormat(json);
	const embedder = {
		id: r.string('embedder.id'),
		version: r.string('embedder.version'),
		size: r.number('embedder.size', { min: 1, integer: true })
	};
	if (expected) checkEmbedder(embedder, expected);
	const size = embedder.size;
	const method = r.oneOf('threshold.method', THRESHOLD_METHODS);
	const mode: ModelMode = json.format_version === 1 ? 'logistic' : r.oneOf('mode', MODEL_MODES);
	// Logistic scores are probabilities and template scores cosines: a threshold outside [0, 1] is a broken file.
	const threshold: ModelFile['threshold'] = {
		value: r.number('threshold.value', { min: 0, max: 1 }),
		method
	};
	if (r.raw('threshold.target_far') !== undefined || method === 'target_far') {
		threshold.target_far = r.number('threshold.target_far', { min: 0, max: 1 });
	}
	if (r.raw('threshold.far_estimate') !== undefined) {
		threshold.far_estimate = r.number('threshold.far_estimate', { min: 0, max: 1 });
	}
	const count = (path: string) => r.number(path, { min: 0, integer: true });
	const createdAt = r.string('created_at');
	if (Number.isNaN(Date.parse(createdAt)))
		r.fail('created_at', `must be an ISO date, got ${JSON.stringify(createdAt)}`);
	const base = {
		format: MODEL_FORMAT,
		format_version: MODEL_FORMAT_VERSION,
		model_version: r.string('model_version'),
		embedder,
		threshold,
		metrics: structuredClone(r.object('metrics')),
		training: {
			samples: { me: count('training.samples.me'), not_me: count('training.samples.not_me') },
			seed: r.number('training.seed', { integer: true }),
			epochs: count('training.epochs'),
			learning_rate: r.number('training.learning_rate', { min: 0 }),
			l2: r.number('training.l2', { min: 0 }),
			backend: r.string('training.backend'),
			split: {
				test_fraction: r.number('training.split.test_fraction', { min: 0, max: 1 }),
				train: count('training.split.train'),
				validation: count('training.split.validation')
			}
		},
		created_at: createdAt
	} satisfies ModelFileBase;
	if (mode === 'template') return { ...base, mode, template: unitVector(r, 'template', size) };
	return {
		...base,
		mode,
		scaler: {
			mean: r.numbers('scaler.mean', size),
			scale: r.numbers('scaler.scale', size, { positive: true })
		},
		weights: r.numbers('weights', size),
		bias: r.number('bias')
	};
}

function unitVector(r: FieldReader, path: string, size: number): number[] {
	const values = r.numbers(path, size);
	const norm = Math.hypot(...values);
	if (Math.abs(norm - 1) > 1e-3) r.fail(path, `must have unit length, has ${norm.toFixed(4)}`);
	return values;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new CoreError('MODEL_INVALID', `invalid model file: not valid JSON (${(error as Error).message})`);
	}
}

function checkFormat(json: Record<string, unknown>): void {
	if (json.format === undefined) {
		throw new CoreError(
			'MODEL_INVALID',
			`invalid model file: no "format" field (expected "${MODEL_FORMAT}")`
		);
	}
	if (json.format !== MODEL_FORMAT) {
		throw new CoreError(
			'MODEL_INCOMPATIBLE',
			`model file format is ${JSON.stringify(json.format)}, expected "${MODEL_FORMAT}"`
		);
	}
	if (!READABLE_FORMAT_VERSIONS.includes(json.format_version as number)) {
		throw new CoreError(
			'MODEL_INCOMPATIBLE',
			`model file format version ${JSON.stringify(json.format_version)} is not supported (this engine reads versions ${READABLE_FORMAT_VERSIONS.join(' and ')})`
		);
	}
}

function checkEmbedder(found: ModelFile['embedder'], expected: ExpectedEmbedder): void {
	const sameEmbedder = found.id === expected.embedder && found.version === expected.embedderVersion;
	if (!sameEmbedder || (expected.size !== undefined && expected.size !== found.size)) {
		throw new CoreError(
			'MODEL_INCOMPATIBLE',
			`model was trained with embedder ${found.id} v${found.version} (${found.size}-D), ` +
				`this engine uses ${expected.embedder} v${expected.embedderVersion}` +
				(expected.size !== undefined ? ` (${expected.size}-D)` : '') +
				': retrain the model',
			{ model: found, engine: expected }
		);
	}
}

/** Pretty JSON with a fixed key order (metrics keys sorted), so equal models give equal bytes. */
export function serializeModelFile(m: ModelFile): string {
	const ordered = {
		format: m.format,
		format_version: MODEL_FORMAT_VERSION,
		model_version: m.model_version,
		mode: m.mode,
		embedder: { id: m.embedder.id, version: m.embedder.version, size: m.embedder.size },
		...(m.mode === 'template'
			? { template: m.template }
			: { scaler: { mean: m.scaler.mean, scale: m.scaler.scale }, weights: m.weights, bias: m.bias }),
		threshold: {
			value: m.threshold.value,
			method: m.threshold.method,
			...(m.threshold.target_far !== undefined && { target_far: m.threshold.target_far }),
			...(m.threshold.far_estimate !== undefined && { far_estimate: m.threshold.far_estimate })
		},
		metrics: sortKeys(m.metrics) as Record<string, unknown>,
		training: {
			samples: { me: m.training.samples.me, not_me: m.training.samples.not_me },
			seed: m.training.seed,
			epochs: m.training.epochs,
			learning_rate: m.training.learning_rate,
			l2: m.training.l2,
			backend: m.training.backend,
			split: {
				test_fraction: m.training.split.test_fraction,
				train: m.training.split.train,
				validation: m.training.split.validation
			}
		},
		created_at: m.created_at
	};
	// Number arrays on one line each: a 1024-D model stays a few screens long instead of 3,000 lines.
	const pretty = JSON.stringify(ordered, null, '\t');
	return (
		pretty.replace(
			/\[\s+([-+.\deE,\s]+?)\s+\]/g,
			(_, items: string) => `[${items.split(/,\s*/).join(', ')}]`
		) + '\n'
	);
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (!isRecord(value)) return value;
	return Object.fromEntries(
		Object.keys(value)
			.sort()
			.map((key) => [key, sortKeys(value[key])])
	);
}
