import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../lib/core/classifier/model-file';
import { evaluationReportHtml } from './report';
import { buildEvaluation } from './evaluation';

const model = {
	embedder: { id: 'test', version: '1', size: 2 },
	threshold: { value: 0.5, method: 'best_f1' },
	training: { seed: 7, split: { test_fraction: 0.5, train: 2, validation: 4 } },
	created_at: '2026-01-01T00:00:00.000Z'
} as unknown as ModelFile;

// Validation: me 0.9 and 0.4, not me 0.3 and 0.7; at 0.5 that is one of each of TP, FN, TN, FP.
const input = {
	model,
	modelPath: 'models/model.json',
	embeddingsPath: 'data/embeddings.json',
	embeddingsSha256: 'abc',
	files: ['me/a.jpg', 'me/b.jpg', 'me/<c>.jpg', 'x/d.jpg', 'x/e.jpg', 'x/f.jpg'],
	labels: [1, 1, 1, 0, 0, 0] as (0 | 1)[],
	scores: [0.9, 0.8, 0.4, 0.3, 0.2, 0.7],
	validation: [0, 2, 3, 5],
	charts: {
		roc: 'r.svg',
		pr: 'p.svg',
		confusion_matrix: 'c.svg',
		score_histogram: 'h.svg',
		html: 'report.html'
	},
	notes: [],
	generatedAt: new Date('2026-01-02T00:00:00.000Z')
};

describe('buildEvaluation', () => {
	const report = buildEvaluation(input);

	it('reports the validation split at the model threshold', () => {
		expect(report.metrics).toMatchObject({
			samples: 4,
			positives: 2,
			accuracy: 0.5,
			roc_auc: 0.75,
			confusion_matrix: { tp: 1, fn: 1, fp: 1, tn: 1 }
		});
		expect(report.metrics_all_samples.samples).toBe(6);
		expect(report.split).toEqual({ seed: 7, test_fraction: 0.5, train_size: 2, validation_size: 4 });
	});

	it('finds the optimal thresholds on the validation split', () => {
		const ta = report.threshold_analysis;
		// F1 is best (0.8) accepting 0.9, 0.7 and 0.4: the threshold sits between 0.4 and the next score 0.3.
		expect(ta.optimal_threshold_f1).toBeCloseTo(0.35, 12);
		expect(ta.at_optimal_f1.f1).toBeCloseTo(0.8, 12);
		expect(ta.at_model_threshold.f1).toBeCloseTo(0.5, 12);
		expect(ta.table.map((p) => p.threshold)).toContain(0.35);
	});

	it('scores every file with its split and decision, and writes JSON without Infinity', () => {
		expect(report.per_file.map((f) => [f.split, f.predicted, f.correct])).toEqual([
			['validation', 1, true],
			['train', 1, true],
			['validation', 0, false],
			['validation', 0, true],
			['train', 0, true],
			['validation', 1, false]
		]);
		expect(report.curves.roc.thresholds[0]).toBeNull();
		const json = JSON.parse(JSON.stringify(report));
		expect(json.curves.roc.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
		expect(report.notes.join(' ')).toContain('2 "me" and 2 "not me"');
	});

	it('renders a self-contained page that escapes file names', () => {
		const html = evaluationReportHtml(report, {
			roc: '<svg a/>',
			pr: '<svg b/>',
			confusionMatrix: '<svg c/>',
			scoreHistogram: '<svg d/>'
		});
		expect(html).toContain('me/&lt;c&gt;.jpg');
		expect(html).not.toContain('me/<c>.jpg');
		expect(html).toContain('Misclassified files (2)');
		expect(html).not.toMatch(/<script|<link /);
	});
});
