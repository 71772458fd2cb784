/** Shape of reports/evaluation.json (snake_case keys, as the seed's evaluation file). */

import type { Confusion } from '../../../lib/core/metrics';

export interface FarPoint {
	/** Target false accept rate. */
	far: number;
	/** Threshold with the highest true accept rate whose false accept rate stays <= `far`; null: none. */
	threshold: number | null;
	/** True accept rate (recall of "me") at that threshold. */
	tar: number;
	/** False accept rate actually reached there. */
	achieved_far: number;
}

export interface ScoreMetrics {
	samples: number;
	positives: number;
	negatives: number;
	threshold: number;
	accuracy: number;
	balanced_accuracy: number;
	precision: number;
	recall: number;
	specificity: number;
	f1: number;
	/** Share of "not me" accepted (false positive rate). */
	false_accept_rate: number;
	/** Share of "me" rejected (false negative rate). */
	false_reject_rate: number;
	roc_auc: number;
	average_precision: number;
	eer: number;
	eer_threshold: number;
	tar_at_far: FarPoint[];
	confusion_matrix: Confusion;
}

export interface ThresholdPoint {
	threshold: number;
	accuracy: number;
	precision: number;
	recall: number;
	f1: number;
	/** False accept rate. */
	fpr: number;
	/** True accept rate. */
	tpr: number;
	youden_j: number;
}

export interface ThresholdAnalysis {
	evaluated_on: 'validation';
	model_threshold: number;
	model_threshold_method: string;
	optimal_threshold_f1: number;
	optimal_threshold_youden: number;
	optimal_threshold_eer: number;
	at_model_threshold: ThresholdPoint;
	at_optimal_f1: ThresholdPoint;
	at_optimal_youden: ThresholdPoint;
	thresholds_at_far: FarPoint[];
	/** The operating characteristics on a regular grid of thresholds (0.05 steps). */
	table: ThresholdPoint[];
}

export interface PerFileScore {
	file: string;
	label: 0 | 1;
	split: 'train' | 'validation';
	score: number;
	predicted: 0 | 1;
	correct: boolean;
}

export interface EvaluationReport {
	generated_at: string;
	model: {
		path: string;
		embedder: { id: string; version: string };
		threshold: number;
		threshold_method: string;
		trained_at: string | null;
	};
	embeddings: { path: string; sha256: string; samples: number; positives: number; negatives: number };
	split: { seed: number; test_fraction: number; train_size: number; validation_size: number };
	/** On the validation split, which training did not see: the figures to trust. */
	metrics: ScoreMetrics;
	/** Every sample, training ones included: optimistic, shown to spot label or crop problems. */
	metrics_all_samples: ScoreMetrics;
	threshold_analysis: ThresholdAnalysis;
	curves: {
		/** Thresholds in decreasing order; the first is null (+Infinity: accept nobody). */
		roc: { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
		pr: { recall: number[]; precision: number[]; thresholds: (number | null)[] };
	};
	per_file: PerFileScore[];
	charts: { roc: string; pr: string; confusion_matrix: string; score_histogram: string; html: string };
	notes: string[];
}
