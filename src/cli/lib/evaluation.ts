import type { ModelFile } from '../../lib/core/classifier/model-file';
import {
	averagePrecision,
	binaryMetrics,
	chooseThreshold,
	equalErrorRate,
	prCurve,
	rocAuc,
	rocCurve,
	tarAtFar
} from '../../lib/core/metrics';
import type {
	EvaluationReport,
	FarPoint,
	PerFileScore,
	ScoreMetrics,
	ThresholdAnalysis,
	ThresholdPoint
} from './report/evaluation';

/** JSON has no Infinity: "accept nobody" (the end of a curve, an unreachable FAR) is written as null. */
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

/** False accept rates reported for every evaluation: 1 in 10, 100 and 1000 impostors accepted. */
export const REPORTED_FARS = [1e-1, 1e-2, 1e-3];

export function farPoints(scores: number[], labels: number[]): FarPoint[] {
	return REPORTED_FARS.map((far) => {
		const point = tarAtFar(scores, labels, far);
		return { far, threshold: finiteOrNull(point.threshold), tar: point.tar, achieved_far: point.far };
	});
}

export function scoreMetrics(scores: number[], labels: number[], threshold: number): ScoreMetrics {
	const m = binaryMetrics(scores, labels, threshold);
	const positives = labels.filter((l) => l === 1).length;
	const eer = equalErrorRate(scores, labels);
	return {
		samples: labels.length,
		positives,
		negatives: labels.length - positives,
		threshold,
		accuracy: m.accuracy,
		balanced_accuracy: (m.recall + m.specificity) / 2,
		precision: m.precision,
		recall: m.recall,
		specificity: m.specificity,
		f1: m.f1,
		false_accept_rate: m.far,
		false_reject_rate: m.frr,
		roc_auc: rocAuc(scores, labels),
		average_precision: averagePrecision(scores, labels),
		eer: eer.eer,
		eer_threshold: eer.threshold,
		tar_at_far: farPoints(scores, labels),
		confusion_matrix: m.confusion
	};
}

export function thresholdPoint(scores: number[], labels: number[], threshold: number): ThresholdPoint {
	const m = binaryMetrics(scores, labels, threshold);
	return {
		threshold,
		accuracy: m.accuracy,
		precision: m.precision,
		recall: m.recall,
		f1: m.f1,
		fpr: m.far,
		tpr: m.recall,
		youden_j: m.recall - m.far
	};
}

export function thresholdAnalysis(scores: number[], labels: number[], model: ModelFile): ThresholdAnalysis {
	const bestF1 = chooseThreshold(scores, labels, 'best_f1').value;
	const youden = chooseThreshold(scores, labels, 'youden').value;
	const grid = Array.from({ length: 21 }, (_, i) => Number((i * 0.05).toFixed(2)));
	return {
		evaluated_on: 'validation',
		model_threshold: model.threshold.value,
		model_threshold_method: model.threshold.method,
		optimal_threshold_f1: bestF1,
		optimal_threshold_youden: youden,
		optimal_threshold_eer: equalErrorRate(scores, labels).threshold,
		at_model_threshold: thresholdPoint(scores, labels, model.threshold.value),
		at_optimal_f1: thresholdPoint(scores, labels, bestF1),
		at_optimal_youden: thresholdPoint(scores, labels, youden),
		thresholds_at_far: farPoints(scores, labels),
		table: grid.map((t) => thresholdPoint(scores, labels, t))
	};
}

export interface EvaluationInput {
	model: ModelFile;
	modelPath: string;
	embeddingsPath: string;
	embeddingsSha256: string;
	files: string[];
	labels: (0 | 1)[];
	scores: number[];
	validation: number[];
	charts: EvaluationReport['charts'];
	notes: string[];
	generatedAt?: Date;
}

export function buildEvaluation(input: EvaluationInput): EvaluationReport {
	const { model, labels, scores } = input;
	const threshold = model.threshold.value;
	const inValidation = new Set(input.validation);
	const valScores = input.validation.map((i) => scores[i]);
	const valLabels = input.validation.map((i) => labels[i]);
	const positives = labels.filter((l) => l === 1).length;
	const roc = rocCurve(valScores, valLabels);
	const pr = prCurve(valScores, valLabels);
	const notes = [...input.notes];
	const valPositives = valLabels.filter((l) => l === 1).length;
	if (valPositives < 5 || valLabels.length - valPositives < 5) {
		notes.push(
			`the validation split holds ${valPositives} "me" and ${valLabels.length - valPositives} "not me" samples: ` +
				'every figure moves in steps of 1/n, so add photos before trusting the decimals'
		);
	}
	const perFile: PerFileScore[] = input.files.map((file, i) => {
		const predicted = scores[i] >= threshold ? 1 : 0;
		return {
			file,
			label: labels[i],
			split: inValidation.has(i) ? 'validation' : 'train',
			score: scores[i],
			predicted,
			correct: predicted === labels[i]
		};
	});
	return {
		generated_at: (input.generatedAt ?? new Date()).toISOString(),
		model: {
			path: input.modelPath,
			embedder: { id: model.embedder.id, version: model.embedder.version },
			threshold,
			threshold_method: model.threshold.method,
			trained_at: model.created_at ?? null
		},
		embeddings: {
			path: input.embeddingsPath,
			sha256: input.embeddingsSha256,
			samples: labels.length,
			positives,
			negatives: labels.length - positives
		},
		split: {
			seed: model.training.seed,
			test_fraction: model.training.split.test_fraction,
			train_size: labels.length - input.validation.length,
			validation_size: input.validation.length
		},
		metrics: scoreMetrics(valScores, valLabels, threshold),
		metrics_all_samples: scoreMetrics(scores, labels, threshold),
		threshold_analysis: thresholdAnalysis(valScores, valLabels, model),
		curves: {
			roc: {
				fpr: roc.map((p) => p.fpr),
				tpr: roc.map((p) => p.tpr),
				thresholds: roc.map((p) => finiteOrNull(p.threshold))
			},
			pr: {
				recall: pr.map((p) => p.recall),
				precision: pr.map((p) => p.precision),
				thresholds: pr.map((p) => finiteOrNull(p.threshold))
			}
		},
		per_file: perFile,
		charts: input.charts,
		notes
	};
}
