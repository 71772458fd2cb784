import { PROFILE } from '../lib/core/defaults';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scoreEmbedding } from '../lib/core/classifier/score';
import { calibrationFor } from '../lib/core/calibration/operating-points';
import { parseModelFile, type ModelFile, type TemplateModelFile } from '../lib/core/classifier/model-file';
import { trainTemplate, type PresetCost } from '../lib/core/classifier/template';
import { stratifiedSplit } from '../lib/core/classifier/split';
import { confusionMatrixSvg, prChartSvg, rocChartSvg, scoreHistogramSvg } from '../lib/charts';
import { evaluationReportHtml, type EvaluationReport } from './lib/report';
import { parseCommand, usage, type OptionSpecs } from './lib/args';
import { readEmbeddings, writeAtomically, writeJson, type EmbeddingSet } from './lib/embeddings-file';
import { buildEvaluation } from './lib/evaluation';
import { terminalOutput, type CliOutput } from './lib/output';
import { CommandError, formatDuration, isEntryPoint, runScript, type CommandContext } from './lib/run';

const SPECS = {
	model: {
		type: 'string',
		env: 'MODEL_PATH',
		default: PROFILE.modelPath,
		description: 'model file to evaluate'
	},
	embeddings: {
		type: 'string',
		env: 'EMBEDDINGS_PATH',
		description: 'embeddings index (default <data-dir>/embeddings.json)'
	},
	'data-dir': { type: 'string', env: 'DATA_DIR', default: 'data', description: 'root of the default paths' },
	'reports-dir': {
		type: 'string',
		env: 'REPORTS_DIR',
		default: 'reports',
		description: 'where evaluation.json, the SVG charts and report.html go'
	}
} satisfies OptionSpecs;

export const USAGE = usage(
	'evaluate',
	'Scores every embedding with the model, rebuilds the training split (same seed and fraction) and reports on\n' +
		'the validation part: metrics, threshold analysis, per-file scores (evaluation.json), ROC / PR / confusion /\n' +
		'score charts (SVG) and report.html, which opens offline in a browser.',
	SPECS
);

export const REPORT_FILES = {
	evaluation: 'evaluation.json',
	roc: 'roc_curve.svg',
	pr: 'pr_curve.svg',
	confusionMatrix: 'confusion_matrix.svg',
	scoreHistogram: 'score_histogram.svg',
	html: 'report.html'
} as const;

export interface EvaluateResult {
	reportsDir: string;
	evaluation: EvaluationReport;
	files: string[];
	durationMs: number;
}

/**
 * Template mode has no "not me" photos to draw a ROC from: its threshold's FAR comes from the embedder's
 * calibration, so what is left to measure on the user's data is the false-reject side, leave-one-out.
 */
async function evaluateTemplate(
	model: TemplateModelFile,
	set: EmbeddingSet & { sha256: string },
	reportsDir: string,
	output: CliOutput,
	started: number
): Promise<TemplateEvaluateResult> {
	const calibration = calibrationFor(model.embedder.id, model.embedder.version);
	if (!calibration)
		throw new CommandError(`no calibration for ${model.embedder.id} ${model.embedder.version}`);
	const meIndex = set.samples.flatMap((s, i) => (s.label === 1 ? [i] : []));
	const { leaveOneOut, presets } = trainTemplate(
		meIndex.map((i) => set.vectors[i]),
		set.embedder,
		{ calibration, targetFar: model.threshold.target_far }
	);
	const notMe = set.samples.flatMap((s, i) =>
		s.label === 0 ? [{ file: s.file, score: scoreEmbedding(model, set.vectors[i]) }] : []
	);
	const evaluation = {
		generated_at: new Date().toISOString(),
		mode: 'template' as const,
		model_version: model.model_version,
		threshold: model.threshold,
		leave_one_out: meIndex.map((i, k) => ({ file: set.samples[i].file, score: leaveOneOut[k] })),
		presets,
		not_me_accepted: notMe.filter((n) => n.score >= model.threshold.value).length,
		not_me: notMe
	};
	const file = path.join(reportsDir, 'evaluation.json');
	await mkdir(reportsDir, { recursive: true });
	await writeFile(file, `${JSON.stringify(evaluation, null, '\t')}\n`);
	const rejected = leaveOneOut.filter((s) => s < model.threshold.value).length;
	output.info(
		`evaluate: template model, threshold ${model.threshold.value.toFixed(4)} for FAR ${model.threshold.target_far} ` +
			`(from the embedder's calibration): ${rejected} of your ${leaveOneOut.length} photos refused leave-one-out`
	);
	if (notMe.length > 0)
		output.info(`evaluate: ${evaluation.not_me_accepted} of ${notMe.length} "not me" photos accepted`);
	output.info(
		`evaluate: wrote ${file} in ${formatDuration(Math.round(performance.now() - started))} (no ROC: no "not me" photos were needed)`
	);
	return { reportsDir, evaluation, files: [file], durationMs: Math.round(performance.now() - started) };
}

