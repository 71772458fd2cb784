import type { EvaluationReport, ScoreMetrics, ThresholdPoint } from './evaluation';
import { escapeXml } from '../../../lib/charts/svg';

export interface ReportCharts {
	roc: string;
	pr: string;
	confusionMatrix: string;
	scoreHistogram: string;
}

const STYLE = `
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0; color: #111827; background: #f9fafb; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 32px 0 12px; }
.muted { color: #6b7280; font-size: 0.9rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 16px; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px 14px; }
.card .value { font-size: 1.5rem; font-weight: 600; }
.card .label { color: #6b7280; font-size: 0.85rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
.charts figure { margin: 0; background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 8px; text-align: center; }
.charts svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 0.9rem; }
th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: right; }
th { background: #f3f4f6; }
td.file, th.file { text-align: left; font-family: ui-monospace, monospace; word-break: break-all; }
tr.wrong td { background: #fef2f2; }
tr.marked td { background: #eff6ff; font-weight: 600; }
details { margin-top: 12px; }
ul.notes { padding-left: 20px; }
`;

const pct = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '–');
const num = (value: number | null, digits = 4) =>
	value !== null && Number.isFinite(value) ? value.toFixed(digits) : '–';

function card(label: string, value: string): string {
	return `<div class="card"><div class="value">${escapeXml(value)}</div><div class="label">${escapeXml(label)}</div></div>`;
}

function metricsTable(columns: { name: string; metrics: ScoreMetrics }[]): string {
	const rows: [string, (m: ScoreMetrics) => string][] = [
		['samples (me / not me)', (m) => `${m.samples} (${m.positives} / ${m.negatives})`],
		['threshold', (m) => num(m.threshold)],
		['ROC AUC', (m) => num(m.roc_auc)],
		['average precision', (m) => num(m.average_precision)],
		['accuracy', (m) => pct(m.accuracy)],
		['balanced accuracy', (m) => pct(m.balanced_accuracy)],
		['precision', (m) => pct(m.precision)],
		['recall (true accept rate)', (m) => pct(m.recall)],
		['specificity', (m) => pct(m.specificity)],
		['F1', (m) => num(m.f1)],
		['false accept rate', (m) => pct(m.false_accept_rate)],
		['false reject rate', (m) => pct(m.false_reject_rate)],
		['equal error rate', (m) => `${pct(m.eer)} at ${num(m.eer_threshold)}`],
		['confusion (TP FP TN FN)', (m) => Object.values(m.confusion_matrix).join(' ')]
	];
	const head = `<tr><th class="file">metric</th>${columns.map((c) => `<th>${escapeXml(c.name)}</th>`).join('')}</tr>`;
	const body = rows
		.map(
			([label, value]) =>
				`<tr><td class="file">${escapeXml(label)}</td>${columns.map((c) => `<td>${escapeXml(value(c.metrics))}</td>`).join('')}</tr>`
		)
		.join('\n');
	return `<table>${head}\n${body}</table>`;
}

function thresholdRow(point: ThresholdPoint, label: string, marked = false): string {
	const cells = [
		label,
		num(point.threshold),
		pct(point.accuracy),
		pct(point.precision),
		pct(point.recall),
		num(point.f1),
		pct(point.fpr),
		num(point.youden_j)
	];
	return `<tr${marked ? ' class="marked"' : ''}>${cells.map((c, i) => `<td${i === 0 ? ' class="file"' : ''}>${escapeXml(c)}</td>`).join('')}</tr>`;
}

const THRESHOLD_HEAD =
	'<tr><th class="file"></th><th>threshold</th><th>accuracy</th><th>precision</th><th>recall</th><th>F1</th><th>false accept</th><th>Youden J</th></tr>';

/** One self-contained page (inline CSS and SVG, no script, no network): opens offline from disk. */
export function evaluationReportHtml(report: EvaluationReport, charts: ReportCharts): string {
	const m = report.metrics;
	const ta = report.threshold_analysis;
	const wrong = report.per_file.filter((f) => !f.correct);
	const fileRows = (files: EvaluationReport['per_file']) =>
		files
			.map(
				(f) =>
					`<tr${f.correct ? '' : ' class="wrong"'}><td class="file">${escapeXml(f.file)}</td><td>${f.label ? 'me' : 'not me'}</td>` +
					`<td>${f.split}</td><td>${num(f.score)}</td><td>${f.predicted ? 'me' : 'not me'}</td><td>${f.correct ? 'yes' : 'no'}</td></tr>`
			)
			.join('\n');
	const filesHead =
		'<tr><th class="file">file</th><th>label</th><th>split</th><th>score</th><th>predicted</th><th>correct</th></tr>';
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>me-verifier evaluation</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>me-verifier evaluation</h1>
<p class="muted">Generated ${escapeXml(report.generated_at)}. Model ${escapeXml(report.model.path)}
(embedder ${escapeXml(report.model.embedder.id)} ${escapeXml(report.model.embedder.version)}, threshold ${num(report.model.threshold)} by ${escapeXml(report.model.threshold_method)}).
Embeddings ${escapeXml(report.embeddings.path)}: ${report.embeddings.samples} samples (${report.embeddings.positives} me, ${report.embeddings.negatives} not me).
Validation split: ${report.split.validation_size} samples (${pct(report.split.test_fraction)}, seed ${report.split.seed}), not seen in training.</p>
<div class="cards">
${card('ROC AUC (validation)', num(m.roc_auc, 3))}
${card('average precision', num(m.average_precision, 3))}
${card('accuracy', pct(m.accuracy))}
${card('F1', num(m.f1, 3))}
${card('equal error rate', pct(m.eer))}
${card('false accept rate', pct(m.false_accept_rate))}
${card('false reject rate', pct(m.false_reject_rate))}
</div>
<h2>Curves (validation split)</h2>
<div class="charts">
<figure>${charts.roc}</figure>
<figure>${charts.pr}</figure>
<figure>${charts.confusionMatrix}</figure>
<figure>${charts.scoreHistogram}</figure>
</div>
<h2>Metrics</h2>
${metricsTable([
	{ name: 'validation', metrics: m },
	{ name: 'all samples (optimistic)', metrics: report.metrics_all_samples }
])}
<h2>Threshold analysis (validation split)</h2>
<table>${THRESHOLD_HEAD}
${thresholdRow(ta.at_model_threshold, `model threshold (${ta.model_threshold_method})`, true)}
${thresholdRow(ta.at_optimal_f1, 'best F1')}
${thresholdRow(ta.at_optimal_youden, 'best Youden J')}
</table>
<p class="muted">Equal error rate threshold: ${num(ta.optimal_threshold_eer)}. ${ta.thresholds_at_far
		.map((p) =>
			p.threshold === null
				? `No threshold keeps false accepts at or below ${pct(p.far)} on this split.`
				: `At most ${pct(p.far)} false accepts: threshold ${num(p.threshold)}, true accept rate ${pct(p.tar)}.`
		)
		.join(' ')}</p>
<details><summary>All thresholds in 0.05 steps</summary>
<table>${THRESHOLD_HEAD}
${ta.table.map((p) => thresholdRow(p, '')).join('\n')}
</table></details>
<h2>Misclassified files (${wrong.length})</h2>
${wrong.length ? `<table>${filesHead}\n${fileRows(wrong)}</table>` : '<p class="muted">None at the model threshold.</p>'}
<details><summary>Every file's score (${report.per_file.length})</summary>
<table>${filesHead}
${fileRows(report.per_file)}
</table></details>
${report.notes.length ? `<h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>` : ''}
</main>
</body>
</html>
`;
}
