import * as tf from '@tensorflow/tfjs-core';
import { CoreError } from '../errors';
import { binaryMetrics, type BinaryMetrics } from '../metrics/confusion';
import { averagePrecision, rocAuc } from '../metrics/curves';
import {
	chooseThreshold,
	equalErrorRate,
	type ThresholdChoice,
	type ThresholdMethod
} from '../metrics/threshold';
import { DEFAULT_EPOCHS, trainLogistic, type LogisticOptions } from './logistic';
import { predictProba } from './predict';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type LogisticModelFile } from './model-file';
import { stratifiedSplit } from './split';
import { applyScaler, fitScaler } from './standardizer';

export interface TrainOptions {
	/** Split seed (default 42, like the seed project's random_state). */
	seed?: number;
	/** Share held out for validation (default 0.2); 0 trains on everything and evaluates on training data. */
	testFraction?: number;
	epochs?: number;
	learningRate?: number;
	l2?: number;
	thresholdMethod?: ThresholdMethod;
	targetFar?: number;
	/** The threshold for method 'manual'. */
	thresholdValue?: number;
	modelVersion?: string;
	/** Recorded in the file; default: the active tfjs backend. */
	backend?: string;
	/** Default: now. */
	createdAt?: Date;
	onProgress?: LogisticOptions['onProgress'];
}

export type TrainingMetrics = BinaryMetrics & {
	evaluated_on: 'validation' | 'training';
	samples: { me: number; not_me: number };
	threshold_method: ThresholdMethod;
	roc_auc: number;
	average_precision: number;
	eer: number;
	eer_threshold: number;
	train_loss: number;
	/** Anything the user should know about how these numbers were obtained (fallbacks). */
	notes: string[];
};

export interface TrainResult {
	model: LogisticModelFile;
	validation: { indices: number[]; scores: number[]; labels: number[] };
	metrics: TrainingMetrics;
}

/** Threshold used when the validation set is too small to choose one: the balanced model's own boundary. */
export const FALLBACK_THRESHOLD = 0.5;

/**
 * The whole "train" step shared by the CLI, the browser and the tests: stratified split, scaler fitted
 * on the training part only, balanced logistic regression, threshold and metrics on the validation part.
 */
