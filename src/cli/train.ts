import { PROFILE } from '../lib/core/defaults';
import path from 'node:path';
import { DEFAULT_EPOCHS } from '../lib/core/classifier/logistic';
import { serializeModelFile, type ModelFile } from '../lib/core/classifier/model-file';
import { trainTemplate } from '../lib/core/classifier/template';
import { trainVerifier, type TrainingMetrics } from '../lib/core/classifier/train';
import { calibrationFor } from '../lib/core/calibration/operating-points';
import type { Confusion } from '../lib/core/metrics';
import {
	parseChoice,
	parseCommand,
	parseNumberOption,
	usage,
	UsageError,
	type OptionSpecs
} from './lib/args';
import { readEmbeddings, writeAtomically, writeJson, type EmbeddingSet } from './lib/embeddings-file';
import { terminalOutput, type CliOutput } from './lib/output';
import { CommandError, formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';
import { ensureTfBackend } from './lib/tf-backend';

const THRESHOLD_METHODS = ['best_f1', 'youden', 'target_far', 'manual'] as const;

const SPECS = {
	embeddings: {
		type: 'string',
		env: 'EMBEDDINGS_PATH',
		description: 'embeddings index (default <data-dir>/embeddings.json)'
	},
	'data-dir': { type: 'string', env: 'DATA_DIR', default: 'data', description: 'root of the default paths' },
	model: {
		type: 'string',
		env: 'MODEL_PATH',
		default: PROFILE.modelPath,
		description: 'model file to write'
	},
	'reports-dir': {
		type: 'string',
		env: 'REPORTS_DIR',
		default: 'reports',
		description: 'where metrics.json goes'
	},
	'threshold-method': {
		type: 'string',
		default: 'best_f1',
		description: 'how the threshold is chosen on the validation split: best_f1, youden, target_far or manual'
	},
	mode: {
		type: 'string',
		default: 'auto',
		description:
			'template ("me" photos only, calibrated threshold), logistic (needs "not me" photos) or auto (template when there are no "not me" embeddings)'
	},
	'target-far': {
		type: 'string',
		description:
			'false accept rate: template mode (default 0.001) or --threshold-method target_far (default 0.01)'
	},
	threshold: { type: 'string', description: 'the threshold for --threshold-method manual' },
	epochs: { type: 'string', description: 'training epochs (default: the classifier default)' },
	'learning-rate': { type: 'string', description: 'step size (default: the classifier default)' },
	l2: { type: 'string', description: 'L2 penalty (default 1 / training samples)' },
	seed: { type: 'string', default: '42', description: 'split seed' },
	'test-fraction': {
		type: 'string',
		default: '0.2',
		description: 'share held out for validation (stratified)'
	},
	'model-version': {
		type: 'string',
		description: 'version string stored in the model (default: from the date)'
	}
} satisfies OptionSpecs;

export const USAGE = usage(
	'train',
	'With "me" photos only: a template (their mean embedding) and the threshold of the embedder\'s calibrated\n' +
		'impostor distribution at --target-far. With "not me" photos too: the seed\'s logistic regression\n' +
		'(stratified split, scaler fitted on the training part, threshold chosen on the validation part).\n' +
		'Writes the model and reports/metrics.json.',
	SPECS
);

const MODES = ['auto', 'template', 'logistic'] as const;

export interface TrainCommandResult {
	modelPath: string;
	metricsPath: string;
	model: ModelFile;
	metrics: TrainingMetrics | Record<string, unknown>;
	durationMs: number;
}

export async function main(argv: string[], context: CommandContext = {}): Promise<TrainCommandResult | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const method = parseChoice(options['threshold-method'], 'threshold-method', THRESHOLD_METHODS);
	if (method === 'manual' && options.threshold === undefined) {
		throw new UsageError('--threshold-method manual needs --threshold <0..1>');
	}
	const optionalNumber = (
		name: 'epochs' | 'learning-rate' | 'l2',
		rule: Parameters<typeof parseNumberOption>[2]
	) => (options[name] === undefined ? undefined : parseNumberOption(options[name], name, rule));
	const trainOptions = {
		seed: parseNumberOption(options.seed, 'seed', { integer: true, min: 0 }),
		testFraction: parseNumberOption(options['test-fraction'], 'test-fraction', { min: 0, max: 0.9 }),
		thresholdMethod: method,
		targetFar:
			options['target-far'] === undefined
				? undefined
				: parseNumberOption(options['target-far'], 'target-far', { min: 1e-6, max: 0.5 }),
		thresholdValue:
			options.threshold === undefined
				? undefined
				: parseNumberOption(options.threshold, 'threshold', { min: 0, max: 1 }),
		epochs: optionalNumber('epochs', { integer: true, min: 1, max: 100_000 }),
		learningRate: optionalNumber('learning-rate', { min: 0 }),
		l2: optionalNumber('l2', { min: 0 }),
		modelVersion: options['model-version']
	};
	const embeddingsPath = options.embeddings ?? path.join(options['data-dir'], 'embeddings.json');
	const metricsPath = path.join(options['reports-dir'], 'metrics.json');

	let set;
	try {
		set = await readEmbeddings(embeddingsPath);
	} catch (error) {
		throw new CommandError(`${(error as Error).message}; run npm run embed first`, { cause: error });
	}
	const labels = set.samples.map((s) => s.label);
	const positives = labels.filter((l) => l === 1).length;
	output.info(
		`train: ${set.samples.length} embeddings (${positives} me, ${labels.length - positives} not me) from ${embeddingsPath}, ` +
			`embedder ${set.embedder.id} ${set.embedder.version}`
	);
	const requested = parseChoice(options.mode, 'mode', MODES);
	const mode = requested === 'auto' ? (positives === labels.length ? 'template' : 'logistic') : requested;
	if (mode === 'template') {
		return trainTemplateCommand(
			set,
			{ ...options, targetFar: trainOptions.targetFar, metricsPath, embeddingsPath },
			output
		);
	}
	const backend = await ensureTfBackend();
	const started = performance.now();
	const progress = output.progress('train', trainOptions.epochs ?? DEFAULT_EPOCHS);
	let result;
	try {
		result = await trainVerifier(set.vectors, labels, set.embedder, {
			...trainOptions,
			targetFar: trainOptions.targetFar ?? 0.01,
			backend,
			onProgress: (epoch, _total, loss) => progress.update(epoch, `loss ${loss.toFixed(4)}`)
		});
	} finally {
		progress.stop();
	}
	const durationMs = Math.round(performance.now() - started);
	const { model, metrics } = result;

	await writeAtomically(options.model, serializeModelFile(model));
	await writeJson(metricsPath, {
		generated_at: new Date().toISOString(),
		model: {
			path: options.model,
			model_version: model.model_version,
			embedder: model.embedder,
			threshold: model.threshold
		},
		embeddings: {
			path: embeddingsPath,
			sha256: set.sha256,
			samples: set.samples.length,
			positives,
			negatives: set.samples.length - positives
		},
		split: {
			seed: model.training.seed,
			test_fraction: model.training.split.test_fraction,
			train: model.training.split.train,
			validation: model.training.split.validation,
			validation_files: result.validation.indices.map((i) => set.samples[i].file)
		},
		training: { ...model.training, duration_ms: durationMs },
		metrics,
		classification_report: classificationReport(metrics.confusion)
	});
	output.info(
		`train: ${metrics.evaluated_on} accuracy ${(metrics.accuracy * 100).toFixed(1)} %, ROC AUC ${metrics.roc_auc.toFixed(4)}, ` +
			`F1 ${metrics.f1.toFixed(4)} at threshold ${metrics.threshold.toFixed(4)} (${metrics.threshold_method}), ` +
			`in ${formatDuration(durationMs)} on ${backend}`
	);
	for (const note of metrics.notes) output.warn(`note  ${note}`);
	output.info(`train: wrote ${options.model} and ${metricsPath}`);
	return { modelPath: options.model, metricsPath, model, metrics, durationMs };
}