export interface TemplateEvaluateResult {
	reportsDir: string;
	evaluation: { mode: 'template'; presets: PresetCost[]; not_me_accepted: number };
	files: string[];
	durationMs: number;
}

export async function main(
	argv: string[],
	context: CommandContext = {}
): Promise<EvaluateResult | TemplateEvaluateResult | null> {
	const output = context.output ?? terminalOutput();
	const { options, help } = parseCommand(argv, SPECS, context.env);
	if (help) {
		output.info(USAGE);
		return null;
	}
	const started = performance.now();
	const embeddingsPath = options.embeddings ?? path.join(options['data-dir'], 'embeddings.json');
	const reportsDir = options['reports-dir'];
	let set: EmbeddingSet & { sha256: string };
	try {
		set = await readEmbeddings(embeddingsPath);
	} catch (error) {
		throw new CommandError(`${(error as Error).message}; run npm run embed first`, { cause: error });
	}
	const model = await readModel(options.model, set);
	if (model.mode === 'template') return evaluateTemplate(model, set, reportsDir, output, started);
	const labels = set.samples.map((s) => s.label);
	const notes = await splitNotes(model, set, labels, reportsDir);
	const { test: validation } = stratifiedSplit(
		labels,
		model.training.split.test_fraction,
		model.training.seed
	);
	if (validation.length === 0) {
		throw new CommandError(
			'the model was trained without a validation split (test fraction 0): nothing unseen to evaluate'
		);
	}

	const progress = output.progress('score', set.vectors.length);
	const scores = set.vectors.map((vector, i) => {
		progress.tick(set.samples[i].file);
		return scoreEmbedding(model, vector);
	});
	progress.stop();

	const evaluation = buildEvaluation({
		model,
		modelPath: options.model,
		embeddingsPath,
		embeddingsSha256: set.sha256,
		files: set.samples.map((s) => s.file),
		labels,
		scores,
		validation,
		notes,
		charts: {
			roc: REPORT_FILES.roc,
			pr: REPORT_FILES.pr,
			confusion_matrix: REPORT_FILES.confusionMatrix,
			score_histogram: REPORT_FILES.scoreHistogram,
			html: REPORT_FILES.html
		}
	});
	const files = await writeReports(reportsDir, evaluation, scores, labels, validation);
	const m = evaluation.metrics;
	const ta = evaluation.threshold_analysis;
	const durationMs = Math.round(performance.now() - started);
	output.info(
		`evaluate: validation (${m.samples} samples) ROC AUC ${m.roc_auc.toFixed(4)}, AP ${m.average_precision.toFixed(4)}, ` +
			`accuracy ${(m.accuracy * 100).toFixed(1)} %, F1 ${m.f1.toFixed(4)}, EER ${(m.eer * 100).toFixed(1)} % ` +
			`at threshold ${m.threshold.toFixed(4)}`
	);
	output.info(
		`evaluate: optimal thresholds: F1 ${ta.optimal_threshold_f1.toFixed(4)}, Youden ${ta.optimal_threshold_youden.toFixed(4)}, ` +
			`EER ${ta.optimal_threshold_eer.toFixed(4)}; all samples ROC AUC ${evaluation.metrics_all_samples.roc_auc.toFixed(4)}`
	);
	for (const note of evaluation.notes) output.warn(`note  ${note}`);
	output.info(`evaluate: wrote ${files.join(', ')} in ${formatDuration(durationMs)}`);
	return { reportsDir, evaluation, files, durationMs };
}