export async function trainVerifier(
	embeddings: Float32Array[],
	labels: number[],
	embedder: { id: string; version: string; size: number },
	opts: TrainOptions = {}
): Promise<TrainResult> {
	checkTrainingData(embeddings, labels, embedder.size);
	const seed = opts.seed ?? 42;
	const testFraction = opts.testFraction ?? 0.2;
	const split = stratifiedSplit(labels, testFraction, seed);
	const scaler = fitScaler(split.train.map((i) => embeddings[i]));
	const l2 = opts.l2 ?? 1 / split.train.length;
	const epochs = opts.epochs ?? DEFAULT_EPOCHS;
	const fit = await trainLogistic(
		split.train.map((i) => applyScaler(scaler, embeddings[i])),
		split.train.map((i) => labels[i]),
		{ epochs, learningRate: opts.learningRate, l2, seed, balanced: true, onProgress: opts.onProgress }
	);

	const notes: string[] = [];
	const evaluatedOn = split.test.length > 0 ? 'validation' : 'training';
	if (evaluatedOn === 'training')
		notes.push('no validation split (test fraction 0): metrics are on training data');
	const indices = evaluatedOn === 'validation' ? split.test : split.train;
	const evalLabels = indices.map((i) => labels[i]);
	const scores = indices.map((i) =>
		predictProba({ scaler, weights: fit.weights, bias: fit.bias }, embeddings[i])
	);
	const samples = countClasses(evalLabels);
	const threshold = pickThreshold(scores, evalLabels, samples, evaluatedOn, opts, notes);

	const atThreshold = binaryMetrics(scores, evalLabels, threshold.value);
	const eer = equalErrorRate(scores, evalLabels);
	const metrics: TrainingMetrics = {
		evaluated_on: evaluatedOn,
		samples,
		threshold: threshold.value,
		threshold_method: threshold.method,
		accuracy: atThreshold.accuracy,
		precision: atThreshold.precision,
		recall: atThreshold.recall,
		f1: atThreshold.f1,
		specificity: atThreshold.specificity,
		far: atThreshold.far,
		frr: atThreshold.frr,
		confusion: atThreshold.confusion,
		roc_auc: rocAuc(scores, evalLabels),
		average_precision: averagePrecision(scores, evalLabels),
		eer: eer.eer,
		eer_threshold: eer.threshold,
		train_loss: fit.loss,
		notes
	};
	const createdAt = (opts.createdAt ?? new Date()).toISOString();
	const model: LogisticModelFile = {
		format: MODEL_FORMAT,
		format_version: MODEL_FORMAT_VERSION,
		model_version: opts.modelVersion ?? `me-verifier-${createdAt.replace(/[-:]/g, '').slice(0, 15)}`,
		mode: 'logistic',
		embedder: { id: embedder.id, version: embedder.version, size: embedder.size },
		scaler,
		weights: fit.weights,
		bias: fit.bias,
		threshold,
		metrics: { ...metrics },
		training: {
			samples: countClasses(labels),
			seed,
			epochs,
			learning_rate: fit.learningRate,
			l2,
			backend: opts.backend ?? tf.getBackend(),
			split: { test_fraction: testFraction, train: split.train.length, validation: split.test.length }
		},
		created_at: createdAt
	};
	return { model, validation: { indices, scores, labels: evalLabels }, metrics };
}

function pickThreshold(
	scores: number[],
	labels: number[],
	samples: { me: number; not_me: number },
	evaluatedOn: 'validation' | 'training',
	opts: TrainOptions,
	notes: string[]
): ThresholdChoice {
	const method = opts.thresholdMethod ?? 'best_f1';
	if (method === 'manual') return chooseThreshold(scores, labels, 'manual', { value: opts.thresholdValue });
	const tooSmall = samples.me < 2 || samples.not_me < 2;
	if (evaluatedOn === 'training' || tooSmall) {
		const why = tooSmall
			? `validation has ${samples.me} "me" and ${samples.not_me} "not me" samples (< 2 of a class)`
			: 'a threshold chosen on training data would be optimistic';
		notes.push(
			`${why}: threshold ${FALLBACK_THRESHOLD} (the balanced model's own boundary) instead of ${method}`
		);
		return { value: FALLBACK_THRESHOLD, method: 'manual' };
	}
	return chooseThreshold(scores, labels, method, { targetFar: opts.targetFar });
}

function checkTrainingData(embeddings: Float32Array[], labels: number[], size: number): void {
	if (embeddings.length !== labels.length) {
		throw new RangeError(`${embeddings.length} embeddings but ${labels.length} labels`);
	}
	embeddings.forEach((e, i) => {
		if (e.length !== size)
			throw new RangeError(`embedding ${i} has ${e.length} values, the embedder gives ${size}`);
		if (!e.every(Number.isFinite)) throw new RangeError(`embedding ${i} contains NaN or infinite values`);
		if (labels[i] !== 0 && labels[i] !== 1)
			throw new RangeError(`label ${i} is ${labels[i]}, expected 0 or 1`);
	});
	const { me, not_me } = countClasses(labels);
	if (me < 2 || not_me < 2) {
		throw new CoreError(
			'NOT_ENOUGH_DATA',
			`training needs at least 2 "me" and 2 "not me" faces, got ${me} "me" and ${not_me} "not me"`,
			{ me, not_me }
		);
	}
}

function countClasses(labels: number[]): { me: number; not_me: number } {
	const me = labels.filter((l) => l === 1).length;
	return { me, not_me: labels.length - me };
}