async function trainTemplateCommand(
	set: EmbeddingSet & { sha256: string },
	options: {
		model: string;
		targetFar?: number;
		metricsPath: string;
		embeddingsPath: string;
		'model-version'?: string;
	},
	output: CliOutput
): Promise<TrainCommandResult> {
	const started = performance.now();
	const calibration = calibrationFor(set.embedder.id, set.embedder.version);
	if (!calibration) {
		throw new CommandError(
			`embedder ${set.embedder.id} ${set.embedder.version} has no calibration: add "not me" photos (--mode logistic)`
		);
	}
	const meSamples = set.samples.filter((s) => s.label === 1);
	const me = set.vectors.filter((_, i) => set.samples[i].label === 1);
	const result = trainTemplate(me, set.embedder, {
		calibration,
		targetFar: options.targetFar,
		modelVersion: options['model-version']
	});
	const durationMs = Math.round(performance.now() - started);
	const { model } = result;
	await writeAtomically(options.model, serializeModelFile(model));
	await writeJson(options.metricsPath, {
		generated_at: new Date().toISOString(),
		model: {
			path: options.model,
			model_version: model.model_version,
			mode: model.mode,
			embedder: model.embedder,
			threshold: model.threshold
		},
		embeddings: {
			path: options.embeddingsPath,
			sha256: set.sha256,
			samples: set.samples.length,
			positives: me.length,
			negatives: set.samples.length - me.length
		},
		training: { ...model.training, duration_ms: durationMs },
		metrics: model.metrics,
		leave_one_out: result.leaveOneOut.map((score, i) => ({ file: meSamples[i].file, score }))
	});
	const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
	output.info(
		`train: template of ${me.length} "me" faces (no "not me" photos needed); threshold ${model.threshold.value.toFixed(4)} ` +
			`for FAR ${model.threshold.target_far} (calibrated on ${calibration.embedder})`
	);
	for (const p of result.presets) {
		output.info(
			`  FAR ${p.far.toExponential(0)}: threshold ${p.threshold.toFixed(4)}, rejects ${p.rejected} of your ${me.length} photos (leave-one-out FRR ${pct(p.frr)})`
		);
	}
	for (const note of model.metrics.notes as string[]) output.warn(`note  ${note}`);
	output.info(`train: wrote ${options.model} and ${options.metricsPath}`);
	return {
		modelPath: options.model,
		metricsPath: options.metricsPath,
		model,
		metrics: model.metrics,
		durationMs
	};
}

/** Per-class precision, recall, F1 and support, as sklearn's classification_report in the seed. */
function classificationReport(c: Confusion) {
	const row = (tp: number, fp: number, fn: number) => {
		const precision = tp + fp ? tp / (tp + fp) : 0;
		const recall = tp + fn ? tp / (tp + fn) : 0;
		return {
			precision,
			recall,
			f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
			support: tp + fn
		};
	};
	return { me: row(c.tp, c.fp, c.fn), not_me: row(c.tn, c.fn, c.fp) };
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);