async function readModel(file: string, set: EmbeddingSet): Promise<ModelFile> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		throw new CommandError(`no model at ${file}: run npm run train first`);
	}
	// A model from another embedder cannot score these vectors: parseModelFile refuses it (MODEL_INCOMPATIBLE).
	return parseModelFile(text, {
		embedder: set.embedder.id,
		embedderVersion: set.embedder.version,
		size: set.embedder.size
	});
}

/**
 * The validation split is rebuilt from the seed and fraction stored in the model. That is only the split
 * training used if the embeddings are the same: say so when they visibly are not.
 */
async function splitNotes(
	model: ModelFile,
	set: EmbeddingSet & { sha256: string },
	labels: number[],
	reportsDir: string
) {
	const notes: string[] = [];
	const me = labels.filter((l) => l === 1).length;
	const trained = model.training.samples;
	if (trained.me !== me || trained.not_me !== labels.length - me) {
		notes.push(
			`the model was trained on ${trained.me} me / ${trained.not_me} not me samples, the embeddings now hold ` +
				`${me} / ${labels.length - me}: the rebuilt validation split overlaps training data, retrain first`
		);
		return notes;
	}
	try {
		const metrics = JSON.parse(await readFile(path.join(reportsDir, 'metrics.json'), 'utf8'));
		if (metrics?.model?.model_version === model.model_version && metrics?.embeddings?.sha256 !== set.sha256) {
			notes.push('the embeddings changed since training (sha256 differs from metrics.json): retrain first');
		}
	} catch {
		// metrics.json is optional provenance: without it the sample counts are the only check
	}
	return notes;
}

async function writeReports(
	dir: string,
	evaluation: EvaluationReport,
	scores: number[],
	labels: number[],
	validation: number[]
): Promise<string[]> {
	const m = evaluation.metrics;
	const threshold = evaluation.model.threshold;
	const charts = {
		roc: rocChartSvg({
			fpr: evaluation.curves.roc.fpr,
			tpr: evaluation.curves.roc.tpr,
			auc: m.roc_auc,
			operatingPoint: { x: m.false_accept_rate, y: m.recall, threshold },
			title: 'ROC curve, validation'
		}),
		pr: prChartSvg({
			recall: evaluation.curves.pr.recall,
			precision: evaluation.curves.pr.precision,
			averagePrecision: m.average_precision,
			positiveRate: m.positives / m.samples,
			operatingPoint: { x: m.recall, y: m.precision, threshold },
			title: 'Precision-recall, validation'
		}),
		confusionMatrix: confusionMatrixSvg(m.confusion_matrix, threshold, 'Confusion matrix, validation'),
		scoreHistogram: scoreHistogramSvg({
			scores: validation.map((i) => scores[i]),
			labels: validation.map((i) => labels[i]),
			threshold,
			title: 'Scores, validation'
		})
	};
	const written: [string, string][] = [
		[REPORT_FILES.roc, charts.roc],
		[REPORT_FILES.pr, charts.pr],
		[REPORT_FILES.confusionMatrix, charts.confusionMatrix],
		[REPORT_FILES.scoreHistogram, charts.scoreHistogram],
		[REPORT_FILES.html, evaluationReportHtml(evaluation, charts)]
	];
	for (const [name, content] of written) await writeAtomically(path.join(dir, name), content);
	await writeJson(path.join(dir, REPORT_FILES.evaluation), evaluation);
	return [REPORT_FILES.evaluation, ...written.map(([name]) => name)].map((name) => path.join(dir, name));
}

if (isEntryPoint(import.meta.url)) await runScript(main, USAGE);
