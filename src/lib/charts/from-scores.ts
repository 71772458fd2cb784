import { averagePrecision, prCurve, rocAuc, rocCurve } from '../core/metrics';
import { prChartSvg, rocChartSvg, scoreHistogramSvg, type ChartText } from './charts';

export interface TrainingCharts {
	roc: string;
	pr: string;
	histogram: string;
}

/**
 * ROC, precision-recall and score histogram of validation scores (labels 1 = "me"), with the operating
 * point of `threshold` marked: the training page redraws them as its threshold slider moves.
 */
export function trainingCharts(
	scores: ArrayLike<number>,
	labels: ArrayLike<number>,
	threshold: number,
	text: Partial<ChartText> = {}
): TrainingCharts {
	const roc = rocCurve(scores, labels);
	const pr = prCurve(scores, labels);
	// The point of each curve where the model's threshold sits: the last one still accepted at it.
	const rocAt = roc.filter((p) => p.threshold >= threshold).at(-1) ?? roc[0];
	const prAt = pr.filter((p) => p.threshold >= threshold).at(-1) ?? pr[0];
	let positives = 0;
	for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
	return {
		roc: rocChartSvg(
			{
				fpr: roc.map((p) => p.fpr),
				tpr: roc.map((p) => p.tpr),
				auc: rocAuc(scores, labels),
				operatingPoint: { x: rocAt.fpr, y: rocAt.tpr, threshold }
			},
			text
		),
		pr: prChartSvg(
			{
				recall: pr.map((p) => p.recall),
				precision: pr.map((p) => p.precision),
				averagePrecision: averagePrecision(scores, labels),
				positiveRate: positives / Math.max(1, labels.length),
				operatingPoint: { x: prAt.recall, y: prAt.precision, threshold }
			},
			text
		),
		histogram: scoreHistogramSvg({ scores, labels, threshold }, text)
	};
}
